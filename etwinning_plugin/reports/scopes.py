"""
What a set of figures covers: one course run, a course (every run of one organisation's course
number), a school year (September to August) and the whole site, or a course within a school year.

A scope turns into the filters each model needs: which course keys (by the field that holds them)
and which dates (by the field that dates the fact: an enrolment by its enrolment, a completion by
its passing, a registration by its creation, a survey response by its submission).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q
from django.utils.translation import gettext_noop as N_
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


class ScopeError(ValueError):
    """A course id, course or school year that names nothing (the message, N_-marked, is for the user)."""


@dataclass(frozen=True)
class Scope:
    run: str = ""  # one course run: "course-v1:NSS+SkillsLabs+2027"
    course: str = ""  # every run of a course: "NSS+SkillsLabs"
    school_year: str = ""  # "2025-26": from 1 September 2025 to 31 August 2026

    @property
    def label(self) -> str:
        parts = [self.run or (f"course {self.course}" if self.course else "site")]
        if self.school_year:
            parts.append(f"school year {self.school_year}")
        return ", ".join(parts)

    def period(self) -> tuple[datetime, datetime] | None:
        """The school year's first instant and the next one's, in UTC."""
        if not self.school_year:
            return None
        start = int(self.school_year[:4])
        return datetime(start, 9, 1, tzinfo=UTC), datetime(start + 1, 9, 1, tzinfo=UTC)

    def courses(self, field: str = "course_key") -> Q:
        """The course keys in scope, on ``field``."""
        if self.run:
            return Q(**{field: self.run})
        if self.course:
            return Q(**{f"{field}__startswith": f"course-v1:{self.course}+"})
        return Q()

    def dated(self, field: str) -> Q:
        """The facts dated within the school year, on ``field`` (no condition without a school year)."""
        period = self.period()
        if period is None:
            return Q()
        return Q(**{f"{field}__gte": period[0], f"{field}__lt": period[1]})

    def of(self, course_field: str = "course_key", date_field: str = "") -> Q:
        return self.courses(course_field) & (self.dated(date_field) if date_field else Q())


def scope_of(*, run: str = "", course: str = "", school_year: str = "") -> Scope:
    """A scope from what a user typed, or ScopeError saying what is wrong."""
    if run:
        try:
            CourseKey.from_string(run)
        except InvalidKeyError as error:
            raise ScopeError(N_("This is not a course id, such as course-v1:NSS+SkillsLabs+2027.")) from error
    if course and not re.fullmatch(r"[\w.\-~]+\+[\w.\-~]+", course):
        raise ScopeError(N_("A course is an organisation and a course number, such as NSS+SkillsLabs."))
    if school_year:
        match = _SCHOOL_YEAR.match(school_year)
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise ScopeError(N_("A school year is written as 2025-26 (September 2025 to August 2026)."))
    return Scope(run=run, course=course, school_year=school_year)


def school_year_of(moment: datetime) -> str:
    """The school year a moment falls in: 2026-01-15 is in 2025-26."""
    start = moment.year if moment.month >= 9 else moment.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
