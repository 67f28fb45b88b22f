"""``retirement``: the learner asked the platform to delete their account; the NSS forgets this pseudonym."""

from __future__ import annotations

from datetime import datetime

from ..contract import pseudonym
from .base import header, keyed

TYPE = "retirement"
NATURAL_KEY = ("learner",)


def build(user_id: str, *, occurred_at: datetime) -> dict:
    return keyed({**header(TYPE, "", occurred_at), "learner": pseudonym(user_id)}, NATURAL_KEY)
