"""The course's eTwinning registrations in numbers: who joined eTwinning, and which schools, during the course."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from ..models import EtwinningRegistration
from .scopes import Scope


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
    """One course run's registrations in numbers."""
    return counts_in(Scope(run=course_key))


def counts_in(scope: Scope) -> RegistrationCounts:
    """
    The registrations of a scope in numbers: a teacher counted once however many runs they declared
    in, a school once however it was typed (its code where given, compared in SQL; else its name and
    region, folded).
    """
    rows = EtwinningRegistration.objects.filter(scope.of(date_field="created_at"))
    totals = rows.aggregate(
        registrations=Count("learner_id", distinct=True),
        new_teachers=Count("learner_id", distinct=True, filter=Q(teacher_registered_during_course=True)),
        consents=Count("learner_id", distinct=True, filter=Q(consent_to_share_profile=True)),
    )
    # Distinct schools: codes are compared in SQL; schools without a code by name and region.
    new = rows.filter(school_registered_during_course=True)
    coded = new.exclude(school_code="").values_list("school_code", flat=True).distinct()
    keys = {school_key(code, "", "") for code in coded}
    keys |= {school_key("", name, region)
             for name, region in new.filter(school_code="").values_list("school_name", "region").distinct()}
    return RegistrationCounts(totals["registrations"], totals["new_teachers"], len(keys), totals["consents"])
