"""
The figures in the NSS's own shape ("the MOOC in numbers") for a run, a course, a school year or
the site (``scopes.Scope``), computed by SQL aggregation: a handful of COUNT queries whatever the
size, never a learner loaded into Python, each teacher counted once across runs.
"""

from __future__ import annotations

from django.db.models import Count, Q

from ..models import (
    SurveyAnswer,
    SurveyResponse,
    SurveyWording,
)
from . import registrations, self_assessments, teacher_tallies
from .scopes import Scope

POSITIVE = (4, 5)


def percent(part: int, whole: int) -> float | None:
    """A share to two decimals, from the counts it comes from (None when nobody is counted)."""
    return round(100 * part / whole, 2) if whole else None


def figures(scope: Scope) -> dict:
    """
    The figures of a scope (a run, a course, a school year, the site), each teacher counted once:
    the teachers from their tallies (one row per teacher and place, ``teacher_tallies``), which stay
    a read of one index range over a site's millions of enrolments; the rest in a few COUNTs.
    """
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
