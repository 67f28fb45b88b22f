"""Learners' eTwinning registrations: who joined eTwinning, and which schools, during the course."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .. import reporting
from ..models import EtwinningRegistration
from ..reports import teacher_tallies
from ..reports.registrations import RegistrationCounts, counts, school_key  # noqa: F401 - the block's staff counts

FIELDS = ("profile_url", "school_name", "school_code", "region", "teacher_registered_during_course",
          "school_registered_during_course", "consent_to_share_profile")


@dataclass(frozen=True)
class Registration:
    profile_url: str
    school_name: str
    school_code: str
    region: str
    teacher_registered_during_course: bool
    school_registered_during_course: bool
    consent_to_share_profile: bool
    updated_at: str


def _registration(row: EtwinningRegistration) -> Registration:
    return Registration(*(getattr(row, name) for name in FIELDS), row.updated_at.isoformat())


def get(course_key: str, learner_id: str) -> Registration | None:
    row = EtwinningRegistration.objects.filter(course_key=course_key, learner_id=learner_id).first()
    return _registration(row) if row else None


def get_many(course_key: str, learner_ids: list[str]) -> dict[str, Registration]:
    """The registrations of these learners (those who have one), in one query: for reports."""
    return {row.learner_id: _registration(row)
            for row in EtwinningRegistration.objects.filter(course_key=course_key, learner_id__in=learner_ids)}


def save(course_key: str, usage_key: str, learner_id: str, values: dict) -> Registration:
    """Create or replace the learner's registration (values validated by the block)."""
    with transaction.atomic():
        row, _created = EtwinningRegistration.objects.update_or_create(
            course_key=course_key, learner_id=learner_id,
            defaults={"usage_key": usage_key, **{name: values[name] for name in FIELDS}})
        teacher_tallies.mark_due([learner_id])
        if row.teacher_registered_during_course or row.school_registered_during_course:
            reporting.emit(
                "registration", course_key, learner_id, teacher_new=row.teacher_registered_during_course,
                school_new=row.school_registered_during_course,
                school_key=school_key(row.school_code, row.school_name, row.region),
                profile_url=row.profile_url if row.consent_to_share_profile else None, occurred_at=row.updated_at)
    return _registration(row)
