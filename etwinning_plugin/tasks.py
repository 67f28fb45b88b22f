"""Celery tasks of the plugin: recording received platform events and delivering the outbox to the NSS."""

from __future__ import annotations

import logging
from dataclasses import asdict

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from .notifications import send_notice
from .reporting.facts import prune_recorded_events, record_pending_events
from .reporting.outbox import deliver_all, next_run_at, prune_delivered_records
from .reporting.summaries import queue_site_summary, queue_survey_summaries
from .reports import teacher_tallies

log = logging.getLogger(__name__)
TALLIES_PER_RUN = 20_000  # about ten seconds of the worker's time (benchmarks/README.md)


@shared_task(name="etwinning_plugin.deliver_pending_reports", ignore_result=True, soft_time_limit=600,
             time_limit=660, acks_late=True)
def deliver_pending_reports() -> dict:
    """
    Record the platform events received since the last run (facts and outbox records), queue the
    surveys' summaries that are due, then send every due record in batches; what fails
    waits for its back-off (or the next run); then make the tallies of the teachers whose facts
    changed. A survey whose new answers wait for the summary
    interval gets a run of its own at the time its summary is due, so the last answers are not
    left unsummarised when no other record comes to start a run; records still waiting (a retry, or
    the next probe of an NSS that is not answering) get one at the time they are due.
    """
    recorded = record_pending_events()
    summaries = queue_survey_summaries()
    if not teacher_tallies.due_beyond(TALLIES_PER_RUN):  # the site's figures make the due tallies first
        queue_site_summary()
    _follow_up(summaries.next_due, "summary", int(settings.ETWINNING_SURVEY_SUMMARY_INTERVAL) + 60)
    outcome = deliver_all()
    _follow_up(next_run_at(), "delivery", int(settings.ETWINNING_OUTAGE_PROBE_MAX) + 60)
    # After delivery, which they never hold back: a bounded share per run, so that an upgrade's backlog
    # (every teacher due) is made over several runs (or at once by etwinning_tallies).
    teacher_tallies.settle(limit=TALLIES_PER_RUN)
    prune_recorded_events()
    prune_delivered_records()
    if outcome.sent or recorded:
        log.info("eTwinning: %d events recorded; NSS delivery: %s", recorded, asdict(outcome))
    return {"recorded": recorded, **asdict(outcome)}


def _follow_up(when, kind: str, timeout: int) -> None:
    """One run at ``when`` (not one per run that asks: an atomic ``cache.add`` decides)."""
    if when is not None and cache.add(f"etwinning_plugin:{kind}-run:{int(when.timestamp())}", 1, timeout=timeout):
        deliver_pending_reports.apply_async(eta=when)


@shared_task(name="etwinning_plugin.send_partnership_notice", ignore_result=True, soft_time_limit=60,
             time_limit=90, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_partnership_notice(kind: str, course_key: str, *, to_id: str, school: str, teacher: str,
                            message: str = "") -> bool:
    """Tell a teacher about their partnership (edx-ace); a mail server that is down is retried with back-off."""
    return send_notice(kind, course_key, to_id=to_id, school=school, teacher=teacher, message=message)
