"""
The figures in the NSS's own shape ("the MOOC in numbers") for a run, a course, a school year or
the site (``scopes.Scope``), computed by SQL aggregation: a handful of COUNT queries whatever the
size, never a learner loaded into Python, each teacher counted once across runs.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from ..models import (
    CompletionFact,
    EnrollmentFact,
    SurveyAnswer,
    SurveyResponse,
    SurveyWording,
)
from . import activity, registrations, self_assessments, teacher_tallies
from .scopes import Scope

POSITIVE = (4, 5)


def percent(part: int, whole: int) -> float | None:
    """A share to two decimals, from the counts it comes from (None when nobody is counted)."""
    return round(100 * part / whole, 2) if whole else None


def _users(rows, field: str = "user_id") -> int:
    """
    How many learners ``rows`` hold, each once: one COUNT(DISTINCT), which the database counts as it
    reads (in user order, by the indexes ``enrolments_of_teacher`` and ``completions_of_teacher``),
    where ``.distinct().count()`` made it materialise every learner in a derived table first.
    """
    return rows.aggregate(users=Count(field, distinct=True))["users"]


def _enrolled(scope: Scope):
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
    return _users(_enrolled(scope).filter(did_something))


def _completed(scope: Scope) -> int:
    """Learners (once each) who passed, or got a certificate, in scope."""
    passed = Q(is_passing=True) & scope.dated("passed_at")
    certified = Q(certificate_status="downloadable") & scope.dated("updated_at")
    return _users(CompletionFact.objects.filter(scope.courses()).filter(passed | certified))


def figures(scope: Scope) -> dict:
    """
    The figures of a scope (a run, a course, a school year, the site), each teacher counted once. A
    run's teachers are counted from its facts; beyond a run, from the teachers' tallies (one row per
    teacher and scope, ``tallies``), which count the same way and stay fast over a site's millions
    of enrolments.
    """
    if scope.run:
        enrolled, ever, active, completed = (_users(_enrolled(scope)), _users(EnrollmentFact.objects.filter(
            scope.courses())), active_learners(scope), _completed(scope))
    else:
        teachers = teacher_tallies.counts(scope)
        enrolled, ever, active, completed = teachers.enrolled, teachers.ever_enrolled, teachers.active, \
            teachers.completed
    new = registrations.counts_in(scope)
    answers = SurveyAnswer.objects.filter(scope.of("response__course_key", "response__submitted_at"))
    survey_rows = answers.values("item_key").annotate(
        answered=Count("id"), positive=Count("id", filter=Q(value__in=POSITIVE))).order_by("item_key")
    words = wording(scope)
    return {
        **({"course_id": scope.run} if scope.run and not scope.school_year else {"scope": scope.label,
                                                                                  "course": scope.course or scope.run,
                                                                                  "school_year": scope.school_year}),
        "enrolled": enrolled,
        "ever_enrolled": ever,
        "active": active,
        "completed": completed,
        "completion_rate": percent(completed, enrolled),
        "new_etwinning_teachers": new.new_teachers,
        "new_etwinning_schools": new.new_schools,
        "survey": {
            "responses": SurveyResponse.objects.filter(scope.of(date_field="submitted_at")).count(),
            "items": [{"key": row["item_key"], "text": words.get(row["item_key"], row["item_key"]),
                       "answered": row["answered"], "positive": row["positive"],
                       "percent_positive": percent(row["positive"], row["answered"])} for row in survey_rows],
        },
        "self_assessments": self_assessments.growth(scope),
    }


def wording(scope: Scope) -> dict[str, dict | str]:
    """Each survey item's words ({"el", "en"}) as the scope's surveys last asked it (the newest wins)."""
    words: dict[str, dict | str] = {}
    for items in SurveyWording.objects.filter(scope.courses()).order_by("updated_at").values_list("items", flat=True):
        words.update({item["key"]: item["text"] for item in items if isinstance(item, dict) and "key" in item})
    return words


def course_figures(course_key: str) -> dict:
    """One course run's figures (the NSS's "MOOC in numbers")."""
    return figures(Scope(run=course_key))


def figures_csv_rows(figures: dict) -> list[list]:
    """The figures as rows of a two-part CSV: the course lines, then one line per survey item."""
    rows = [["figure", "count", "percent", "denominator"]]
    rows += [[name, figures[name], "", ""] for name in ("enrolled", "active", "completed", "new_etwinning_teachers",
                                                        "new_etwinning_schools")]
    rows.append(["completion_rate", figures["completed"], figures["completion_rate"], figures["enrolled"]])
    rows.append(["survey_responses", figures["survey"]["responses"], "", ""])
    rows += [[f"survey:{item['key']}", item["positive"], item["percent_positive"], item["answered"]]
             for item in figures["survey"]["items"]]
    for growth in figures.get("self_assessments", []):
        for line in [*growth["areas"], growth["overall"]]:
            name = f"self_assessment:{growth['key']}:{line['key']}"
            rows += [[f"{name}:before", line["before"], line["percent_before"], line["paired"]],
                     [f"{name}:after", line["after"], line["percent_after"], line["paired"]],
                     [f"{name}:growth_points", "", line["growth_points"], ""],
                     [f"{name}:moved_up", line["moved_up"], line["percent_moved_up"], line["paired"]]]
    return rows
