"""Celery tasks of the plugin: delivering the outbox to the NSS."""

from __future__ import annotations

import logging
from dataclasses import asdict

from celery import shared_task

from .delivery.outbox import deliver_all

log = logging.getLogger(__name__)


@shared_task(name="etwinning_plugin.deliver_pending_reports", ignore_result=True, soft_time_limit=600,
             time_limit=660, acks_late=True)
def deliver_pending_reports() -> dict:
    """Send every due record in batches; what fails waits for its back-off (or the next run)."""
    outcome = deliver_all()
    if outcome.sent:
        log.info("NSS delivery: %s", asdict(outcome))
    return asdict(outcome)
