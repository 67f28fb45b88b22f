"""
The outbox: adding records to it (``queue``, the one door every writer uses), asking a worker to run
(``schedule_worker``), and delivering it to the NSS: batches, signed, with explicit timeouts, exponential back-off with
jitter (honouring ``Retry-After``), a dead-letter state, and replay.

How an answer is taken, per batch (the NSS answers for the whole batch):

- 2xx, or 409 (the NSS already has these keys): delivered;
- 408, 425, 429 and 5xx, a timeout or a connection error: the NSS is not answering (an outage). From
  then on one record at a time probes it, after ``min(base * 2**failures, ETWINNING_OUTAGE_PROBE_MAX)``
  seconds with up to 25% jitter, or ``Retry-After`` when the NSS gives one; every other record waits,
  untried, so an outage spends no tries on records that were never sent. The first batch the NSS
  takes again ends the outage and brings everything waiting forward: a day down is caught up within
  minutes (``DeliveryHealth`` keeps the state). A record older than ETWINNING_MAX_RECORD_AGE
  (default three days) becomes dead instead of being tried again;
- any other 4xx: dead at once (the NSS refused the batch; retrying cannot help), the answer kept.

Claiming a batch takes the due rows with a row lock (``SKIP LOCKED`` where the database has it), so
two workers never send the same record at the same time; the idempotency keys make a second send
(after a worker died mid-batch) harmless.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import requests
from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import DeliveryHealth, OutboxRecord
from . import contract

log = logging.getLogger(__name__)
WORKER_SCHEDULED_KEY = "etwinning_plugin:worker-scheduled"
# The Celery task that runs a delivery (``tasks.py``), asked for by name: the task module imports this one.
DELIVERY_TASK = "etwinning_plugin.deliver_pending_reports"
RETRYABLE = {408, 425, 429}


@dataclass(frozen=True)
class BatchOutcome:
    sent: int
    delivered: int
    retried: int
    dead: int


def schedule_worker() -> None:
    """
    Ask a Celery worker to record pending events and deliver the outbox, at most once per
    ETWINNING_WORKER_DELAY seconds (an atomic ``cache.add`` decides who asks): a busy course sends
    one task per window, not one per event. If the broker is away, everything waits in the database
    for the next run.
    """
    delay = settings.ETWINNING_WORKER_DELAY
    try:
        if not cache.add(WORKER_SCHEDULED_KEY, 1, timeout=delay):
            return  # a run is already due within the window, and will see this row
        current_app.tasks[DELIVERY_TASK].apply_async(countdown=delay)
    except Exception as error:  # noqa: BLE001 - never fail the platform's request for the broker
        log.warning("eTwinning worker could not be scheduled (%s); the records wait in the database",
                    type(error).__name__)


def queue(record: dict) -> None:
    """
    Add a record to the outbox, once per idempotency key; delivery starts after the commit. Callers
    build records only when ``contract.reporting_configured()``: a site without the reporting
    secrets keeps its facts and queues nothing, and no learner's request fails for it.
    """
    queue_many([record])


def queue_many(records: list[dict]) -> None:
    """``queue`` for many records at once (the worker's batch of events): one multi-row INSERT."""
    if not records:
        return
    now = timezone.now()
    # INSERTs that ignore a key already queued (ON CONFLICT DO NOTHING / INSERT IGNORE).
    OutboxRecord.objects.bulk_create([OutboxRecord(
        idempotency_key=record["idempotency_key"], record_type=record["type"],
        schema_version=record["schema_version"], course_key=record.get("course_id", ""), payload=record,
        next_attempt_at=now) for record in records], ignore_conflicts=True, batch_size=500)
    if settings.ETWINNING_REPORTING_ENABLED:
        transaction.on_commit(schedule_worker)


def retry_after(response: requests.Response | None) -> float | None:
    """The NSS's ``Retry-After``, in seconds or as an HTTP date; None when absent or unreadable."""
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max((parsedate_to_datetime(value) - timezone.now()).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


def _health() -> DeliveryHealth:
    """The one DeliveryHealth row, locked for the caller's transaction."""
    health = DeliveryHealth.objects.select_for_update().filter(pk=1).first()
    return health or DeliveryHealth.objects.create(pk=1)


def next_run_at() -> datetime | None:
    """When a delivery run has something to do next: the next probe in an outage, else the first record due."""
    first = OutboxRecord.objects.filter(state=OutboxRecord.PENDING).order_by("next_attempt_at") \
        .values_list("next_attempt_at", flat=True).first()
    if first is None:
        return None
    health = DeliveryHealth.objects.filter(pk=1).first()
    if health is not None and health.failing_since and health.next_probe_at:
        return max(first, health.next_probe_at)
    return first


def _claim(batch_size: int) -> list[OutboxRecord]:
    due = OutboxRecord.objects.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked) \
        .filter(state=OutboxRecord.PENDING, next_attempt_at__lte=timezone.now()).order_by("next_attempt_at", "id") \
        .only("id", "payload", "created_at")  # what sending and settling read
    return list(due[:batch_size])


def deliver_once(batch_size: int | None = None, session: requests.Session | None = None) -> BatchOutcome:
    """
    Send one batch of due records and record the outcome of each; returns the counts. Nothing is
    sent while reporting is disabled (an operator pausing delivery) or without an NSS address:
    records wait in the outbox.
    """
    if not settings.ETWINNING_REPORTING_ENABLED or not settings.ETWINNING_NSS_URL:
        return BatchOutcome(0, 0, 0, 0)
    batch_size = batch_size or settings.ETWINNING_BATCH_SIZE
    with transaction.atomic():
        health = _health()
        if health.failing_since and health.next_probe_at and timezone.now() < health.next_probe_at:
            return BatchOutcome(0, 0, 0, 0)  # an outage: nothing is tried before the next probe
        records = _claim(1 if health.failing_since else batch_size)
        if not records:
            return BatchOutcome(0, 0, 0, 0)
        # Push the claimed rows into the future while the request is out, so a crashed worker's batch
        # comes back by itself after the timeout, and another worker does not pick it meanwhile.
        hold = timezone.now() + timedelta(seconds=settings.ETWINNING_CONNECT_TIMEOUT
                                          + settings.ETWINNING_READ_TIMEOUT
                                          + settings.ETWINNING_CLAIM_GRACE)
        OutboxRecord.objects.filter(pk__in=[r.pk for r in records]).update(next_attempt_at=hold)
    body = contract.batch_body([r.payload for r in records])
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", contract.TIMESTAMP_HEADER: str(timestamp),
               contract.SIGNATURE_HEADER: contract.sign(body, timestamp)}
    response, error = None, ""
    try:
        # Never follow a redirect: a 307 or 308 would send the signed batch wherever it points. A
        # redirect is an answer like any other: kept on the records, and retried by the contract.
        response = (session or requests).post(
            settings.ETWINNING_NSS_URL, data=body, headers=headers, allow_redirects=False,
            timeout=(settings.ETWINNING_CONNECT_TIMEOUT, settings.ETWINNING_READ_TIMEOUT))
    except requests.RequestException as failure:
        error = type(failure).__name__
    return _settle(records, response, error)


def _settle(records: list[OutboxRecord], response: requests.Response | None, error: str) -> BatchOutcome:
    """
    Record the NSS's answer on the batch's rows: one UPDATE per outcome (delivered, dead, waiting),
    not one per record, so settling a batch costs the same few statements whatever its size.
    """
    now = timezone.now()
    status = response.status_code if response is not None else None
    answer = (response.text[:2000] if response is not None else error)
    if status is not None and 300 <= status < 400:
        answer = f"redirect to {response.headers.get('Location', '?')[:500]}: not followed"
    max_age = timedelta(seconds=settings.ETWINNING_MAX_RECORD_AGE)
    accepted = status is not None and (200 <= status < 300 or status == 409)
    refused = status is not None and 400 <= status < 500 and status not in RETRYABLE
    if accepted:
        delivered, dead, retried = [r.pk for r in records], [], []
    elif refused:
        delivered, dead, retried = [], [r.pk for r in records], []
    else:
        delivered = []
        dead = [r.pk for r in records if now - r.created_at > max_age]
        retried = [r.pk for r in records if now - r.created_at <= max_age]
    tried = {"attempts": F("attempts") + 1, "last_status": status, "last_error": "" if accepted else answer}
    with transaction.atomic():
        if delivered:
            OutboxRecord.objects.filter(pk__in=delivered).update(
                **tried, state=OutboxRecord.DELIVERED, delivered_at=now)
        if dead:
            OutboxRecord.objects.filter(pk__in=dead).update(**tried, state=OutboxRecord.DEAD)
        if retried:
            OutboxRecord.objects.filter(pk__in=retried).update(**tried)
        # The NSS answered (took or refused the batch); records dead of old age in a failure do not count.
        _note_health(now, response, answered=accepted or refused, retried=retried)
    if status is None or status >= 300:
        log.warning("NSS delivery: batch of %d answered %s", len(records), status or error)
    return BatchOutcome(len(records), len(delivered), len(retried), len(dead))


def _note_health(now: datetime, response, *, answered: bool, retried: list[int]) -> None:
    """
    After a batch: the NSS answering ends an outage and brings every record waiting forward; the NSS
    not answering starts or prolongs one, and the records of the batch (``retried``, their ids) wait
    for the next probe.
    """
    health = _health()
    if answered:
        if health.failing_since:
            OutboxRecord.objects.filter(state=OutboxRecord.PENDING, next_attempt_at__gt=now).update(next_attempt_at=now)
            health.failing_since, health.failures, health.next_probe_at = None, 0, None
            health.save()
        return
    if not retried:
        return
    health.failures += 1
    health.failing_since = health.failing_since or now
    wait = retry_after(response) if response is not None and response.status_code in (429, 503) else None
    health.next_probe_at = now + timedelta(seconds=wait if wait is not None else probe_delay(health.failures))
    health.save()
    OutboxRecord.objects.filter(pk__in=retried).update(next_attempt_at=health.next_probe_at)


def probe_delay(failures: int, rng: random.Random | None = None) -> float:
    """
    Seconds before the next probe of an NSS that is not answering: exponential from
    ETWINNING_RETRY_BASE_DELAY, capped at ETWINNING_OUTAGE_PROBE_MAX, with up to 25% random jitter.
    """
    base = settings.ETWINNING_RETRY_BASE_DELAY
    delay = min(base * 2 ** max(failures - 1, 0), settings.ETWINNING_OUTAGE_PROBE_MAX)
    return delay * (1 + (rng or random).random() * 0.25)


def deliver_all(max_batches: int = 1000, session: requests.Session | None = None,
                on_batch: Callable[[BatchOutcome], None] | None = None) -> BatchOutcome:
    """
    Send batches until nothing is due (or ``max_batches``); the Celery task runs this.
    ``on_batch`` hears the running totals after each batch (the command shows them as progress).
    The batches of a run share one HTTP session: one connection kept alive (and one TLS handshake)
    for the whole run, not one per batch.
    """
    totals = [0, 0, 0, 0]
    own_session = session is None
    session = session or requests.Session()
    try:
        for _ in range(max_batches):
            outcome = deliver_once(session=session)
            totals = [a + b for a, b in zip(totals, (outcome.sent, outcome.delivered, outcome.retried, outcome.dead),
                                            strict=True)]
            if on_batch is not None and outcome.sent:
                on_batch(BatchOutcome(*totals))
            if outcome.sent == 0 or outcome.delivered == 0:
                break  # nothing due, or the NSS is not taking records now: the back-off decides when next
    finally:
        if own_session:
            session.close()
    return BatchOutcome(*totals)


def prune_delivered_records(now=None, chunk: int = 5000) -> int:
    """
    Empty the payload of records delivered more than ETWINNING_DELIVERED_RETENTION_DAYS ago (90 by
    default): the NSS has them, and the platform need not keep what they said about learners. The
    row stays with its idempotency key, type, course, state and times, so ``queue`` still knows the
    record was sent and ``etwinning_reconcile`` never sends it again.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.ETWINNING_DELIVERED_RETENTION_DAYS)
    emptied = 0
    while True:
        ids = list(OutboxRecord.objects.filter(state=OutboxRecord.DELIVERED, delivered_at__lt=cutoff)
                   .exclude(payload={}).values_list("id", flat=True)[:chunk])
        if not ids:
            return emptied
        emptied += OutboxRecord.objects.filter(id__in=ids).update(payload={})


def replay_dead(course_key: str = "") -> int:
    """Put dead records back in the queue (after the NSS fixed what refused them)."""
    dead = OutboxRecord.objects.filter(state=OutboxRecord.DEAD)
    if course_key:
        dead = dead.filter(course_key=course_key)
    now = timezone.now()
    # The age limit counts from the replay: a replayed record gets its full time again.
    return dead.update(state=OutboxRecord.PENDING, next_attempt_at=now, attempts=0, created_at=now)
