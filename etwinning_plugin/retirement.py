"""
The platform's user retirement (GDPR): erase or anonymise what the plugin holds about a learner,
and queue a ``retirement`` record so that the NSS forgets them too.

The LMS sends its retirement signals (``USER_RETIRE_LMS_MISC``) with ``user``; the receiver is
connected from ``plugin_app``. What the learner wrote for a partnership stays with the partnership,
under a token instead of their id; what was only theirs (their card, registration, survey answers'
link to them, invitations) is deleted. Counts (enrolled, completed) keep their rows under the token.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from .delivery import contract
from .delivery.outbox import queue
from .facts import record_pending_events
from .models import (
    CompletionFact,
    DocumentRevision,
    EnrollmentFact,
    EtwinningRegistration,
    Invitation,
    PartnershipCard,
    PartnershipMember,
    PlatformEventReceipt,
    SharedDocument,
    StepSubmission,
    SurveyParticipation,
    SurveyResponse,
)

log = logging.getLogger(__name__)


def retire(user_id: str) -> str:
    """Erase the learner's personal data here; returns the token that replaces their id."""
    token = "retired-" + hashlib.sha256(f"retired:{user_id}".encode()).hexdigest()[:16]
    # Events still waiting for the worker become facts first, so that they are tokenised below too.
    record_pending_events()
    with transaction.atomic():
        PlatformEventReceipt.objects.filter(payload__user_id=user_id).update(payload={})
        if contract.reporting_configured():
            pseudonym = contract.pseudonym(user_id)
            queue({**_retirement_record(pseudonym),
                   "idempotency_key": contract.idempotency_key("retirement", pseudonym)})
        PartnershipCard.objects.filter(learner_id=user_id).delete()
        EtwinningRegistration.objects.filter(learner_id=user_id).delete()
        Invitation.objects.filter(from_id=user_id).delete()
        Invitation.objects.filter(to_id=user_id).delete()
        SurveyParticipation.objects.filter(learner_id=user_id).delete()
        SurveyResponse.objects.filter(learner_id=user_id).update(learner_id=None, comment="")
        PartnershipMember.objects.filter(learner_id=user_id).update(learner_id=token, left_at=timezone.now(),
                                                                    active_course_key=None)
        DocumentRevision.objects.filter(author_id=user_id).update(author_id=token)
        SharedDocument.objects.filter(owner_key=f"learner:{user_id}").update(owner_key=f"learner:{token}")
        SharedDocument.objects.filter(submitted_by=user_id).update(submitted_by=token)
        StepSubmission.objects.filter(owner_key=f"learner:{user_id}").update(owner_key=f"learner:{token}")
        StepSubmission.objects.filter(submitted_by=user_id).update(submitted_by=token)
        EnrollmentFact.objects.filter(user_id=user_id).update(user_id=token)
        CompletionFact.objects.filter(user_id=user_id).update(user_id=token)
    return token


def _retirement_record(pseudonym: str) -> dict:
    return {"type": "retirement", "schema_version": contract.SCHEMA_VERSION, "occurred_at": timezone.now().isoformat(),
            "course_id": "", "learner": pseudonym}


def retire_learner(sender=None, user=None, **kwargs) -> None:
    """
    The receiver of the LMS's ``USER_RETIRE_LMS_MISC`` signal, sent by the retirement API
    (``LMSAccountRetirementView``: ``USER_RETIRE_LMS_MISC.send(sender=..., user=retirement.user)``).
    Unlike the event receivers it lets an error through: the view then answers 500 and the
    platform's retirement pipeline tries again, rather than recording the learner as erased here.
    """
    if user is not None:
        retire(str(user.id))
