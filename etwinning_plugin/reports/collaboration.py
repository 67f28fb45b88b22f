"""The course's collaboration in numbers, for course staff: cards, partnerships and their sizes, submitted steps."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from ..models import Partnership, PartnershipCard, PartnershipMember, StepSubmission


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
    """The counts, in a fixed number of queries whatever the course's size (no query per partnership)."""
    sizes = (Partnership.objects.filter(course_key=course_key)
             .annotate(size=Count("members", filter=Q(members__left_at__isnull=True))).filter(size__gt=0))
    histogram: dict[int, int] = {}
    for size in sizes.values_list("size", flat=True):
        histogram[size] = histogram.get(size, 0) + 1
    submissions = StepSubmission.objects.filter(course_key=course_key)
    return CourseCollaboration(
        PartnershipCard.objects.filter(course_key=course_key).count(),
        sum(histogram.values()),
        PartnershipMember.objects.filter(active_course_key=course_key).count(),
        dict(sorted(histogram.items())),
        submissions.count(),
        submissions.filter(owner_key__startswith="partnership:").count(),
        _newest_partnerships(list(sizes.order_by("-created_at")[:limit]), submissions),
    )


def _newest_partnerships(partnerships: list[Partnership], submissions) -> list[dict]:
    """Each partnership's schools (in joining order) and submitted steps: two queries for all of them."""
    schools: dict[int, list[str]] = {p.id: [] for p in partnerships}
    for partnership_id, school in PartnershipMember.objects.filter(
            partnership_id__in=list(schools), left_at__isnull=True).order_by("joined_at", "id") \
            .values_list("partnership_id", "school_name"):
        schools[partnership_id].append(school)
    owner_keys = {f"partnership:{p.public_id}": p.id for p in partnerships}
    steps = dict(submissions.filter(owner_key__in=list(owner_keys)).values("owner_key")
                 .annotate(n=Count("id")).values_list("owner_key", "n").order_by())
    return [{"id": p.public_id, "schools": schools[p.id], "steps_submitted": steps.get(f"partnership:{p.public_id}", 0),
             "created_at": p.created_at.isoformat()} for p in partnerships]
