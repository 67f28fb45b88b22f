"""
Receivers of openedx-events, driven by the real signals with their real data classes: the platform
sends them with ``send_robust``, and connects our receivers through edx-django-utils' plugin
framework from the ``plugin_app`` signals config, as these tests do.
"""

from datetime import UTC, datetime

import jsonschema
import pytest
from django.core.cache import cache
from edx_django_utils.plugins import connect_plugin_receivers
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning import signals
from openedx_events.learning.data import (
    CertificateData,
    CourseData,
    CourseEnrollmentData,
    CoursePassingStatusData,
    PersistentCourseGradeData,
)

from etwinning_plugin.models import CompletionFact, EnrollmentFact, OutboxRecord, PlatformEventReceipt
from etwinning_plugin.reporting import contract
from etwinning_plugin.reporting.facts import record_pending_events
from etwinning_plugin.reporting.outbox import WORKER_SCHEDULED_KEY
from etwinning_plugin.tasks import deliver_pending_reports
from tests.harness import platform_user

pytestmark = pytest.mark.django_db

COURSE = CourseKey.from_string("course-v1:NSS+SkillsLabs+2027")
NOW = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module", autouse=True)
def connected():
    """What the LMS does at start-up for every installed plugin app."""
    connect_plugin_receivers("lms.djangoapp")


def user(user_id=42):
    return platform_user(user_id, name="Μαρία")


def enrollment(user_id=42, active=True, mode="audit"):
    return CourseEnrollmentData(user=user(user_id), course=CourseData(course_key=COURSE), mode=mode,
                                is_active=active, creation_date=NOW)


def test_the_receivers_are_connected_to_the_platforms_signals():
    for signal in (signals.COURSE_ENROLLMENT_CREATED, signals.COURSE_ENROLLMENT_CHANGED,
                   signals.COURSE_UNENROLLMENT_COMPLETED, signals.COURSE_PASSING_STATUS_UPDATED,
                   signals.CERTIFICATE_CREATED, signals.CERTIFICATE_CHANGED, signals.CERTIFICATE_REVOKED,
                   signals.PERSISTENT_GRADE_SUMMARY_CHANGED):
        # Django keeps (lookup key, receiver, is_async); our dispatch uids start with etwinning_plugin.
        assert any("etwinning_plugin" in str(entry[0]) for entry in signal.receivers), signal.event_type


def test_an_enrolment_records_the_fact_and_one_outbox_record():
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment())
    fact = EnrollmentFact.objects.get()
    assert (fact.course_key, fact.user_id, fact.is_active, fact.mode) == (str(COURSE), "42", True, "audit")
    record = OutboxRecord.objects.get()
    assert record.record_type == "enrollment" and record.state == "pending"
    assert record.payload["learner"] == contract.pseudonym(42)
    assert "teacher42" not in str(record.payload) and "school.gr" not in str(record.payload)


def test_the_same_event_delivered_twice_is_recorded_once():
    metadata = signals.COURSE_ENROLLMENT_CREATED.generate_signal_metadata()
    for _ in range(2):
        signals.COURSE_ENROLLMENT_CREATED.send_event_with_custom_metadata(metadata, enrollment=enrollment())
    assert PlatformEventReceipt.objects.count() == 1
    assert EnrollmentFact.objects.count() == 1 and OutboxRecord.objects.count() == 1


def test_the_same_fact_through_another_event_is_queued_once():
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment())
    signals.COURSE_ENROLLMENT_CHANGED.send_event(enrollment=enrollment())  # nothing new: same natural key
    assert PlatformEventReceipt.objects.count() == 2 and OutboxRecord.objects.count() == 1


def test_unenrolment_and_re_enrolment():
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment())
    signals.COURSE_UNENROLLMENT_COMPLETED.send_event(enrollment=enrollment(active=True))
    assert EnrollmentFact.objects.get().is_active is False
    assert sorted(r.payload["state"] for r in OutboxRecord.objects.all()) == ["active", "inactive"]


def test_passing_certificate_grade_and_revocation():
    course = CourseData(course_key=COURSE)
    signals.PERSISTENT_GRADE_SUMMARY_CHANGED.send_event(grade=PersistentCourseGradeData(
        user_id=42, course=course, course_edited_timestamp=NOW, course_version="v1", grading_policy_hash="h",
        percent_grade=0.87, letter_grade="Pass", passed_timestamp=NOW))
    signals.COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
        is_passing=True, course=course, user=user()))
    signals.CERTIFICATE_CREATED.send_event(certificate=CertificateData(
        user=user(), course=course, mode="honor", grade="0.87", download_url="", name="Μαρία",
        current_status="downloadable"))
    fact = CompletionFact.objects.get()
    assert fact.is_passing and fact.certificate_status == "downloadable" and fact.percent_grade == 0.87
    completions = [r.payload for r in OutboxRecord.objects.filter(record_type="completion")]
    assert {(c["basis"], c["outcome"], c["grade"]) for c in completions} == {
        ("passing_status", "passed", 0.87), ("certificate", "passed", 0.87)}
    signals.CERTIFICATE_REVOKED.send_event(certificate=CertificateData(
        user=user(), course=course, mode="honor", grade="0.87", download_url="", name="Μαρία",
        current_status="unavailable"))
    assert CompletionFact.objects.get().certificate_status == "revoked"
    assert OutboxRecord.objects.filter(payload__certificate_status="revoked").count() == 1


def test_a_failing_receiver_never_lets_an_exception_escape(caplog):
    """A broken event (no course) fails inside the receiver: it logs the error class and returns."""
    broken = CourseEnrollmentData(user=user(), course=None, mode="audit", is_active=True, creation_date=NOW)
    responses = signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=broken, send_robust=False)
    assert [r for _receiver, r in responses if isinstance(r, Exception)] == []
    assert not EnrollmentFact.objects.exists() and not OutboxRecord.objects.exists()  # one transaction
    assert "AttributeError" in caplog.text and "Μαρία" not in caplog.text and "school.gr" not in caplog.text


def test_without_the_reporting_secrets_facts_are_kept_and_nothing_is_queued(settings):
    settings.ETWINNING_PSEUDONYM_KEY = ""
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment())
    assert EnrollmentFact.objects.count() == 1 and not OutboxRecord.objects.exists()


def test_every_record_matches_its_json_schema():
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment())
    signals.COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
        is_passing=True, course=CourseData(course_key=COURSE), user=user()))
    for record in OutboxRecord.objects.all():
        jsonschema.validate(record.payload, contract.schema(record.record_type),
                            format_checker=jsonschema.FormatChecker())


def test_survey_and_registration_records_are_queued_with_consent_respected(scenario_factory):
    """
    A named survey's response goes to the NSS only with the consent asked in the survey itself (the
    registration's consent is about the eTwinning profile, not the answers).
    """
    from skillslab_xblock.survey import NSS_ITEMS

    answers = {item["key"]: 5 for item in NSS_ITEMS}
    blocks = scenario_factory("<vertical_demo><etwinning_registration/><etwinning_survey/></vertical_demo>",
                              "etwinning_survey")
    registration = blocks.usage_ids("etwinning_registration")[0]
    profile = "https://school-education.ec.europa.eu/en/people/x"
    for student, consent, share in (("anna", True, True), ("luis", False, False), ("mara", True, False)):
        blocks.post("save_registration", {"profile_url": profile, "school_name": "S", "school_code": "1",
                                          "region": "", "teacher_registered_during_course": True,
                                          "school_registered_during_course": True,
                                          "consent_to_share_profile": consent}, student=student, usage_id=registration)
        assert blocks.post("submit", {"answers": answers, "share_with_nss": share}, student=student).status == 200
    records = {(r.record_type, r.payload.get("learner")): r.payload for r in OutboxRecord.objects.all()}
    anna, luis = contract.pseudonym("anna"), contract.pseudonym("luis")
    assert records[("registration", anna)]["profile_url"] == profile
    assert records[("registration", luis)]["profile_url"] is None
    assert [learner for kind, learner in records if kind == "survey_response"] == [anna]
    for record in OutboxRecord.objects.all():
        jsonschema.validate(record.payload, contract.schema(record.record_type),
                            format_checker=jsonschema.FormatChecker())


def test_step_and_plan_completions_name_every_partner(scenario_factory, complete_worksheet):
    from skillslab_xblock.scenarios import activity_olx
    from tests.harness import make_partnership

    course = scenario_factory("<vertical_demo>" + activity_olx("b1-river-keepers", "w1", "a1", "en",
                                                              collaboration_mode="shared")
                              + '<etwinning_project_plan required_sections="title"/></vertical_demo>',
                              "skillslab_activity")
    make_partnership(course.course_key, "anna", "luis")
    course.post("save_draft", {"worksheet": complete_worksheet, "base_version": 0}, student="anna")
    assert course.post("submit", {"worksheet": {}, "base_version": 1}, student="anna").status == 200
    plan = course.usage_ids("etwinning_project_plan")[0]
    assert course.post("save_plan", {"plan": {"title": "Rivers #SkillsLabs"}, "base_version": 0}, student="luis",
                       usage_id=plan).body["complete"]
    completions = {r.payload["kind"]: r.payload for r in OutboxRecord.objects.filter(record_type="step_completion")}
    partners = sorted([contract.pseudonym("anna"), contract.pseudonym("luis")])
    assert completions["step"]["learners"] == partners and completions["step"]["title"] == "1. Meeting our river"
    assert completions["plan"]["learners"] == partners and completions["plan"]["title"] == "Rivers #SkillsLabs"
    course.post("current_plan", {}, student="anna", usage_id=plan)  # Anna completes too: the same fact
    assert OutboxRecord.objects.filter(record_type="step_completion").count() == 2
    for payload in completions.values():
        jsonschema.validate(payload, contract.schema("step_completion"), format_checker=jsonschema.FormatChecker())


# --- the production path: one INSERT in the platform's request, the facts recorded by the worker ---


@pytest.fixture
def in_worker(settings):
    """As in production: the receivers leave the facts to a Celery worker (here: the task, run in-process)."""
    import tests.celery_app  # noqa: F401 - the Celery app (in-memory broker) the receiver schedules with

    settings.ETWINNING_RECORD_EVENTS_IN_WORKER = True
    cache.delete(WORKER_SCHEDULED_KEY)
    return settings


@pytest.mark.django_db(transaction=True)
def test_recording_an_event_costs_the_request_one_insert(in_worker, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:  # autocommit (LMS enrolment: tests/platform/test_lms_enrollment.py)
        signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment())
    assert queries.captured_queries[0]["sql"].startswith("INSERT INTO")
    receipt = PlatformEventReceipt.objects.get()
    assert receipt.recorded_at is None and receipt.payload == {
        "course_key": str(COURSE), "user_id": "42", "mode": "audit", "is_active": True,
        "enrolled_at": NOW.isoformat()}  # ids and states: no name, no e-mail
    assert not EnrollmentFact.objects.exists() and not OutboxRecord.objects.exists()
    assert cache.get(WORKER_SCHEDULED_KEY)  # a worker run was asked for, once for this window
    assert deliver_pending_reports()["recorded"] == 1  # what the worker runs
    records = OutboxRecord.objects.exclude(record_type="site_summary")  # the run also counts the year's figures
    assert EnrollmentFact.objects.get().is_active and records.get().record_type == "enrollment"
    assert PlatformEventReceipt.objects.get().recorded_at is not None


def test_inside_the_platforms_transaction_it_is_still_one_insert(in_worker, django_assert_num_queries):
    metadata = signals.COURSE_ENROLLMENT_CREATED.generate_signal_metadata()
    with django_assert_num_queries(1):  # INSERT … ON CONFLICT DO NOTHING, no savepoint
        signals.COURSE_ENROLLMENT_CREATED.send_event_with_custom_metadata(metadata, enrollment=enrollment())
    signals.COURSE_ENROLLMENT_CREATED.send_event_with_custom_metadata(metadata, enrollment=enrollment())
    assert PlatformEventReceipt.objects.count() == 1  # the same event again: ignored


def test_the_worker_records_events_in_the_order_they_happened(in_worker):
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment())
    signals.COURSE_UNENROLLMENT_COMPLETED.send_event(enrollment=enrollment())
    signals.COURSE_ENROLLMENT_CHANGED.send_event(enrollment=enrollment(mode="verified"))
    assert record_pending_events(batch_size=2) == 3
    fact = EnrollmentFact.objects.get()
    assert fact.is_active and fact.mode == "verified"
    assert record_pending_events() == 0  # nothing twice


def test_an_event_that_cannot_be_recorded_is_kept_with_why_and_does_not_hold_back_others(in_worker, caplog):
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment(user_id=1))
    PlatformEventReceipt.objects.update(payload={"course_key": str(COURSE)})  # a payload this version cannot read
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment(user_id=2))
    assert record_pending_events() == 2
    broken = PlatformEventReceipt.objects.exclude(failure="").get()
    assert broken.failure == "KeyError" and broken.recorded_at is not None
    assert list(EnrollmentFact.objects.values_list("user_id", flat=True)) == ["2"]
    assert "KeyError" in caplog.text


def test_old_recorded_receipts_are_pruned_but_not_failed_or_pending_ones(in_worker):
    from datetime import timedelta

    from django.utils import timezone

    from etwinning_plugin.reporting.facts import prune_recorded_events

    for user_id in (1, 2, 3):
        signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment(user_id=user_id))
    record_pending_events()
    month_ago = timezone.now() - timedelta(days=31)
    first, second, third = PlatformEventReceipt.objects.order_by("id")
    PlatformEventReceipt.objects.filter(pk__in=[first.pk, second.pk]).update(recorded_at=month_ago)
    PlatformEventReceipt.objects.filter(pk=second.pk).update(failure="KeyError")
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment(user_id=4))  # still pending
    assert prune_recorded_events() == 1
    assert set(PlatformEventReceipt.objects.values_list("pk", flat=True)) >= {second.pk, third.pk}
    assert not PlatformEventReceipt.objects.filter(pk=first.pk).exists() and EnrollmentFact.objects.count() == 3
