"""
``registration``: a teacher's (and school's) eTwinning registration during the course
(schemas/registration.schema.json); the profile address only with the teacher's consent.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from ..contract import pseudonym
from .base import header, keyed

TYPE = "registration"
NATURAL_KEY = ("course_id", "learner", "teacher_registered_during_course", "school_registered_during_course",
               "school", "profile_url")


def build(course_key: str, learner_id: str, *, teacher_new: bool, school_new: bool, school_key: str,
          profile_url: str | None, occurred_at: datetime) -> dict:
    return keyed({**header(TYPE, course_key, occurred_at), "learner": pseudonym(learner_id),
                  "teacher_registered_during_course": teacher_new, "school_registered_during_course": school_new,
                  "school": hashlib.sha256(school_key.encode("utf-8")).hexdigest()[:32],
                  "profile_url": profile_url}, NATURAL_KEY)
