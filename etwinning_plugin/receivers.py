"""
Receivers of the platform's openedx-events: each records the fact and its outbox record for the NSS
in one transaction, and returns.

The platform sends these signals with ``send_robust``: an exception would only be logged and the
event lost, so a receiver never raises; it logs (without personal data) and gives up. The same
event delivered twice (the same ``metadata.id``) is recorded once; the same fact reached through
another event gets the same idempotency key, so the outbox holds it once too.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .delivery import contract
from .models import CompletionFact, EnrollmentFact, OutboxRecord, PlatformEventReceipt

log = logging.getLogger(__name__)
PASSED_CERTIFICATE_STATUSES = {"downloadable"}


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


def _once(metadata, work) -> None:
    """
    Run ``work`` in one transaction with the event's receipt, unless the event was recorded already.

    The receipt is inserted without a savepoint of its own (fewer statements in the platform's
    request): a duplicate aborts the whole transaction, which is what a duplicate should do. A
    clash on another unique key (another event about the same learner, at the same moment) is
    tried again.
    """
    for attempt in range(3):
        try:
            with transaction.atomic():
                if metadata is not None:
                    PlatformEventReceipt.objects.create(event_id=str(metadata.id), event_type=metadata.event_type)
                work()
            return
        except IntegrityError:
            if metadata is not None and PlatformEventReceipt.objects.filter(event_id=str(metadata.id)).exists():
                return  # the same event, delivered again
            if attempt == 2:
                raise


def _upsert(model, keys: dict, values: dict) -> None:
    """Update the fact, or create it: one statement when it exists."""
    if not model.objects.filter(**keys).update(**values):
        model.objects.create(**keys, **values)


def queue(record: dict) -> None:
    """
    Add a record to the outbox, once per idempotency key; delivery starts after the commit. Callers
    build records only when ``contract.reporting_configured()``: a site without the reporting
    secrets keeps its facts and queues nothing, and no learner's request fails for it.
    """
    # One INSERT that ignores a key already queued (ON CONFLICT DO NOTHING / INSERT IGNORE).
    OutboxRecord.objects.bulk_create([OutboxRecord(
        idempotency_key=record["idempotency_key"], record_type=record["type"],
        schema_version=record["schema_version"], course_key=record.get("course_id", ""), payload=record,
        next_attempt_at=timezone.now())], ignore_conflicts=True)
    if getattr(settings, "ETWINNING_REPORTING_ENABLED", False):
        transaction.on_commit(_start_delivery)


def _start_delivery() -> None:
    """Ask a Celery worker to deliver soon; if the broker is away, the records wait for the next run."""
    try:
        from .tasks import deliver_pending_reports  # noqa: PLC0415 - Celery only where reporting is on

        deliver_pending_reports.apply_async(countdown=10)
    except Exception as error:  # noqa: BLE001 - never fail the learner's request for the broker
        log.warning("NSS delivery could not be scheduled (%s); the outbox keeps the records", type(error).__name__)


def _when(metadata):
    return getattr(metadata, "time", None) or timezone.now()


@never_raises
def record_enrollment(enrollment=None, metadata=None, **kwargs) -> None:
    """COURSE_ENROLLMENT_CREATED and COURSE_ENROLLMENT_CHANGED."""
    _record_enrollment(enrollment, metadata, enrollment.is_active)


@never_raises
def record_unenrollment(enrollment=None, metadata=None, **kwargs) -> None:
    """COURSE_UNENROLLMENT_COMPLETED."""
    _record_enrollment(enrollment, metadata, False)


def _record_enrollment(enrollment, metadata, is_active: bool) -> None:
    course_key, user_id = str(enrollment.course.course_key), str(enrollment.user.id)

    def work():
        _upsert(EnrollmentFact, {"course_key": course_key, "user_id": user_id},
                {"mode": enrollment.mode or "", "is_active": is_active, "enrolled_at": enrollment.creation_date,
                 "updated_at": _when(metadata)})
        if contract.reporting_configured():
            queue(contract.enrollment_record(course_key, user_id, mode=enrollment.mode or "", is_active=is_active,
                                             enrolled_at=enrollment.creation_date, occurred_at=_when(metadata)))

    _once(metadata, work)


@never_raises
def record_passing_status(course_passing_status=None, metadata=None, **kwargs) -> None:
    """COURSE_PASSING_STATUS_UPDATED."""
    status = course_passing_status
    course_key, user_id = str(status.course.course_key), str(status.user.id)

    def work():
        fact = _completion_fact(course_key, user_id, metadata)
        fact.is_passing = bool(status.is_passing)
        if fact.is_passing and fact.passed_at is None:
            fact.passed_at = _when(metadata)
        fact.save()
        if contract.reporting_configured():
            queue(contract.completion_record(course_key, user_id, basis="passing_status", passed=fact.is_passing,
                                             grade=fact.percent_grade, certificate_status=fact.certificate_status,
                                             occurred_at=_when(metadata)))

    _once(metadata, work)


@never_raises
def record_certificate(certificate=None, metadata=None, **kwargs) -> None:
    """CERTIFICATE_CREATED, CERTIFICATE_CHANGED and CERTIFICATE_REVOKED."""
    course_key, user_id = str(certificate.course.course_key), str(certificate.user.id)
    revoked = getattr(metadata, "event_type", "").endswith("certificate.revoked.v1")
    status = "revoked" if revoked else (certificate.current_status or "")

    def work():
        fact = _completion_fact(course_key, user_id, metadata)
        fact.certificate_status = status
        try:
            fact.percent_grade = float(certificate.grade)
        except (TypeError, ValueError):
            pass  # a certificate's grade is text; keep the grade summary's when it is not a number
        fact.save()
        if contract.reporting_configured():
            queue(contract.completion_record(course_key, user_id, basis="certificate",
                                             passed=status in PASSED_CERTIFICATE_STATUSES, grade=fact.percent_grade,
                                             certificate_status=status, occurred_at=_when(metadata)))

    _once(metadata, work)


@never_raises
def record_grade_summary(grade=None, metadata=None, **kwargs) -> None:
    """PERSISTENT_GRADE_SUMMARY_CHANGED: keeps the grade on the completion fact (no record of its own)."""
    course_key, user_id = str(grade.course.course_key), str(grade.user_id)

    def work():
        fact = _completion_fact(course_key, user_id, metadata)
        fact.percent_grade, fact.letter_grade = grade.percent_grade, grade.letter_grade or ""
        if grade.passed_timestamp and fact.passed_at is None:
            fact.passed_at = grade.passed_timestamp
        fact.save()

    _once(metadata, work)


def _completion_fact(course_key: str, user_id: str, metadata) -> CompletionFact:
    """The learner's completion fact, locked for this transaction (new and unsaved if there is none)."""
    fact = CompletionFact.objects.select_for_update().filter(course_key=course_key, user_id=user_id).first() \
        or CompletionFact(course_key=course_key, user_id=user_id)
    fact.updated_at = _when(metadata)
    return fact


def retire_learner(sender=None, user=None, **kwargs) -> None:
    """The LMS's USER_RETIRE_LMS_MISC: see ``retirement.retire`` (imported late: it imports this module)."""
    from .retirement import retire_learner as receiver  # noqa: PLC0415

    receiver(sender=sender, user=user, **kwargs)
