"""Counts for course staff, computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from ..models import Partnership, PartnershipCard, PartnershipMember, StepSubmission
from .partnerships import owner_key_for_partnership

# --- staff -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseCollaboration:
    cards: int
    partnerships: int
    learners_in_partnerships: int
    schools_per_partnership: dict[int, int]  # number of schools → number of partnerships
    steps_submitted: int
    shared_steps_submitted: int
    partnerships_detail: list[dict]


def course_collaboration(course_key: str, limit: int = 200) -> CourseCollaboration:
    """Counts for course staff, computed in SQL."""
    active = PartnershipMember.objects.filter(active_course_key=course_key)
    sizes = (Partnership.objects.filter(course_key=course_key)
             .annotate(size=Count("members", filter=Q(members__left_at__isnull=True))).filter(size__gt=0))
    histogram: dict[int, int] = {}
    for size in sizes.values_list("size", flat=True):
        histogram[size] = histogram.get(size, 0) + 1
    submissions = StepSubmission.objects.filter(course_key=course_key)
    detail = []
    for partnership in sizes.order_by("-created_at")[:limit]:
        owner_key = owner_key_for_partnership(partnership)
        detail.append({
            "id": partnership.public_id,
            "schools": list(partnership.members.filter(left_at__isnull=True).order_by("joined_at")
                            .values_list("school_name", flat=True)),
            "steps_submitted": submissions.filter(owner_key=owner_key).count(),
            "created_at": partnership.created_at.isoformat(),
        })
    return CourseCollaboration(
        PartnershipCard.objects.filter(course_key=course_key).count(),
        sum(histogram.values()),
        active.count(),
        dict(sorted(histogram.items())),
        submissions.count(),
        submissions.filter(owner_key__startswith="partnership:").count(),
        detail,
    )
