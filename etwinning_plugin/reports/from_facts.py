"""
The teachers of a scope counted straight from every enrolment, completion and activity in it: what
enrolled, active and completed mean, written as queries, and the enrolments per day the same way.
The figures count the teachers' tallies instead (``teacher_tallies``: the same answers from one
narrow row per teacher and place, added up); this is their specification, which a property test
holds them to on random facts (``tests/reporting/test_teacher_tallies.py``), and the benchmark's way
of counting before them.
"""

from __future__ import annotations

from datetime import UTC, date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate

from ..models import CompletionFact, EnrollmentFact
from . import activity
from .scopes import Scope
from .teacher_tallies import TeacherCounts


def counted(scope: Scope) -> TeacherCounts:
    return TeacherCounts(ever_enrolled=_users(EnrollmentFact.objects.filter(scope.courses())),
                         enrolled=_users(enrolled(scope)), active=active_learners(scope), completed=completed(scope))


def enrolments_per_day(scope: Scope) -> dict[date, int]:
    """Enrolments in scope by the day (UTC) they were made; an enrolment without a date is on none."""
    rows = (EnrollmentFact.objects.filter(scope.courses(), scope.dated("enrolled_at"), enrolled_at__isnull=False)
            .annotate(day=TruncDate("enrolled_at", tzinfo=UTC)).values("day").annotate(count=Count("id")))
    return {row["day"]: row["count"] for row in rows}


def _users(rows, field: str = "user_id") -> int:
    """
    How many learners ``rows`` hold, each once: one COUNT(DISTINCT), which the database counts as it
    reads (in user order, by the indexes ``enrolments_of_teacher`` and ``completions_of_teacher``),
    where ``.distinct().count()`` made it materialise every learner in a derived table first.
    """
    return rows.aggregate(users=Count(field, distinct=True))["users"]


def enrolled(scope: Scope):
    """Active enrolments in scope; in a school year, those whose enrolment (else last change) falls in it."""
    dated = scope.dated("enrolled_at") | (Q(enrolled_at__isnull=True) & scope.dated("updated_at")) \
        if scope.school_year else Q()
    return EnrollmentFact.objects.filter(scope.courses(), dated, is_active=True)


def active_learners(scope: Scope) -> int:
    """
    Enrolled learners (each counted once, whatever the number of runs) who did something the
    platform or the blocks recorded in scope: a grade or passing status (the platform writes a grade
    summary at a learner's first graded submission), a submitted step, a change to a shared
    worksheet, a survey answer, a named self-assessment's answer, a registration, or a partnership
    card (``activity.SOURCES``). Each source is a subquery the database evaluates once (IN) or by
    index (EXISTS), so the count stays in SQL at a million enrolments.
    """
    did_something = Q(Exists(CompletionFact.objects.filter(course_key=OuterRef("course_key"),
                                                           user_id=OuterRef("user_id"))))
    for source in activity.SOURCES:
        did_something |= Q(user_id__in=source.rows(scope.of(source.course_key, source.moment)).values(source.teacher))
    return _users(enrolled(scope).filter(did_something))


def completed(scope: Scope) -> int:
    """Learners (once each) who passed, or got a certificate, in scope."""
    passed = Q(is_passing=True) & scope.dated("passed_at")
    certified = Q(certificate_status="downloadable") & scope.dated("updated_at")
    return _users(CompletionFact.objects.filter(scope.courses()).filter(passed | certified))


