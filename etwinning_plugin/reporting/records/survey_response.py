"""
``survey_response``: one named survey response, sent only when the learner ticked the survey's own
consent question (schemas/survey_response.schema.json). A changed answer is a new record with the
same ``response_id``: the NSS keeps the newest.
"""

from __future__ import annotations

from datetime import datetime

from ..contract import pseudonym
from .base import header, keyed

TYPE = "survey_response"
NATURAL_KEY = ("course_id", "survey_id", "response_id", "answers")


def build(course_key: str, usage_key: str, response_id: str, answers: dict[str, int], *, learner_id: str,
          occurred_at: datetime) -> dict:
    return keyed({**header(TYPE, course_key, occurred_at), "survey_id": usage_key, "response_id": response_id,
                  "answers": answers, "learner": pseudonym(learner_id)}, NATURAL_KEY)
