"""
``site_summary``: the whole site's figures for one school year (September to August), each teacher
counted once across courses and runs (schemas/site_summary.schema.json). A newer summary of the
same school year supersedes the older; the same figures are the same fact (one key).
"""

from __future__ import annotations

from datetime import datetime

from .base import header, keyed

TYPE = "site_summary"
NATURAL_KEY = ("school_year", "enrolled", "active", "completed", "new_etwinning_teachers", "new_etwinning_schools",
               "survey")
FIGURES = ("enrolled", "active", "completed", "completion_rate", "new_etwinning_teachers", "new_etwinning_schools",
           "survey")


def build(school_year: str, figures: dict, *, occurred_at: datetime) -> dict:
    return keyed({**header(TYPE, "", occurred_at), "school_year": school_year,
                  **{name: figures[name] for name in FIGURES}}, NATURAL_KEY)
