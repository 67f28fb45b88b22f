"""
``survey_summary`` and ``self_assessment_summary`` records: each survey's tallies and each course
run's pre/post growth, sent to the NSS as they change.

Summaries are queued by the delivery run (a Celery worker or ``etwinning_deliver``), never in a
learner's request: a survey whose answers changed since its last summary gets a new one, counted in
SQL from the stored answers, at most once per ETWINNING_SURVEY_SUMMARY_INTERVAL (an hour by
default) so that a busy survey does not send a summary per response. ``etwinning_reconcile`` brings
every survey up to date at once. What a summary covered is kept in ``SurveySummaryMark``: the newest
answer row it counted (answers are rows that are only ever added or replaced by new rows, so a
higher id means something changed).

A survey with fewer than ETWINNING_SURVEY_SUMMARY_MINIMUM responses (a self-assessment with fewer
teachers who answered both) gets no summary: its tallies would be one or two people's answers, which
the NSS could pair with their completion records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import SelfAssessment, SurveyAnswer, SurveyResponse, SurveySummaryMark
from ..reports import self_assessments
from ..reports.figures import figures
from ..reports.scopes import Scope, school_year_of
from ..reports.surveys import answered_item_keys, tallies
from . import contract
from .outbox import queue
from .records import self_assessment_summary, site_summary, survey_summary


@dataclass(frozen=True)
class SummaryRun:
    queued: int
    held_back: int  # changed surveys whose last summary is younger than the interval
    next_due: datetime | None  # when the first held-back survey may be summarised
    too_few: int = 0  # changed surveys with fewer responses than ETWINNING_SURVEY_SUMMARY_MINIMUM


@dataclass(frozen=True)
class _Changed:
    """Something summarised (a survey, a run's self-assessment) whose newest answer row is ``last_answer_id``."""

    mark_key: str
    last_answer_id: int
    counted: Callable[[], tuple[int, dict]]  # (people counted, the record), counted only when due


def queue_survey_summaries(*, interval: float | None = None, now: datetime | None = None) -> SummaryRun:
    """
    Queue a summary for every survey, and every course run's self-assessment, whose answers changed
    since its last summary and is due.
    """
    if not contract.reporting_configured():
        return SummaryRun(0, 0, None)
    now = now or timezone.now()
    interval = timedelta(seconds=settings.ETWINNING_SURVEY_SUMMARY_INTERVAL if interval is None else interval)
    changed = [*_surveys(now), *_self_assessments(now)]
    marks = {m.usage_key: m for m in SurveySummaryMark.objects.filter(usage_key__in=[c.mark_key for c in changed])}
    queued = held_back = too_few = 0
    next_due = None
    for candidate in changed:
        mark = marks.get(candidate.mark_key)
        if mark is not None and mark.last_answer_id >= candidate.last_answer_id:
            continue  # nothing new since the last summary
        if mark is not None and mark.queued_at + interval > now:
            held_back += 1
            due = mark.queued_at + interval
            next_due = due if next_due is None or due < next_due else next_due
            continue
        people, record = candidate.counted()
        if people < settings.ETWINNING_SURVEY_SUMMARY_MINIMUM:
            too_few += 1
            continue
        with transaction.atomic():
            queue(record)
            SurveySummaryMark.objects.update_or_create(
                usage_key=candidate.mark_key,
                defaults={"last_answer_id": candidate.last_answer_id, "queued_at": now})
        queued += 1
    return SummaryRun(queued, held_back, next_due, too_few)


def _surveys(now: datetime) -> list[_Changed]:
    newest = SurveyAnswer.objects.values("usage_key").annotate(last=Max("id")).values_list("usage_key", "last")
    return [_Changed(usage_key, last, partial(_survey_summary, usage_key, now))
            for usage_key, last in newest.order_by()]


def _survey_summary(usage_key: str, now: datetime) -> tuple[int, dict]:
    course_key = SurveyResponse.objects.filter(usage_key=usage_key).values_list("course_key", flat=True).first() or ""
    counted = tallies(usage_key, answered_item_keys(usage_key))
    items = [{"key": item.key, "answered": item.answered, "positive": item.positive,
              "percent_positive": item.percent_positive, "counts": {str(p): n for p, n in item.counts.items()}}
             for item in counted.items]
    return counted.responses, survey_summary.build(course_key, usage_key, responses=counted.responses, items=items,
                                                   occurred_at=now)


def _self_assessments(now: datetime) -> list[_Changed]:
    """
    Each run's self-assessment by its revision (one more with every submission); marked under a
    hash of run and name, which may be longer than a usage key.
    """
    revisions = SelfAssessment.objects.values_list("course_key", "assessment", "revision")
    return [_Changed("self_assessment:" + hashlib.sha256(f"{course_key}\n{name}".encode()).hexdigest()[:40],
                     revision, partial(_self_assessment_summary, course_key, name, now))
            for course_key, name, revision in revisions]


def _self_assessment_summary(course_key: str, name: str, now: datetime) -> tuple[int, dict]:
    growth = next(line for line in self_assessments.growth(Scope(run=course_key)) if line["key"] == name)
    return growth["paired"], self_assessment_summary.build(course_key, growth, occurred_at=now)


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
