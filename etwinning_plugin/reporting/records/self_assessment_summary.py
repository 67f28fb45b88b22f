"""
``self_assessment_summary``: a course run's pre/post self-assessment growth as of ``occurred_at``
(schemas/self_assessment_summary.schema.json): among the teachers who answered both the start and
the end, per area and overall, how many were at or above the author's level before and after, the
shares, the growth in points and how many moved up a level. A newer summary of the same run and
assessment supersedes the older; the same counts are the same fact (one key). No teacher is named.
"""

from __future__ import annotations

from datetime import datetime

from .base import header, keyed

TYPE = "self_assessment_summary"
NATURAL_KEY = ("course_id", "assessment", "threshold", "pre_responses", "post_responses", "areas", "overall")
LINE = ("key", "paired", "before", "after", "percent_before", "percent_after", "growth_points", "moved_up")


def build(course_key: str, growth: dict, *, occurred_at: datetime) -> dict:
    def line(values: dict) -> dict:
        return {name: values[name] for name in LINE}

    return keyed({**header(TYPE, course_key, occurred_at), "assessment": growth["key"],
                  "threshold": growth["threshold_name"], "pre_responses": growth["pre_responses"],
                  "post_responses": growth["post_responses"], "paired": growth["paired"],
                  "areas": [{**line(area), "levels_before": area["levels_before"],
                             "levels_after": area["levels_after"]} for area in growth["areas"]],
                  "overall": line(growth["overall"])}, NATURAL_KEY)
