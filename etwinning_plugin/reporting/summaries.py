"""
``survey_summary`` records: each survey's tallies, sent to the NSS as they change.

Summaries are queued by the delivery run (a Celery worker or ``etwinning_deliver``), never in a
learner's request: a survey whose answers changed since its last summary gets a new one, counted in
SQL from the stored answers, at most once per ETWINNING_SURVEY_SUMMARY_INTERVAL (an hour by
default) so that a busy survey does not send a summary per response. ``etwinning_reconcile`` brings
every survey up to date at once. What a summary covered is kept in ``SurveySummaryMark``: the newest
answer row it counted (answers are rows that are only ever added or replaced by new rows, so a
higher id means something changed).

A survey with fewer than ETWINNING_SURVEY_SUMMARY_MINIMUM responses gets no summary: its tallies
would be one or two people's answers, which the NSS could pair with their completion records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from ..models import SurveyAnswer, SurveyResponse, SurveySummaryMark
from ..reports.figures import figures
from ..reports.scopes import Scope, school_year_of
from ..reports.surveys import answered_item_keys, tallies
from . import contract
from .outbox import queue
from .records import site_summary, survey_summary


@dataclass(frozen=True)
class SummaryRun:
    queued: int
    held_back: int  # changed surveys whose last summary is younger than the interval
    next_due: datetime | None  # when the first held-back survey may be summarised
    too_few: int = 0  # changed surveys with fewer responses than ETWINNING_SURVEY_SUMMARY_MINIMUM


def queue_survey_summaries(*, interval: float | None = None, now: datetime | None = None) -> SummaryRun:
    """Queue a summary for every survey whose answers changed since its last one and is due."""
    if not contract.reporting_configured():
        return SummaryRun(0, 0, None)
    now = now or timezone.now()
    interval = timedelta(seconds=settings.ETWINNING_SURVEY_SUMMARY_INTERVAL if interval is None else interval)
    newest = dict(SurveyAnswer.objects.values("usage_key").annotate(last=Max("id")).values_list("usage_key", "last")
                  .order_by())
    marks = {m.usage_key: m for m in SurveySummaryMark.objects.filter(usage_key__in=list(newest))}
    responses = dict(SurveyResponse.objects.filter(usage_key__in=list(newest)).values("usage_key")
                     .annotate(n=Count("id")).values_list("usage_key", "n").order_by())
    queued = held_back = too_few = 0
    next_due = None
    for usage_key, last_answer_id in newest.items():
        mark = marks.get(usage_key)
        if mark is not None and mark.last_answer_id >= last_answer_id:
            continue  # nothing new since the last summary
        if responses.get(usage_key, 0) < settings.ETWINNING_SURVEY_SUMMARY_MINIMUM:
            too_few += 1
            continue
        if mark is not None and mark.queued_at + interval > now:
            held_back += 1
            due = mark.queued_at + interval
            next_due = due if next_due is None or due < next_due else next_due
            continue
        with transaction.atomic():
            queue(_summary(usage_key, now))
            SurveySummaryMark.objects.update_or_create(
                usage_key=usage_key, defaults={"last_answer_id": last_answer_id, "queued_at": now})
        queued += 1
    return SummaryRun(queued, held_back, next_due, too_few)


def _summary(usage_key: str, now: datetime) -> dict:
    course_key = SurveyResponse.objects.filter(usage_key=usage_key).values_list("course_key", flat=True).first() or ""
    counted = tallies(usage_key, answered_item_keys(usage_key))
    items = [{"key": item.key, "answered": item.answered, "positive": item.positive,
              "percent_positive": item.percent_positive, "counts": {str(p): n for p, n in item.counts.items()}}
             for item in counted.items]
    return survey_summary.build(course_key, usage_key, responses=counted.responses, items=items,
                                          occurred_at=now)


def queue_site_summary(*, school_year: str = "", interval: float | None = None, now: datetime | None = None) -> bool:
    """
    Queue the site's ``site_summary`` for a school year (the current one unless named), at most once
    per ETWINNING_SITE_SUMMARY_INTERVAL (a day by default: the figures are a handful of aggregate
    queries, too many to count on every delivery run). Unchanged figures make the same record, which
    the outbox holds once. Returns whether a summary was counted.
    """
    if not contract.reporting_configured():
        return False
    now = now or timezone.now()
    school_year = school_year or school_year_of(now)
    interval = settings.ETWINNING_SITE_SUMMARY_INTERVAL if interval is None else interval
    # An atomic cache.add decides, without a query: the delivery run asks every few seconds.
    if interval and not cache.add(f"etwinning_plugin:site-summary:{school_year}", 1, timeout=int(interval)):
        return False
    queue(site_summary.build(school_year, figures(Scope(school_year=school_year)), occurred_at=now))
    return True
