"""
``step_completion``: a worksheet step or project plan completed (``kind``: "step" or "plan"), by one
learner or by a partnership, every member named by pseudonym (schemas/step_completion.schema.json).
Completing again is the same fact.
"""

from __future__ import annotations

from datetime import datetime

from ..contract import pseudonym
from .base import header, keyed

TYPE = "step_completion"
NATURAL_KEY = ("course_id", "step_id", "kind", "learners")


def build(course_key: str, usage_key: str, *, kind: str, title: str, learner_ids: list[str],
          occurred_at: datetime) -> dict:
    return keyed({**header(TYPE, course_key, occurred_at), "step_id": usage_key, "kind": kind, "title": title[:400],
                  "learners": sorted(pseudonym(learner_id) for learner_id in learner_ids)}, NATURAL_KEY)
