"""
``completion``: a learner passed a course, or stopped passing, or got a certificate
(schemas/completion.schema.json). ``basis`` says which platform fact it comes from.
"""

from __future__ import annotations

from datetime import datetime

from ...models import CompletionFact
from ..contract import pseudonym
from .base import header, keyed

TYPE = "completion"
NATURAL_KEY = ("course_id", "learner", "basis", "outcome", "certificate_status")
PASSING_STATUS, CERTIFICATE = "passing_status", "certificate"
PASSED_CERTIFICATE_STATUSES = {"downloadable"}


def build(course_key: str, user_id: str, *, basis: str, passed: bool, grade: float | None,
          certificate_status: str, occurred_at: datetime) -> dict:
    return keyed({**header(TYPE, course_key, occurred_at), "learner": pseudonym(user_id), "basis": basis,
                  "outcome": "passed" if passed else "not_passed", "grade": grade,
                  "certificate_status": certificate_status or None}, NATURAL_KEY)


def from_fact(fact: CompletionFact, basis: str) -> dict:
    """The record a completion fact implies on ``basis`` (its passing status, or its certificate)."""
    passed = fact.is_passing if basis == PASSING_STATUS else fact.certificate_status in PASSED_CERTIFICATE_STATUSES
    return build(fact.course_key, fact.user_id, basis=basis, passed=passed, grade=fact.percent_grade,
                 certificate_status=fact.certificate_status, occurred_at=fact.updated_at)
