"""
The worker records a batch of received events in memory and writes it in a few statements: the
facts and outbox records come out exactly as recording the same events one by one does, a bad event
is kept with why, and a batch the database refuses is recorded again event by event.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from openedx_events.learning import signals

from etwinning_plugin.models import CompletionFact, EnrollmentFact, OutboxRecord, PlatformEventReceipt
from etwinning_plugin.reporting import facts

pytestmark = pytest.mark.django_db
COURSE = "course-v1:NSS+SkillsLabs+2027"
T0 = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)
ENROLLED = signals.COURSE_ENROLLMENT_CREATED.event_type
CHANGED = signals.COURSE_ENROLLMENT_CHANGED.event_type
UNENROLLED = signals.COURSE_UNENROLLMENT_COMPLETED.event_type
PASSING = signals.COURSE_PASSING_STATUS_UPDATED.event_type
CERTIFIED = signals.CERTIFICATE_CREATED.event_type
REVOKED = signals.CERTIFICATE_REVOKED.event_type
GRADED = signals.PERSISTENT_GRADE_SUMMARY_CHANGED.event_type


def enrolment(user, active=True, mode="audit"):
    return {"course_key": COURSE, "user_id": user, "mode": mode, "is_active": active, "enrolled_at": T0.isoformat()}


def history() -> list[tuple[str, dict]]:
    """A run's events for six learners, interleaved, as the receivers store them (with one unreadable event)."""
    events = []
    for n in range(1, 7):
        user = str(n)
        events.append((ENROLLED, enrolment(user)))
        passed = n % 2 == 1
        events.append((GRADED, {"course_key": COURSE, "user_id": user, "percent_grade": 0.5 + n / 20,
                                "letter_grade": "Pass" if passed else "",
                                "passed_at": T0.isoformat() if passed else None}))
    events += [
        (PASSING, {"course_key": COURSE, "user_id": "1", "is_passing": True}),
        (CERTIFIED, {"course_key": COURSE, "user_id": "1", "status": "downloadable", "grade": "0.91"}),
        (PASSING, {"course_key": COURSE, "user_id": "2", "is_passing": True}),
        (PASSING, {"course_key": COURSE, "user_id": "2", "is_passing": False}),
        (CERTIFIED, {"course_key": COURSE, "user_id": "3", "status": "downloadable", "grade": "Pass"}),
        (REVOKED, {"course_key": COURSE, "user_id": "3", "status": "revoked", "grade": "Pass"}),
        (UNENROLLED, enrolment("4", active=False)),
        (CHANGED, enrolment("4", mode="verified")),
        (PASSING, {"course_key": COURSE}),  # unreadable: no learner
        (PASSING, {"course_key": COURSE, "user_id": "7", "is_passing": True}),  # passing before any enrolment
        (UNENROLLED, enrolment("5", active=False)),
    ]
    return events


def receive(events) -> None:
    PlatformEventReceipt.objects.bulk_create([
        PlatformEventReceipt(event_id=f"e{n}", event_type=event_type, payload=payload,
                             occurred_at=T0 + timedelta(minutes=n)) for n, (event_type, payload) in enumerate(events)])


def outcome() -> dict:
    return {
        "enrolments": sorted(EnrollmentFact.objects.values_list("user_id", "mode", "is_active", "enrolled_at",
                                                                "updated_at")),
        "completions": sorted(CompletionFact.objects.values_list(
            "user_id", "is_passing", "certificate_status", "percent_grade", "letter_grade", "passed_at", "updated_at")),
        "records": sorted((r.idempotency_key, r.payload) for r in OutboxRecord.objects.all()),
        "failures": sorted(PlatformEventReceipt.objects.exclude(failure="").values_list("event_id", "failure")),
        "unrecorded": PlatformEventReceipt.objects.filter(recorded_at=None).count(),
    }


def forget() -> None:
    for model in (EnrollmentFact, CompletionFact, OutboxRecord, PlatformEventReceipt):
        model.objects.all().delete()


def test_a_batch_gives_exactly_what_recording_event_by_event_gives():
    receive(history())
    with transaction.atomic():
        for receipt in PlatformEventReceipt.objects.order_by("id"):
            facts._record(receipt)  # the path of one event at a time, in a savepoint each
        PlatformEventReceipt.objects.filter(failure="").update(recorded_at=T0)
    one_by_one = outcome()
    forget()
    receive(history())
    assert facts.record_pending_events() == len(history())
    in_a_batch = outcome()
    assert in_a_batch == one_by_one
    assert in_a_batch["failures"] == [(f"e{len(history()) - 3}", "KeyError")] and in_a_batch["unrecorded"] == 0
    assert len(in_a_batch["records"]) == 16  # 9 enrolment states, 7 completions (a grade summary has none)


def test_a_batch_costs_the_same_statements_for_ten_events_or_eighty(django_assert_max_num_queries):
    """(Eighty: beyond that SQLite's 999 parameters per statement split the outbox's INSERT in two.)"""
    receive([(ENROLLED, enrolment(str(n))) for n in range(10)])
    with django_assert_max_num_queries(12) as small:
        facts.record_pending_events()
    forget()
    receive([(ENROLLED, enrolment(str(n))) for n in range(80)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert facts.record_pending_events() == 80
    assert EnrollmentFact.objects.count() == 80 and OutboxRecord.objects.count() == 80


def test_a_batch_the_database_refuses_is_recorded_event_by_event(caplog):
    """A learner id the database cannot store (NULL) fails the batch's INSERT: the others are recorded all the same."""
    receive([(ENROLLED, enrolment("1")), (ENROLLED, enrolment(None)), (PASSING, {"course_key": COURSE, "user_id": "2",
                                                                                  "is_passing": True})])
    assert facts.record_pending_events() == 3
    assert list(EnrollmentFact.objects.values_list("user_id", flat=True)) == ["1"]
    assert list(CompletionFact.objects.values_list("user_id", "is_passing")) == [("2", True)]
    assert OutboxRecord.objects.count() == 2
    assert list(PlatformEventReceipt.objects.exclude(failure="").values_list("event_id", "failure")) == [
        ("e1", "IntegrityError")]
    assert "event by event" in caplog.text
