"""
Pre/post self-assessment growth: for each self-assessment in scope, among the teachers who answered
both its "before" and its "after", the share at or above the author's level (B1 by default) before
and after, per area and overall, the growth in percentage points, and how many moved up at least
one level; with every count and denominator beside the shares.

Pairs are made in SQL (an "after" row joined to the same respondent's "before" row in the same run,
area and assessment), so no teacher is loaded into Python. A pair counts in the school year of its
"after" answer. A teacher's overall level is the mean of their levels over the areas, rounded down:
overall at or above B1 means a mean of at least B1.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Floor

from ..models import SelfAssessment, SelfAssessmentAnswer
from .scopes import Scope

BEFORE, AFTER = SelfAssessmentAnswer.BEFORE, SelfAssessmentAnswer.AFTER


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _rows(scope: Scope, definition: SelfAssessment, phase: str):
    rows = SelfAssessmentAnswer.objects.filter(course_key=definition.course_key, assessment=definition.assessment,
                                               phase=phase)
    return rows.filter(scope.dated("answered_at")) if phase == AFTER else rows


def _joint_levels(scope: Scope, definition: SelfAssessment) -> list[tuple[str, int, int, int]]:
    """(area, level before, level after, teachers) of the paired answers: at most areas x levels^2 rows."""
    before = _rows(scope, definition, BEFORE).filter(respondent=OuterRef("respondent"), area=OuterRef("area"))
    return list(_rows(scope, definition, AFTER)
                .annotate(before=Subquery(before.values("level")[:1]))
                .filter(before__isnull=False)
                .values_list("area", "before", "level").annotate(n=Count("id")).order_by())


def _overall(scope: Scope, definition: SelfAssessment) -> dict:
    """Teachers with both phases, by the mean of their levels (rounded down) before and after, counted in SQL."""
    threshold = definition.threshold
    mean_before = _rows(scope, definition, BEFORE).filter(respondent=OuterRef("respondent")) \
        .values("respondent").annotate(mean=Avg("level")).values("mean")
    teachers = _rows(scope, definition, AFTER).values("respondent").annotate(
        level_after=Cast(Floor(Avg("level")), IntegerField()),
        level_before=Cast(Floor(Subquery(mean_before[:1])), IntegerField()),
    ).filter(level_before__isnull=False)
    return teachers.aggregate(
        paired=Count("respondent"),
        before=Count("respondent", filter=Q(level_before__gte=threshold)),
        after=Count("respondent", filter=Q(level_after__gte=threshold)),
        moved_up=Count("respondent", filter=Q(level_after__gt=F("level_before"))),
    )


def _line(key: str, text: dict | str, *, paired: int, before: int, after: int, moved_up: int,
          levels_before: list[int] | None = None, levels_after: list[int] | None = None) -> dict:
    percent_before, percent_after = percent(before, paired), percent(after, paired)
    line = {"key": key, "text": text, "paired": paired, "before": before, "after": after,
            "percent_before": percent_before, "percent_after": percent_after,
            "growth_points": None if percent_before is None else round(percent_after - percent_before, 2),
            "moved_up": moved_up, "percent_moved_up": percent(moved_up, paired)}
    if levels_before is not None:
        line.update(levels_before=levels_before, levels_after=levels_after)
    return line


def _of_run(scope: Scope, definition: SelfAssessment) -> dict:
    """One run's counts of one self-assessment, per area and overall (shares are made after summing runs)."""
    size, threshold = len(definition.levels), definition.threshold
    areas = {area["key"]: {"paired": 0, "before": 0, "after": 0, "moved_up": 0,
                           "levels_before": [0] * size, "levels_after": [0] * size} for area in definition.areas}
    for area, before, after, n in _joint_levels(scope, definition):
        counts = areas.setdefault(area, {"paired": 0, "before": 0, "after": 0, "moved_up": 0,
                                         "levels_before": [0] * size, "levels_after": [0] * size})
        counts["paired"] += n
        counts["before"] += n if before >= threshold else 0
        counts["after"] += n if after >= threshold else 0
        counts["moved_up"] += n if after > before else 0
        counts["levels_before"][before - 1] += n
        counts["levels_after"][after - 1] += n
    phases = dict(SelfAssessmentAnswer.objects.filter(course_key=definition.course_key,
                                                      assessment=definition.assessment)
                  .filter(Q(phase=BEFORE) | (Q(phase=AFTER) & scope.dated("answered_at")))
                  .values("phase").annotate(n=Count("respondent", distinct=True)).values_list("phase", "n"))
    return {"areas": areas, "overall": _overall(scope, definition),
            "pre_responses": phases.get(BEFORE, 0), "post_responses": phases.get(AFTER, 0)}


def _added(total: dict, counts: dict) -> dict:
    for name, value in counts.items():
        if isinstance(value, list):
            total[name] = [a + b for a, b in zip(total.get(name) or [0] * len(value), value, strict=True)]
        else:
            total[name] = total.get(name, 0) + value
    return total


def growth(scope: Scope) -> list[dict]:
    """Every self-assessment in scope (all runs of one name together), in the figures' shape."""
    definitions = SelfAssessment.objects.filter(scope.courses()).order_by("assessment", "-updated_at")
    by_name: dict[str, list[SelfAssessment]] = defaultdict(list)
    for definition in definitions:
        by_name[definition.assessment].append(definition)
    return [_summed(name, runs, [_of_run(scope, run) for run in runs]) for name, runs in by_name.items()]


def _summed(name: str, runs: list[SelfAssessment], counted: list[dict]) -> dict:
    newest = runs[0]  # the newest description names the areas and the level
    areas: dict[str, dict] = {}
    overall: dict = {}
    for run in counted:
        for key, counts in run["areas"].items():
            areas[key] = _added(areas.get(key, {}), counts)
        overall = _added(overall, run["overall"])
    texts = {area["key"]: area["text"] for area in newest.areas}
    order = [area["key"] for area in newest.areas] + sorted(set(areas) - set(texts))
    return {
        "key": name,
        "level_names": newest.levels,
        "threshold": newest.threshold,
        "threshold_name": newest.levels[newest.threshold - 1],
        "pre_responses": sum(run["pre_responses"] for run in counted),
        "post_responses": sum(run["post_responses"] for run in counted),
        "paired": overall.get("paired", 0),
        "areas": [_line(key, texts.get(key, key), **areas[key]) for key in order if key in areas],
        "overall": _line("overall", "", **{n: overall.get(n, 0) for n in ("paired", "before", "after", "moved_up")}),
    }
