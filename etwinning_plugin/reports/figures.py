"""
The course figures in the NSS's own shape ("the MOOC in numbers"), computed by SQL aggregation:
a handful of COUNT queries whatever the size of the course, never a learner loaded into Python.
"""

from __future__ import annotations

from django.db.models import Count, Q

from ..api import registrations
from ..models import CompletionFact, EnrollmentFact, SurveyAnswer, SurveyResponse

POSITIVE = (4, 5)


def percent(part: int, whole: int) -> float | None:
    """A share to two decimals, from the counts it comes from (None when nobody is counted)."""
    return round(100 * part / whole, 2) if whole else None


def course_figures(course_key: str) -> dict:
    enrollments = EnrollmentFact.objects.filter(course_key=course_key).aggregate(
        enrolled=Count("id", filter=Q(is_active=True)), ever_enrolled=Count("id"))
    completed = CompletionFact.objects.filter(course_key=course_key).filter(
        Q(is_passing=True) | Q(certificate_status="downloadable")).count()
    new = registrations.counts(course_key)
    survey_rows = SurveyAnswer.objects.filter(response__course_key=course_key) \
        .values("item_key").annotate(answered=Count("id"), positive=Count("id", filter=Q(value__in=POSITIVE))) \
        .order_by("item_key")
    return {
        "course_id": course_key,
        "enrolled": enrollments["enrolled"],
        "ever_enrolled": enrollments["ever_enrolled"],
        "completed": completed,
        "completion_rate": percent(completed, enrollments["enrolled"]),
        "new_etwinning_teachers": new.new_teachers,
        "new_etwinning_schools": new.new_schools,
        "survey": {
            "responses": SurveyResponse.objects.filter(course_key=course_key).count(),
            "items": [{"key": row["item_key"], "answered": row["answered"], "positive": row["positive"],
                       "percent_positive": percent(row["positive"], row["answered"])} for row in survey_rows],
        },
    }


def figures_csv_rows(figures: dict) -> list[list]:
    """The figures as rows of a two-part CSV: the course lines, then one line per survey item."""
    rows = [["figure", "count", "percent", "denominator"]]
    rows += [[name, figures[name], "", ""] for name in ("enrolled", "completed", "new_etwinning_teachers",
                                                        "new_etwinning_schools")]
    rows.append(["completion_rate", figures["completed"], figures["completion_rate"], figures["enrolled"]])
    rows.append(["survey_responses", figures["survey"]["responses"], "", ""])
    rows += [[f"survey:{item['key']}", item["positive"], item["percent_positive"], item["answered"]]
             for item in figures["survey"]["items"]]
    return rows
