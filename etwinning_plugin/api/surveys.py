"""Survey responses: stored one row per respondent and item, tallied from those rows in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from ..models import SurveyAnswer, SurveyParticipation, SurveyResponse
from .errors import N_, Refused, retried_on_deadlock

SCALE = (1, 2, 3, 4, 5)
POSITIVE = (4, 5)  # the top two points of the five-point scale


@dataclass(frozen=True)
class SurveyRef:
    course_key: str
    usage_key: str
    anonymous: bool = False


@dataclass(frozen=True)
class OwnResponse:
    answers: dict[str, int]
    comment: str
    submitted_at: str


@dataclass(frozen=True)
class ItemTally:
    key: str
    answered: int
    counts: dict[int, int]  # scale point → number of answers
    positive: int

    @property
    def percent_positive(self) -> float | None:
        """Share of positive answers among those who answered the item, to two decimals."""
        return round(100 * self.positive / self.answered, 2) if self.answered else None


@dataclass(frozen=True)
class SurveyTallies:
    responses: int
    items: list[ItemTally]


def own_response(ref: SurveyRef, learner_id: str) -> OwnResponse | None:
    """The learner's own answers (named surveys only: an anonymous one keeps no link)."""
    if ref.anonymous:
        return None
    response = SurveyResponse.objects.filter(usage_key=ref.usage_key, learner_id=learner_id) \
        .prefetch_related("answers").first()
    if response is None:
        return None
    return OwnResponse({a.item_key: a.value for a in response.answers.all()}, response.comment,
                       response.submitted_at.isoformat())


def has_answered(ref: SurveyRef, learner_id: str) -> bool:
    if ref.anonymous:
        return SurveyParticipation.objects.filter(usage_key=ref.usage_key, learner_id=learner_id).exists()
    return SurveyResponse.objects.filter(usage_key=ref.usage_key, learner_id=learner_id).exists()


def submit(ref: SurveyRef, learner_id: str, answers: dict[str, int], comment: str, *, allow_changes: bool) -> None:
    """
    Store the learner's answers (already validated by the block). A named re-submission replaces the
    earlier answers in the same transaction, so a learner is never counted twice; an anonymous survey
    records only that the learner took part, and takes one submission.
    """
    now = timezone.now()
    retried_on_deadlock(lambda: _store(ref, learner_id, answers, comment, allow_changes=allow_changes, now=now))


def _store(ref: SurveyRef, learner_id: str, answers: dict[str, int], comment: str, *, allow_changes: bool,
           now) -> None:
    """The submission's writes, in the one transaction ``retried_on_deadlock`` opens."""
    if ref.anonymous:
        # Both rows keep only the day, so that equal times cannot pair a learner with their answers.
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            with transaction.atomic():
                SurveyParticipation.objects.create(course_key=ref.course_key, usage_key=ref.usage_key,
                                                   learner_id=learner_id, submitted_at=day)
        except IntegrityError as twice:
            raise Refused(N_("You have already answered this survey."), status=409) from twice
        response = SurveyResponse.objects.create(course_key=ref.course_key, usage_key=ref.usage_key,
                                                 learner_id=None, comment=comment, submitted_at=day)
    else:
        response = _locked_response(ref, learner_id, comment, now, allow_changes)
    SurveyAnswer.objects.bulk_create([
        SurveyAnswer(response=response, usage_key=ref.usage_key, item_key=key, value=value)
        for key, value in answers.items()
    ])
    _report(ref, response, answers, learner_id, now)


def _report(ref: SurveyRef, response: SurveyResponse, answers: dict[str, int], learner_id: str, now) -> None:
    """Queue the response for the NSS with the answers: named only if the learner agreed to share."""
    from ..delivery import contract  # noqa: PLC0415 - reporting is optional at import time
    from ..delivery.outbox import queue  # noqa: PLC0415
    from ..models import EtwinningRegistration  # noqa: PLC0415

    if not contract.reporting_configured():
        return
    consented = not ref.anonymous and EtwinningRegistration.objects.filter(
        course_key=ref.course_key, learner_id=learner_id, consent_to_share_profile=True).exists()
    queue(contract.survey_response_record(ref.course_key, ref.usage_key, response.public_id, answers,
                                          learner_id=learner_id if consented else None, occurred_at=now))


def _locked_response(ref: SurveyRef, learner_id: str, comment: str, now, allow_changes: bool) -> SurveyResponse:
    """The learner's response row, locked and emptied for new answers, or a new one."""
    for _attempt in range(2):
        existing = SurveyResponse.objects.select_for_update() \
            .filter(usage_key=ref.usage_key, learner_id=learner_id).first()
        if existing is not None:
            if not allow_changes:
                raise Refused(N_("You have already answered this survey."), status=409)
            existing.answers.all().delete()
            existing.comment, existing.submitted_at = comment, now
            existing.save(update_fields=["comment", "submitted_at"])
            return existing
        try:
            with transaction.atomic():
                return SurveyResponse.objects.create(course_key=ref.course_key, usage_key=ref.usage_key,
                                                     learner_id=learner_id, comment=comment, submitted_at=now)
        except IntegrityError:
            continue  # the same learner's other request created it a moment ago: lock that one
    raise Refused(N_("Your answers could not be saved at this moment. Please try again."), status=409)


def tallies(ref: SurveyRef, item_keys: list[str]) -> SurveyTallies:
    """Per item: how many answered, the count per scale point, and how many answered 4 or 5."""
    counts = {key: dict.fromkeys(SCALE, 0) for key in item_keys}
    rows = SurveyAnswer.objects.filter(usage_key=ref.usage_key, item_key__in=item_keys) \
        .values_list("item_key", "value").annotate(n=Count("id")).order_by()
    for key, value, n in rows:
        if value in counts[key]:
            counts[key][value] = n
    items = [ItemTally(key, sum(c.values()), c, sum(c[v] for v in POSITIVE)) for key, c in counts.items()]
    return SurveyTallies(SurveyResponse.objects.filter(usage_key=ref.usage_key).count(), items)


def comments(ref: SurveyRef, limit: int = 500) -> list[str]:
    return list(SurveyResponse.objects.filter(usage_key=ref.usage_key).exclude(comment="")
                .order_by("-submitted_at").values_list("comment", flat=True)[:limit])


def named_responses(ref: SurveyRef, learner_ids: list[str]) -> dict[str, OwnResponse]:
    """The answers of the given learners (named surveys), for the problem-responses report."""
    if ref.anonymous:
        return {}
    responses = SurveyResponse.objects.filter(usage_key=ref.usage_key, learner_id__in=learner_ids) \
        .prefetch_related("answers")
    return {r.learner_id: OwnResponse({a.item_key: a.value for a in r.answers.all()}, r.comment,
                                      r.submitted_at.isoformat()) for r in responses}
