"""
The platform's user retirement (GDPR): erase or anonymise what the plugin holds about a learner,
and queue a ``retirement`` record so that the NSS forgets them too.

The LMS sends its retirement signals (``USER_RETIRE_LMS_MISC``) with ``user``; the receiver is
connected from ``plugin_app``. What the learner wrote for a partnership stays with the partnership,
under a token instead of their id; what was only theirs (their card, registration, survey answers'
link to them, invitations) is deleted. Counts (enrolled, completed) keep their rows under the token.

The token is random: a token computed from the user id (a hash, keyed or not, of a small number)
could be computed again for every user id and so lead back to the learner. The outbox is part of
what is cleaned: in every state (pending, delivered, dead) the learner's records get an unlinked
pseudonym (the token's, the same one reconcile would give the tokenised facts), lose the profile
address, and get the key of what they now say.
"""

from __future__ import annotations

import logging
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import reporting
from .api import self_assessments
from .api.partnerships import hand_over_ownership, tell_partners_of_retirement
from .models import (
    CompletionFact,
    DocumentRevision,
    EnrollmentFact,
    EtwinningRegistration,
    Invitation,
    OutboxRecord,
    PartnershipCard,
    PartnershipMember,
    PlatformEventReceipt,
    SelfAssessment,
    SelfAssessmentAnswer,
    SharedDocument,
    StepSubmission,
    SurveyParticipation,
    SurveyResponse,
)
from .reporting import contract, records
from .reporting.facts import record_pending_events
from .reports import teacher_tallies

log = logging.getLogger(__name__)


def retire(user_id: str) -> str:
    """Erase the learner's personal data here; returns the token that replaces their id."""
    token = "retired-" + secrets.token_hex(16)
    # Events still waiting for the worker become facts first, so that they are tokenised below too.
    record_pending_events()
    with transaction.atomic():
        PlatformEventReceipt.objects.filter(payload__user_id=user_id).update(payload={})
        if contract.reporting_configured():
            _redact_outbox(contract.pseudonym(user_id), contract.pseudonym(token))
            reporting.emit("retirement", user_id, occurred_at=timezone.now())
        tell_partners_of_retirement(user_id)  # after the commit, their open pages show the school gone
        PartnershipCard.objects.filter(learner_id=user_id).delete()
        EtwinningRegistration.objects.filter(learner_id=user_id).delete()
        Invitation.objects.filter(from_id=user_id).delete()
        Invitation.objects.filter(to_id=user_id).delete()
        SurveyParticipation.objects.filter(learner_id=user_id).delete()
        SurveyResponse.objects.filter(learner_id=user_id).update(learner_id=None, comment="", shared_with_nss=False)
        _unlink_self_assessments(user_id, token)
        hand_over_ownership(user_id, token)
        PartnershipMember.objects.filter(learner_id=user_id).update(learner_id=token, left_at=timezone.now(),
                                                                    active_course_key=None)
        DocumentRevision.objects.filter(author_id=user_id).update(author_id=token)
        SharedDocument.objects.filter(owner_key=f"learner:{user_id}").update(owner_key=f"learner:{token}")
        SharedDocument.objects.filter(submitted_by=user_id).update(submitted_by=token)
        _replace_submitted_member(user_id, token)
        StepSubmission.objects.filter(owner_key=f"learner:{user_id}").update(owner_key=f"learner:{token}")
        StepSubmission.objects.filter(submitted_by=user_id).update(submitted_by=token)
        EnrollmentFact.objects.filter(user_id=user_id).update(user_id=token)
        CompletionFact.objects.filter(user_id=user_id).update(user_id=token)
        # The tallies name the learner too: theirs go now (their facts are the token's already, so
        # none is made again, and the totals lose them); the token's are made from the facts above.
        teacher_tallies.remake([user_id])
        teacher_tallies.mark_due([token])
    return token


def _unlink_self_assessments(user_id: str, token: str) -> None:
    """
    The learner's self-assessment answers stay paired (the figures do not change) under the token
    when named, and under a new random key for each anonymous one: its pseudonym, a hash of the
    learner's id, could be computed again.
    """
    SelfAssessmentAnswer.objects.filter(learner_id=user_id).update(learner_id=None, respondent=token)
    for course_key, name in SelfAssessment.objects.values_list("course_key", "assessment"):
        ref = self_assessments.AssessmentRef(course_key, "", name, self_assessments.BEFORE, anonymous=True)
        SelfAssessmentAnswer.objects.filter(course_key=course_key, assessment=name,
                                            respondent=self_assessments.respondent(ref, user_id)) \
            .update(respondent="retired-" + secrets.token_hex(16))


def _redact_outbox(pseudonym: str, replacement: str) -> None:
    """Every outbox record naming the learner, in any state, names the replacement pseudonym instead."""
    naming = OutboxRecord.objects.select_for_update().exclude(record_type="retirement").filter(
        Q(payload__learner=pseudonym) | Q(payload__learners__icontains=pseudonym))
    for record in naming:
        payload = dict(record.payload)
        if payload.get("learner") == pseudonym:
            payload["learner"] = replacement
        if pseudonym in payload.get("learners", ()):
            payload["learners"] = sorted(replacement if p == pseudonym else p for p in payload["learners"])
        if "profile_url" in payload:
            payload["profile_url"] = None
        record.payload = records.keyed_again(payload)
        record.idempotency_key = record.payload["idempotency_key"]
        record.save(update_fields=["payload", "idempotency_key"])


def _replace_submitted_member(user_id: str, token: str) -> None:
    """The members a submission counted (a JSON list) name the token instead of the learner."""
    for document in SharedDocument.objects.filter(submitted_members__icontains=user_id):
        if user_id in document.submitted_members:
            document.submitted_members = [token if m == user_id else m for m in document.submitted_members]
            document.save(update_fields=["submitted_members"])


def retire_learner(sender=None, user=None, **kwargs) -> None:
    """
    The receiver of the LMS's ``USER_RETIRE_LMS_MISC`` signal, sent by the retirement API
    (``LMSAccountRetirementView``: ``USER_RETIRE_LMS_MISC.send(sender=..., user=retirement.user)``).
    Unlike the event receivers it lets an error through: the view then answers 500 and the
    platform's retirement pipeline tries again, rather than recording the learner as erased here.
    """
    if user is not None:
        retire(str(user.id))
