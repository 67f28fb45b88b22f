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


SURVEY_ITEM = ("key", "answered", "positive", "percent_positive")


def build(school_year: str, figures: dict, *, occurred_at: datetime) -> dict:
    # The items as the contract states them: the figures' wording of each item is for the pages, in
    # languages the NSS knows by key (and a changed wording must not make the same counts a new fact).
    survey = {**figures["survey"], "items": [{name: item[name] for name in SURVEY_ITEM}
                                             for item in figures["survey"]["items"]]}
    return keyed({**header(TYPE, "", occurred_at), "school_year": school_year,
                  **{name: figures[name] for name in FIGURES}, "survey": survey}, NATURAL_KEY)
