"""
The course figures in the NSS's own shape ("the MOOC in numbers"), computed by SQL aggregation:
a handful of COUNT queries whatever the size of the course, never a learner loaded into Python.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string

from ..models import (
    CompletionFact,
    DocumentRevision,
    EnrollmentFact,
    EtwinningRegistration,
    PartnershipCard,
    StepSubmission,
    SurveyAnswer,
    SurveyParticipation,
    SurveyResponse,
)
from . import registrations

POSITIVE = (4, 5)


def percent(part: int, whole: int) -> float | None:
    """A share to two decimals, from the counts it comes from (None when nobody is counted)."""
    return round(100 * part / whole, 2) if whole else None


def active_learners(course_key: str) -> int:
    """
    Enrolled learners who did something the platform or the blocks recorded: a grade or passing
    status (the platform writes a grade summary at a learner's first graded submission), a
    submitted step, a change to a shared worksheet, a survey answer, a registration, or a
    partnership card. Each source is a subquery the database evaluates once (IN) or by index
    (EXISTS on the completion facts' unique key), so the count stays in SQL at a million enrolments.
    """
    sources = [
        StepSubmission.objects.filter(course_key=course_key).values("submitted_by"),
        DocumentRevision.objects.filter(document__course_key=course_key).values("author_id"),
        SurveyResponse.objects.filter(course_key=course_key, learner_id__isnull=False).values("learner_id"),
        SurveyParticipation.objects.filter(course_key=course_key).values("learner_id"),
        EtwinningRegistration.objects.filter(course_key=course_key).values("learner_id"),
        PartnershipCard.objects.filter(course_key=course_key).values("learner_id"),
    ]
    did_something = Q(Exists(CompletionFact.objects.filter(course_key=course_key, user_id=OuterRef("user_id"))))
    for source in sources:
        did_something |= Q(user_id__in=source)
    return EnrollmentFact.objects.filter(course_key=course_key, is_active=True).filter(did_something).count()


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
        "active": active_learners(course_key),
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
    rows += [[name, figures[name], "", ""] for name in ("enrolled", "active", "completed", "new_etwinning_teachers",
                                                        "new_etwinning_schools")]
    rows.append(["completion_rate", figures["completed"], figures["completion_rate"], figures["enrolled"]])
    rows.append(["survey_responses", figures["survey"]["responses"], "", ""])
    rows += [[f"survey:{item['key']}", item["positive"], item["percent_positive"], item["answered"]]
             for item in figures["survey"]["items"]]
    return rows


def figures_html(figures: dict) -> str:
    """The figures as a page section: tables a screen reader reads, and bars a person reads at a glance."""
    return render_to_string("etwinning_plugin/figures_section.html", {"figures": figures})
