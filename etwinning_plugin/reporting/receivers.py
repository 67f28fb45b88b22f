"""
Receivers of the platform's openedx-events: each writes what the event said into one
``PlatformEventReceipt`` row, in one INSERT, and returns. A Celery worker records the facts and
their outbox records for the NSS from those rows (``facts.py``), in order, one batch per transaction.

Why so little here: PRODUCT.md's bar is that recording an event costs the platform's request no more
than one small database insert. The receipt is that insert, and it is already the durable record of
the event: once it is written, the facts and the NSS's records follow even if a worker dies.

The platform sends these signals with ``send_robust``: an exception would only be logged and the
event lost, so a receiver never raises; it logs (without personal data) and gives up. The same event
delivered twice (the same ``metadata.id``) is one receipt; the same fact reached through another
event gets the same idempotency key, so the outbox holds it once too.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..models import PlatformEventReceipt
from .facts import record_received
from .outbox import schedule_worker

log = logging.getLogger(__name__)


def never_raises(receiver):
    """Log a failing receiver's error class (never the event's data: it holds personal data)."""

    @functools.wraps(receiver)
    def wrapper(*args, **kwargs):
        try:
            receiver(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - a receiver must not fail the platform's request
            metadata = kwargs.get("metadata")
            log.error("eTwinning receiver %s could not record event %s: %s", receiver.__name__,
                      getattr(metadata, "id", "?"), type(error).__name__)
    return wrapper


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _receive(metadata, payload: dict) -> None:
    """
    The one INSERT: the event's receipt with its payload, ignoring an event id already received. In
    autocommit (the usual case for the platform's signals) that is a single statement; inside the
    platform's own transaction it joins it (``ignore_conflicts`` needs no savepoint), so the event is
    kept exactly when what caused it is.
    """
    receipt = PlatformEventReceipt(event_id=str(metadata.id), event_type=metadata.event_type,
                                   occurred_at=metadata.time or timezone.now(), payload=payload)
    if not settings.ETWINNING_RECORD_EVENTS_IN_WORKER:
        _record_here(receipt)
        return
    if connection.in_atomic_block:
        PlatformEventReceipt.objects.bulk_create([receipt], ignore_conflicts=True)
    else:
        try:
            receipt.save(force_insert=True)
        except IntegrityError:
            return  # the same event, delivered again
    transaction.on_commit(schedule_worker)


def _record_here(receipt: PlatformEventReceipt) -> None:
    """
    Sites without a Celery worker (ETWINNING_RECORD_EVENTS_IN_WORKER = False, and the tests): the
    receipt and the facts in one transaction of the platform's request, as the worker would do them.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt.save(force_insert=True)
        except IntegrityError:
            return  # the same event, delivered again
        record_received([receipt])


def _ids(data) -> dict:
    return {"course_key": str(data.course.course_key), "user_id": str(data.user.id)}


@never_raises
def record_enrollment(enrollment=None, metadata=None, **kwargs) -> None:
    """COURSE_ENROLLMENT_CREATED and COURSE_ENROLLMENT_CHANGED."""
    _receive(metadata, {**_ids(enrollment), "mode": enrollment.mode or "", "is_active": bool(enrollment.is_active),
                        "enrolled_at": _iso(enrollment.creation_date)})


@never_raises
def record_unenrollment(enrollment=None, metadata=None, **kwargs) -> None:
    """COURSE_UNENROLLMENT_COMPLETED."""
    _receive(metadata, {**_ids(enrollment), "mode": enrollment.mode or "", "is_active": False,
                        "enrolled_at": _iso(enrollment.creation_date)})


@never_raises
def record_passing_status(course_passing_status=None, metadata=None, **kwargs) -> None:
    """COURSE_PASSING_STATUS_UPDATED."""
    _receive(metadata, {**_ids(course_passing_status), "is_passing": bool(course_passing_status.is_passing)})


@never_raises
def record_certificate(certificate=None, metadata=None, **kwargs) -> None:
    """CERTIFICATE_CREATED, CERTIFICATE_CHANGED and CERTIFICATE_REVOKED."""
    revoked = getattr(metadata, "event_type", "").endswith("certificate.revoked.v1")
    _receive(metadata, {**_ids(certificate), "status": "revoked" if revoked else (certificate.current_status or ""),
                        "grade": str(certificate.grade or "")})


@never_raises
def record_grade_summary(grade=None, metadata=None, **kwargs) -> None:
    """PERSISTENT_GRADE_SUMMARY_CHANGED: the grade, kept on the completion fact (no record of its own)."""
    _receive(metadata, {"course_key": str(grade.course.course_key), "user_id": str(grade.user_id),
                        "percent_grade": grade.percent_grade, "letter_grade": grade.letter_grade or "",
                        "passed_at": _iso(grade.passed_timestamp)})
