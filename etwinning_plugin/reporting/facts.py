"""
Recording the facts of received platform events: enrolments and completions for the course figures,
and their outbox records for the NSS.

The receivers (``receivers.py``) only store each event's receipt; ``record_pending_events`` (run by
the Celery task, by the management commands, or right after the commit where no worker runs) takes
the receipts not yet recorded, oldest first, and records them a batch per transaction. The batch is
taken with a plain row lock, not ``SKIP LOCKED``: a second worker waits for the first, so the events
of one learner are recorded in the order they happened (an unenrolment after its enrolment).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from openedx_events.learning import signals

from ..models import CompletionFact, EnrollmentFact, PlatformEventReceipt
from . import contract
from .outbox import queue
from .records import completion, enrollment

log = logging.getLogger(__name__)


def _datetime(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _upsert(model, keys: dict, values: dict) -> None:
    """Update the fact, or create it: one statement when it exists."""
    if not model.objects.filter(**keys).update(**values):
        model.objects.create(**keys, **values)


def _completion_fact(course_key: str, user_id: str, when: datetime) -> CompletionFact:
    """The learner's completion fact, locked for this transaction (new and unsaved if there is none)."""
    fact = CompletionFact.objects.select_for_update().filter(course_key=course_key, user_id=user_id).first() \
        or CompletionFact(course_key=course_key, user_id=user_id)
    fact.updated_at = when
    return fact


def record_enrollment(data: dict, when: datetime) -> None:
    keys = {"course_key": data["course_key"], "user_id": data["user_id"]}
    values = {"mode": data["mode"], "is_active": data["is_active"], "enrolled_at": _datetime(data["enrolled_at"]),
              "updated_at": when}
    _upsert(EnrollmentFact, keys, values)
    if contract.reporting_configured():
        queue(enrollment.from_fact(EnrollmentFact(**keys, **values)))


def record_passing_status(data: dict, when: datetime) -> None:
    fact = _completion_fact(data["course_key"], data["user_id"], when)
    fact.is_passing = data["is_passing"]
    if fact.is_passing and fact.passed_at is None:
        fact.passed_at = when
    fact.save()
    if contract.reporting_configured():
        queue(completion.from_fact(fact, completion.PASSING_STATUS))


def record_certificate(data: dict, when: datetime) -> None:
    fact = _completion_fact(data["course_key"], data["user_id"], when)
    fact.certificate_status = data["status"]
    try:
        fact.percent_grade = float(data["grade"])
    except (TypeError, ValueError):
        pass  # a certificate's grade is text; keep the grade summary's when it is not a number
    fact.save()
    if contract.reporting_configured():
        queue(completion.from_fact(fact, completion.CERTIFICATE))


def record_grade_summary(data: dict, when: datetime) -> None:
    fact = _completion_fact(data["course_key"], data["user_id"], when)
    fact.percent_grade, fact.letter_grade = data["percent_grade"], data["letter_grade"]
    passed_at = _datetime(data["passed_at"])
    if passed_at and fact.passed_at is None:
        fact.passed_at = passed_at
    fact.save()


RECORDERS: dict[str, Callable[[dict, datetime], None]] = {
    signals.COURSE_ENROLLMENT_CREATED.event_type: record_enrollment,
    signals.COURSE_ENROLLMENT_CHANGED.event_type: record_enrollment,
    signals.COURSE_UNENROLLMENT_COMPLETED.event_type: record_enrollment,
    signals.COURSE_PASSING_STATUS_UPDATED.event_type: record_passing_status,
    signals.CERTIFICATE_CREATED.event_type: record_certificate,
    signals.CERTIFICATE_CHANGED.event_type: record_certificate,
    signals.CERTIFICATE_REVOKED.event_type: record_certificate,
    signals.PERSISTENT_GRADE_SUMMARY_CHANGED.event_type: record_grade_summary,
}


def record_pending_events(batch_size: int = 500, on_batch: Callable[[int], None] | None = None) -> int:
    """Record every received event not yet recorded, oldest first; returns how many were recorded."""
    total = 0
    while True:
        with transaction.atomic():
            receipts = list(PlatformEventReceipt.objects.select_for_update()
                            .filter(recorded_at__isnull=True).order_by("id")[:batch_size])
            if not receipts:
                return total
            record_received(receipts)
        total += len(receipts)
        if on_batch is not None:
            on_batch(total)


def prune_recorded_events(now: datetime | None = None, chunk: int = 5000) -> int:
    """
    Forget receipts recorded more than ETWINNING_EVENT_RETENTION_DAYS ago (30 by default): a
    duplicated event arrives within minutes, not months, and the facts keep what the receipts said.
    Receipts an event could not be recorded from are kept for the operator.
    """
    days = settings.ETWINNING_EVENT_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(PlatformEventReceipt.objects.filter(recorded_at__lt=cutoff, failure="")
                   .values_list("id", flat=True)[:chunk])
        if not ids:
            return deleted
        deleted += PlatformEventReceipt.objects.filter(id__in=ids).delete()[0]


def record_received(receipts: list[PlatformEventReceipt]) -> None:
    """Record these receipts' facts in the caller's transaction, and mark them recorded."""
    for receipt in receipts:
        _record(receipt)
    PlatformEventReceipt.objects.filter(pk__in=[r.pk for r in receipts if not r.failure]) \
        .update(recorded_at=timezone.now())


def _record(receipt: PlatformEventReceipt) -> None:
    """One event's facts, in a savepoint: an event that cannot be recorded is kept, with why, and skipped."""
    try:
        with transaction.atomic():
            RECORDERS[receipt.event_type](receipt.payload, receipt.occurred_at or receipt.received_at)
    except Exception as error:  # noqa: BLE001 - one bad event must not hold back the others
        receipt.failure = type(error).__name__[:200]
        receipt.recorded_at = timezone.now()
        receipt.save(update_fields=["failure", "recorded_at"])
        log.error("eTwinning: event %s could not be recorded: %s", receipt.event_id, receipt.failure)
