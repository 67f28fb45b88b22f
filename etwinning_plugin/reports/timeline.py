"""
The figures over time and side by side, for the figures page's charts: enrolments per week of a
scope (from ``EnrollmentFact.enrolled_at``) and, for a course or a school year, each run's
enrolled, active and completed teachers. GROUP BY queries, never a learner loaded into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.db.models import Count, Min
from django.db.models.functions import TruncDate

from ..models import EnrollmentFact
from . import teacher_tallies
from .scopes import Scope

MAX_WEEKS = 104  # two years of weeks at most on one chart: a site-wide view starts at its latest weeks


@dataclass(frozen=True)
class Week:
    starts: date  # a Monday
    enrolments: int


@dataclass(frozen=True)
class RunFigures:
    course_key: str
    enrolled: int
    active: int
    completed: int


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def enrolments_per_week(scope: Scope) -> list[Week]:
    """
    Enrolments in scope per week (Monday to Sunday, UTC), from the first week with one to the last,
    weeks without any included as 0. Counted per day in SQL (a few hundred rows at most a year),
    gathered into weeks here; an enrolment without a date (an event that did not carry it) is in no week.
    """
    days = (EnrollmentFact.objects.filter(scope.courses(), scope.dated("enrolled_at"), enrolled_at__isnull=False)
            .annotate(day=TruncDate("enrolled_at", tzinfo=UTC)).values("day").annotate(count=Count("id"))
            .order_by("day"))
    counts: dict[date, int] = {}
    for row in days:
        monday = _monday(row["day"])
        counts[monday] = counts.get(monday, 0) + row["count"]
    if not counts:
        return []
    first, last = min(counts), max(counts)
    first = max(first, last - timedelta(weeks=MAX_WEEKS - 1))
    weeks = (last - first).days // 7 + 1
    return [Week(first + timedelta(weeks=n), counts.get(first + timedelta(weeks=n), 0)) for n in range(weeks)]


def first_enrolment(scope: Scope):
    """When the first enrolment in scope was made (None without any dated enrolment)."""
    return EnrollmentFact.objects.filter(scope.courses(), scope.dated("enrolled_at")) \
        .aggregate(first=Min("enrolled_at"))["first"]


def runs_side_by_side(scope: Scope) -> list[RunFigures]:
    """
    One row per course run in scope (a course's runs, a school year's, the site's) with teachers
    enrolled or completed, in course-key order: each run's teachers as its own page counts them, from
    the teachers' tallies in one GROUP BY. Within a school year, each run's figures of that year.
    """
    return [RunFigures(key, run.enrolled, run.active, run.completed)
            for key, run in teacher_tallies.runs(scope).items() if run.enrolled or run.completed]
