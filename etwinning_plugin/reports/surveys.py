"""
Survey tallies, counted in SQL from the stored answers (never kept in counters): per item, how many
answered, the answers per point of the five-point scale, and how many answered 4 or 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from ..models import SurveyAnswer, SurveyResponse

SCALE = (1, 2, 3, 4, 5)


POSITIVE = (4, 5)  # the top two points of the five-point scale


@dataclass(frozen=True)
class ItemTally:
    key: str
    answered: int
    counts: dict[int, int]  # scale point → number of answers
    positive: int

    @property
    def percent_positive(self) -> float | None:
        """Share of positive answers among those who answered the item, to two decimals."""
        return round(100 * self.positive / self.answered, 2) if self.answered else None


@dataclass(frozen=True)
class SurveyTallies:
    responses: int
    items: list[ItemTally]


def tallies(usage_key: str, item_keys: list[str]) -> SurveyTallies:
    """Per item: how many answered, the count per scale point, and how many answered 4 or 5."""
    counts = {key: dict.fromkeys(SCALE, 0) for key in item_keys}
    rows = SurveyAnswer.objects.filter(usage_key=usage_key, item_key__in=item_keys) \
        .values_list("item_key", "value").annotate(n=Count("id")).order_by()
    for key, value, n in rows:
        if value in counts[key]:
            counts[key][value] = n
    items = [ItemTally(key, sum(c.values()), c, sum(c[v] for v in POSITIVE)) for key, c in counts.items()]
    return SurveyTallies(SurveyResponse.objects.filter(usage_key=usage_key).count(), items)


def answered_item_keys(usage_key: str) -> list[str]:
    """Every item key the survey's stored answers use (the current items and any the author removed)."""
    return sorted(set(SurveyAnswer.objects.filter(usage_key=usage_key).values_list("item_key", flat=True)
                      .distinct().order_by()))
