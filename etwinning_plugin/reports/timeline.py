"""
The figures over time and side by side, for the figures page's charts: enrolments per week of a
scope and, for a course or a school year, each run's enrolled, active and completed teachers. Both
read what the teachers' tallies keep added up (the runs' enrolments per day, the runs' totals): a few
hundred rows, never a learner loaded into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Min, Q, Sum

from ..models import EnrollmentDay, EnrollmentFact
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
    weeks without any included as 0. Read from the runs' enrolments per day (``EnrollmentDay``, kept
    with the teachers' tallies: a few hundred rows a run), gathered into weeks here; an enrolment
    without a date (an event that did not carry it) is in no week.
    """
    counts: dict[date, int] = {}
    for day, enrolments in enrolments_per_day(scope).items():
        counts[_monday(day)] = counts.get(_monday(day), 0) + enrolments
    if not counts:
        return []
    first, last = min(counts), max(counts)
    first = max(first, last - timedelta(weeks=MAX_WEEKS - 1))
    weeks = (last - first).days // 7 + 1
    return [Week(first + timedelta(weeks=n), counts.get(first + timedelta(weeks=n), 0)) for n in range(weeks)]


def enrolments_per_day(scope: Scope) -> dict[date, int]:
    """The runs' enrolments per day in scope added up, after making the tallies due (days without any left out)."""
    teacher_tallies.settle()
    period = scope.period()
    dated = Q(day__gte=period[0].date(), day__lt=period[1].date()) if period else Q()
    days = (EnrollmentDay.objects.filter(scope.courses(), dated, enrolments__gt=0).values("day")
            .annotate(count=Sum("enrolments")).order_by("day"))
    return {row["day"]: row["count"] for row in days}


def first_enrolment(scope: Scope):
    """When the first enrolment in scope was made (None without any dated enrolment)."""
    return EnrollmentFact.objects.filter(scope.courses(), scope.dated("enrolled_at")) \
        .aggregate(first=Min("enrolled_at"))["first"]


def runs_side_by_side(scope: Scope) -> list[RunFigures]:
    """
    One row per course run in scope (a course's runs, a school year's, the site's) with teachers
    enrolled or completed, in course-key order: each run's teachers as its own page counts them, from
    the runs' totals. Within a school year, each run's figures of that year.
    """
    return [RunFigures(key, run.enrolled, run.active, run.completed)
            for key, run in teacher_tallies.runs(scope).items() if run.enrolled or run.completed]
