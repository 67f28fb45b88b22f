"""The course's eTwinning registrations in numbers: who joined eTwinning, and which schools, during the course."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from ..models import EtwinningRegistration


@dataclass(frozen=True)
class RegistrationCounts:
    registrations: int
    new_teachers: int
    new_schools: int  # schools registered during the course, each counted once
    consents: int


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
