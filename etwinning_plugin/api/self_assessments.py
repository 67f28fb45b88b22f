"""
Pre/post self-assessments: a teacher's level in each area at the start ("before") and at the end
("after") of a course, paired per teacher within a course run by the assessment's name.

A named self-assessment pairs by the learner's id. An anonymous one pairs by a pseudonym of this
self-assessment alone: a keyed hash (the site's secret key, salted for this purpose) of the course
run, the assessment's name and the learner. It is neither the learner's id nor the pseudonym the
NSS receives, and differs from one self-assessment to the next, so the answers pair with each other
and with nothing else; the rows keep only the month and have random keys. The NSS receives only the
growth summaries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..models import SelfAssessment, SelfAssessmentAnswer
from ..reports import self_assessments as _reports
from ..reports import teacher_tallies
from ..reports.scopes import Scope
from .errors import N_, Refused, retried_on_deadlock

BEFORE, AFTER = SelfAssessmentAnswer.BEFORE, SelfAssessmentAnswer.AFTER
PHASES = (BEFORE, AFTER)


@dataclass(frozen=True)
class AssessmentRef:
    course_key: str
    usage_key: str
    assessment: str  # the name that pairs a "before" block with an "after" block in the course
    phase: str  # BEFORE or AFTER
    anonymous: bool = False


@dataclass(frozen=True)
class Description:
    """What the block says the self-assessment is: the figures read it without the block."""

    threshold: int
    levels: list[str]
    areas: list[dict]


def respondent(ref: AssessmentRef, learner_id: str) -> str:
    """The key that pairs the learner's two answers: their id, or this assessment's own pseudonym."""
    if not ref.anonymous:
        return learner_id
    digest = salted_hmac("etwinning_plugin.self_assessment", f"{ref.course_key}\n{ref.assessment}\n{learner_id}",
                         algorithm="sha256").hexdigest()
    return "a-" + digest[:40]


def _answers(ref: AssessmentRef, learner_id: str, phase: str):
    return SelfAssessmentAnswer.objects.filter(course_key=ref.course_key, assessment=ref.assessment, phase=phase,
                                               respondent=respondent(ref, learner_id))


def levels_of(ref: AssessmentRef, learner_id: str, phase: str | None = None) -> dict[str, int]:
    """The learner's own levels in a phase (the block's own by default), by area; empty if not answered."""
    return dict(_answers(ref, learner_id, phase or ref.phase).values_list("area", "level"))


def has_answered(ref: AssessmentRef, learner_id: str) -> bool:
    return _answers(ref, learner_id, ref.phase).exists()


def has_answers(ref: AssessmentRef) -> bool:
    """Whether anyone answered this block (its pairing settings may no longer change)."""
    return SelfAssessmentAnswer.objects.filter(usage_key=ref.usage_key).exists()


def submit(ref: AssessmentRef, learner_id: str, levels: dict[str, int], description: Description, *,
           allow_changes: bool) -> None:
    """
    Store the learner's levels (validated by the block) for the block's phase, replacing earlier
    ones when changes are allowed, and the description the figures count by, in one transaction.
    """
    now = timezone.now()
    retried_on_deadlock(lambda: _store(ref, learner_id, levels, description, allow_changes=allow_changes, now=now))


def _store(ref: AssessmentRef, learner_id: str, levels: dict[str, int], description: Description, *,
           allow_changes: bool, now) -> None:
    definition, _created = SelfAssessment.objects.update_or_create(
        course_key=ref.course_key, assessment=ref.assessment,
        defaults={"threshold": description.threshold, "levels": description.levels, "areas": description.areas,
                  "updated_at": now})
    SelfAssessment.objects.filter(pk=definition.pk).update(revision=F("revision") + 1)
    earlier = _answers(ref, learner_id, ref.phase).select_for_update()
    if earlier.exists():
        if not allow_changes:
            raise Refused(N_("You have already answered this survey."), status=409)
        earlier.delete()
    moment = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) if ref.anonymous else now
    key = respondent(ref, learner_id)
    try:
        with transaction.atomic():
            _insert(ref, key, levels, learner_id, moment)
            if not ref.anonymous:  # an anonymous answer names no one: it makes no one active, and leaves no mark
                teacher_tallies.mark_due([learner_id])
    except IntegrityError as twice:  # the same teacher's other request stored its first answers a moment ago
        raise Refused(N_("Your answers could not be saved at this moment. Please try again."), status=409) from twice


def _insert(ref: AssessmentRef, key: str, levels: dict[str, int], learner_id: str, moment) -> None:
    SelfAssessmentAnswer.objects.bulk_create([
        SelfAssessmentAnswer(course_key=ref.course_key, assessment=ref.assessment, phase=ref.phase,
                             respondent=key, learner_id=None if ref.anonymous else learner_id,
                             usage_key=ref.usage_key, area=area, level=level, answered_at=moment)
        for area, level in levels.items()])


def growth(ref: AssessmentRef) -> dict | None:
    """The run's growth for this self-assessment (for the course staff), or None before any answer."""
    return next((line for line in _reports.growth(Scope(run=ref.course_key)) if line["key"] == ref.assessment),
                None)


def named_levels(ref: AssessmentRef, learner_ids: list[str]) -> dict[str, dict[str, dict[str, int]]]:
    """Each named learner's levels by phase and area, for the problem-responses report."""
    if ref.anonymous:
        return {}
    found: dict[str, dict[str, dict[str, int]]] = {}
    rows = SelfAssessmentAnswer.objects.filter(course_key=ref.course_key, assessment=ref.assessment,
                                               learner_id__in=learner_ids)
    for learner_id, phase, area, level in rows.values_list("learner_id", "phase", "area", "level"):
        found.setdefault(learner_id, {}).setdefault(phase, {})[area] = level
    return found
