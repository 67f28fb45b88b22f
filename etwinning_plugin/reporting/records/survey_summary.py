"""
``survey_summary``: a survey's tallies as of ``occurred_at`` (schemas/survey_summary.schema.json):
per item the answers per point, how many answered, how many answered 4 or 5 and that share. A newer
summary of the same survey supersedes the older; the same counts are the same fact (one key).
"""

from __future__ import annotations

from datetime import datetime

from .base import header, keyed

TYPE = "survey_summary"
NATURAL_KEY = ("course_id", "survey_id", "responses", "items")


def build(course_key: str, usage_key: str, *, responses: int, items: list[dict], occurred_at: datetime) -> dict:
    return keyed({**header(TYPE, course_key, occurred_at), "survey_id": usage_key, "responses": responses,
                  "items": items}, NATURAL_KEY)
