"""``enrollment``: a learner's enrolment in a course, as last reported (schemas/enrollment.schema.json)."""

from __future__ import annotations

from datetime import datetime

from ...models import EnrollmentFact
from ..contract import pseudonym
from .base import header, iso, keyed

TYPE = "enrollment"
NATURAL_KEY = ("course_id", "learner", "state", "mode")


def build(course_key: str, user_id: str, *, mode: str, is_active: bool, enrolled_at: datetime | None,
          occurred_at: datetime) -> dict:
    return keyed({**header(TYPE, course_key, occurred_at), "learner": pseudonym(user_id), "mode": mode,
                  "state": "active" if is_active else "inactive", "enrolled_at": iso(enrolled_at)}, NATURAL_KEY)


def from_fact(fact: EnrollmentFact) -> dict:
    """The record an enrolment fact implies (recorded from events, or again by reconcile)."""
    return build(fact.course_key, fact.user_id, mode=fact.mode, is_active=fact.is_active,
                 enrolled_at=fact.enrolled_at, occurred_at=fact.updated_at)
