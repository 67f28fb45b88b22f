"""
The figures over time and side by side, for the figures page's charts: enrolments per week of a
scope (from ``EnrollmentFact.enrolled_at``) and, for a course or a school year, each run's
enrolled, active and completed teachers. GROUP BY queries, never a learner loaded into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate

from ..models import CompletionFact, EnrollmentFact
from .figures import active_learners
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
    One row per course run in scope (a course's runs, a school year's, the site's), in course-key
    order: enrolled and completed by one GROUP BY each, active by the figures' own rule per run (the
    same count the run's own page shows). Within a school year, each run's figures of that year.
    """
    enrolled_in_year = scope.dated("enrolled_at") | (Q(enrolled_at__isnull=True) & scope.dated("updated_at")) \
        if scope.school_year else Q()
    enrolled = dict(EnrollmentFact.objects.filter(scope.courses(), enrolled_in_year, is_active=True)
                    .values("course_key").annotate(n=Count("user_id", distinct=True))
                    .values_list("course_key", "n"))
    passed = (Q(is_passing=True) & scope.dated("passed_at")) \
        | (Q(certificate_status="downloadable") & scope.dated("updated_at"))
    completed = dict(CompletionFact.objects.filter(scope.courses(), passed).values("course_key")
                     .annotate(n=Count("user_id", distinct=True)).values_list("course_key", "n"))
    return [RunFigures(key, enrolled.get(key, 0),
                       active_learners(Scope(run=key, school_year=scope.school_year)), completed.get(key, 0))
            for key in sorted(set(enrolled) | set(completed))]
