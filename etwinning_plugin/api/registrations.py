"""Learners' eTwinning registrations: who joined eTwinning, and which schools, during the course."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from .. import reporting
from ..models import EtwinningRegistration

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


@dataclass(frozen=True)
class RegistrationCounts:
    registrations: int
    new_teachers: int
    new_schools: int  # schools registered during the course, each counted once
    consents: int


def _registration(row: EtwinningRegistration) -> Registration:
    return Registration(*(getattr(row, name) for name in FIELDS), row.updated_at.isoformat())


def get(course_key: str, learner_id: str) -> Registration | None:
    row = EtwinningRegistration.objects.filter(course_key=course_key, learner_id=learner_id).first()
    return _registration(row) if row else None


def save(course_key: str, usage_key: str, learner_id: str, values: dict) -> Registration:
    """Create or replace the learner's registration (values validated by the block)."""
    with transaction.atomic():
        row, _created = EtwinningRegistration.objects.update_or_create(
            course_key=course_key, learner_id=learner_id,
            defaults={"usage_key": usage_key, **{name: values[name] for name in FIELDS}})
        if row.teacher_registered_during_course or row.school_registered_during_course:
            reporting.emit(
                "registration", course_key, learner_id, teacher_new=row.teacher_registered_during_course,
                school_new=row.school_registered_during_course,
                school_key=school_key(row.school_code, row.school_name, row.region),
                profile_url=row.profile_url if row.consent_to_share_profile else None, occurred_at=row.updated_at)
    return _registration(row)


def school_key(code: str, name: str, region: str) -> str:
    """One school, however it was typed: its official code where known, else its name and region."""
    if code.strip():
        return "code:" + "".join(code.split()).upper()
    return "name:" + " ".join(name.split()).casefold() + "|" + " ".join(region.split()).casefold()


def counts(course_key: str) -> RegistrationCounts:
    rows = EtwinningRegistration.objects.filter(course_key=course_key)
    totals = rows.aggregate(
        registrations=Count("id"),
        new_teachers=Count("id", filter=Q(teacher_registered_during_course=True)),
        consents=Count("id", filter=Q(consent_to_share_profile=True)),
    )
    # Distinct schools: codes are compared in SQL; schools without a code by name and region.
    new = rows.filter(school_registered_during_course=True)
    coded = new.exclude(school_code="").values_list("school_code", flat=True).distinct()
    keys = {school_key(code, "", "") for code in coded}
    keys |= {school_key("", name, region)
             for name, region in new.filter(school_code="").values_list("school_name", "region").distinct()}
    return RegistrationCounts(totals["registrations"], totals["new_teachers"], len(keys), totals["consents"])
