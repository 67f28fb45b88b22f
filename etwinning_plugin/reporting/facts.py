"""
Recording the facts of received platform events: enrolments and completions for the course figures,
and their outbox records for the NSS.

The receivers (``receivers.py``) only store each event's receipt; ``record_pending_events`` (run by
the Celery task, by the management commands, or right after the commit where no worker runs) takes
the receipts not yet recorded, oldest first, and records them a batch per transaction: the events
applied in order in memory, then the facts and records written in a few multi-row statements. The batch is
taken with a plain row lock, not ``SKIP LOCKED``: a second worker waits for the first, so the events
of one learner are recorded in the order they happened (an unenrolment after its enrolment).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from openedx_events.learning import signals

from ..models import CompletionFact, EnrollmentFact, PlatformEventReceipt
from ..reports import teacher_tallies
from . import contract
from .outbox import queue, queue_many
from .records import completion, enrollment

log = logging.getLogger(__name__)
ENROLLMENT_FIELDS = ("mode", "is_active", "enrolled_at", "updated_at")
COMPLETION_FIELDS = ("is_passing", "certificate_status", "percent_grade", "letter_grade", "passed_at", "updated_at")
NATURAL_KEY = ("course_key", "user_id")
Applier = Callable[[CompletionFact, dict, datetime], str | None]


def _datetime(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _enrollment(data: dict, when: datetime) -> EnrollmentFact:
    """The enrolment fact an event states (the whole fact: an enrolment event does not depend on the last one)."""
    return EnrollmentFact(course_key=data["course_key"], user_id=data["user_id"], mode=data["mode"],
                          is_active=data["is_active"], enrolled_at=_datetime(data["enrolled_at"]), updated_at=when)


# What each completion event changes on the learner's completion fact; returns the basis of the
# record it implies (``completion.from_fact``), or None when it implies none.

def _passing_status(fact: CompletionFact, data: dict, when: datetime) -> str | None:
    fact.is_passing = data["is_passing"]
    if fact.is_passing and fact.passed_at is None:
        fact.passed_at = when
    return completion.PASSING_STATUS


def _certificate(fact: CompletionFact, data: dict, when: datetime) -> str | None:
    fact.certificate_status = data["status"]
    try:
        fact.percent_grade = float(data["grade"])
    except (TypeError, ValueError):
        pass  # a certificate's grade is text; keep the grade summary's when it is not a number
    return completion.CERTIFICATE


def _grade_summary(fact: CompletionFact, data: dict, when: datetime) -> str | None:
    fact.percent_grade, fact.letter_grade = data["percent_grade"], data["letter_grade"]
    passed_at = _datetime(data["passed_at"])
    if passed_at and fact.passed_at is None:
        fact.passed_at = passed_at
    return None


ENROLLMENT_EVENTS = {signals.COURSE_ENROLLMENT_CREATED.event_type, signals.COURSE_ENROLLMENT_CHANGED.event_type,
                     signals.COURSE_UNENROLLMENT_COMPLETED.event_type}
COMPLETION_EVENTS: dict[str, Applier] = {
    signals.COURSE_PASSING_STATUS_UPDATED.event_type: _passing_status,
    signals.CERTIFICATE_CREATED.event_type: _certificate,
    signals.CERTIFICATE_CHANGED.event_type: _certificate,
    signals.CERTIFICATE_REVOKED.event_type: _certificate,
    signals.PERSISTENT_GRADE_SUMMARY_CHANGED.event_type: _grade_summary,
}


# One event at a time, in the caller's transaction: a receipt the batch could not record (below), and
# the callers that record a single fact.

def record_enrollment(data: dict, when: datetime) -> None:
    fact = _enrollment(data, when)
    keys = {"course_key": fact.course_key, "user_id": fact.user_id}
    if not EnrollmentFact.objects.filter(**keys).update(**{name: getattr(fact, name) for name in ENROLLMENT_FIELDS}):
        fact.save()
    teacher_tallies.mark_due([fact.user_id])
    if contract.reporting_configured():
        queue(enrollment.from_fact(fact))


def _completion_fact(course_key: str, user_id: str, when: datetime) -> CompletionFact:
    """The learner's completion fact, locked for this transaction (new and unsaved if there is none)."""
    fact = CompletionFact.objects.select_for_update().filter(course_key=course_key, user_id=user_id).first() \
        or CompletionFact(course_key=course_key, user_id=user_id)
    fact.updated_at = when
    return fact


def _record_completion(apply: Applier) -> Callable[[dict, datetime], None]:
    def record(data: dict, when: datetime) -> None:
        fact = _completion_fact(data["course_key"], data["user_id"], when)
        basis = apply(fact, data, when)
        fact.save()
        teacher_tallies.mark_due([fact.user_id])
        if basis and contract.reporting_configured():
            queue(completion.from_fact(fact, basis))
    record.__name__ = f"record{apply.__name__}"
    return record


RECORDERS: dict[str, Callable[[dict, datetime], None]] = {
    **dict.fromkeys(ENROLLMENT_EVENTS, record_enrollment),
    **{event_type: _record_completion(apply) for event_type, apply in COMPLETION_EVENTS.items()},
}
record_passing_status = RECORDERS[signals.COURSE_PASSING_STATUS_UPDATED.event_type]
record_certificate = RECORDERS[signals.CERTIFICATE_CREATED.event_type]
record_grade_summary = RECORDERS[signals.PERSISTENT_GRADE_SUMMARY_CHANGED.event_type]


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
    """
    Record these receipts' facts in the caller's transaction, and mark them recorded. The batch is
    applied in memory, in order, and written in a few statements (``_record_batch``); should the
    database refuse any of it (a value too long for its column, say), the batch is recorded again
    event by event, each in a savepoint, so that one bad event is kept with why and the others recorded.
    """
    try:
        with transaction.atomic():
            _record_batch(receipts)
    except Exception:  # noqa: BLE001 - whatever the database refused, the events are recorded one by one
        log.warning("eTwinning: a batch of %d events is recorded event by event", len(receipts))
        for receipt in receipts:
            receipt.failure = ""
            _record(receipt)
    PlatformEventReceipt.objects.filter(pk__in=[r.pk for r in receipts if not r.failure]) \
        .update(recorded_at=timezone.now())


class _Batch:
    """What a batch of receipts changes, kept in memory until it is written in a few statements."""

    def __init__(self, receipts: list[PlatformEventReceipt]):
        self.enrolments: dict[tuple[str, str], EnrollmentFact] = {}  # the last state of each
        self.completions = self._locked_completion_facts(receipts)
        self.changed: set[tuple[str, str]] = set()
        self.records: list[dict] = []

    @staticmethod
    def _locked_completion_facts(receipts: list[PlatformEventReceipt]) -> dict[tuple[str, str], CompletionFact]:
        """The completion facts the batch's events change, read and locked in one query."""
        keys = {(r.payload["course_key"], r.payload["user_id"]) for r in receipts
                if r.event_type in COMPLETION_EVENTS and isinstance(r.payload, dict)
                and isinstance(r.payload.get("course_key"), str) and isinstance(r.payload.get("user_id"), str)}
        if not keys:
            return {}
        facts = CompletionFact.objects.select_for_update().filter(course_key__in={course for course, _ in keys},
                                                                  user_id__in={user for _, user in keys})
        return {(f.course_key, f.user_id): f for f in facts if (f.course_key, f.user_id) in keys}

    def completion_fact(self, data: dict, when: datetime) -> CompletionFact:
        """A copy of the learner's completion fact as the batch left it so far (an event that fails changes nothing)."""
        fact = CompletionFact(course_key=data["course_key"], user_id=data["user_id"])
        current = self.completions.get((fact.course_key, fact.user_id))
        if current is not None:
            for name in COMPLETION_FIELDS:
                setattr(fact, name, getattr(current, name))
        fact.updated_at = when
        return fact

    def keep(self, fact: CompletionFact) -> None:
        key = (fact.course_key, fact.user_id)
        self.completions[key] = fact
        self.changed.add(key)

    def write(self) -> None:
        """The facts (an upsert per model) and the outbox records (one INSERT that skips keys already queued)."""
        # MySQL's ON DUPLICATE KEY UPDATE names no conflict target; SQLite and PostgreSQL need one.
        target = NATURAL_KEY if connection.features.supports_update_conflicts_with_target else None
        if self.enrolments:
            EnrollmentFact.objects.bulk_create(self.enrolments.values(), update_conflicts=True, unique_fields=target,
                                               update_fields=ENROLLMENT_FIELDS, batch_size=500)
        if self.changed:
            CompletionFact.objects.bulk_create([self.completions[key] for key in self.changed], update_conflicts=True,
                                               unique_fields=target, update_fields=COMPLETION_FIELDS, batch_size=500)
        teacher_tallies.mark_due([user for _, user in self.enrolments] + [user for _, user in self.changed])
        queue_many(self.records)


def _record_batch(receipts: list[PlatformEventReceipt]) -> None:
    """
    Apply the receipts in order to the facts in memory (each event to a copy, so one that cannot be
    read changes nothing), collect the records they imply, and write them all; an event that cannot
    be read is kept with why (``_failed``) and skipped.
    """
    reporting = contract.reporting_configured()
    batch = _Batch(receipts)
    for receipt in receipts:
        data, when = receipt.payload, receipt.occurred_at or receipt.received_at
        try:
            if receipt.event_type in ENROLLMENT_EVENTS:
                fact = _enrollment(data, when)
                record = enrollment.from_fact(fact) if reporting else None
                batch.enrolments[(fact.course_key, fact.user_id)] = fact
            else:
                apply = COMPLETION_EVENTS[receipt.event_type]
                fact = batch.completion_fact(data, when)
                basis = apply(fact, data, when)
                record = completion.from_fact(fact, basis) if basis and reporting else None
                batch.keep(fact)
        except Exception as error:  # noqa: BLE001 - one bad event must not hold back the others
            _failed(receipt, error)
            continue
        if record is not None:
            batch.records.append(record)
    batch.write()


def _record(receipt: PlatformEventReceipt) -> None:
    """One event's facts, in a savepoint: an event that cannot be recorded is kept, with why, and skipped."""
    try:
        with transaction.atomic():
            RECORDERS[receipt.event_type](receipt.payload, receipt.occurred_at or receipt.received_at)
    except Exception as error:  # noqa: BLE001 - one bad event must not hold back the others
        _failed(receipt, error)


def _failed(receipt: PlatformEventReceipt, error: Exception) -> None:
    receipt.failure = type(error).__name__[:200]
    receipt.recorded_at = timezone.now()
    receipt.save(update_fields=["failure", "recorded_at"])
    log.error("eTwinning: event %s could not be recorded: %s", receipt.event_id, receipt.failure)
