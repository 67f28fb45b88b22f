"""
What counts as a teacher doing something in a course run: the records the blocks keep of them, each
with the fields that name its teacher, its run and its date. A run's "active" count
(``from_facts.active_learners``) and the teachers' tallies (``teacher_tallies``) read this one list, so
the two can never disagree on what activity is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from ..models import (
    DocumentRevision,
    EtwinningRegistration,
    PartnershipCard,
    SelfAssessmentAnswer,
    StepSubmission,
    SurveyParticipation,
    SurveyResponse,
)


@dataclass(frozen=True)
class Source:
    model: type[models.Model]
    teacher: str  # the field naming the teacher (empty in an anonymous row: it counts no one)
    course_key: str
    moment: str

    def rows(self, condition: Q) -> models.QuerySet:
        return self.model.objects.filter(condition).exclude(**{f"{self.teacher}__isnull": True})


SOURCES = [
    Source(StepSubmission, "submitted_by", "course_key", "submitted_at"),  # a submitted step
    Source(DocumentRevision, "author_id", "document__course_key", "created_at"),  # a change to a worksheet or plan
    Source(SurveyResponse, "learner_id", "course_key", "submitted_at"),  # a named survey response
    Source(SurveyParticipation, "learner_id", "course_key", "submitted_at"),  # taking part in an anonymous survey
    Source(EtwinningRegistration, "learner_id", "course_key", "created_at"),  # an eTwinning registration
    Source(PartnershipCard, "learner_id", "course_key", "created_at"),  # a partner-search card
    Source(SelfAssessmentAnswer, "learner_id", "course_key", "answered_at"),  # a named self-assessment's answer
]
