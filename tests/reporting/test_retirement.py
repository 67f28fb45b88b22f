"""User retirement: the learner's personal data is erased here, and the NSS is told to forget them."""

from types import SimpleNamespace

import jsonschema
import pytest

from etwinning_plugin import api
from etwinning_plugin.models import (
    EtwinningRegistration,
    OutboxRecord,
    PartnershipCard,
    PartnershipMember,
    SurveyParticipation,
    SurveyResponse,
)
from etwinning_plugin.receivers import retire_learner
from etwinning_plugin.reporting import contract, records
from tests.harness import make_partnership

pytestmark = pytest.mark.django_db
COURSE = "course-v1:NSS+SkillsLabs+2027"


def test_retirement_erases_the_learner_and_queues_a_retirement_record():
    make_partnership(COURSE, "anna", "luis")
    api.registrations.save(COURSE, "block", "anna", {
        "profile_url": "https://school-education.ec.europa.eu/en/people/anna", "school_name": "S",
        "school_code": "", "region": "", "teacher_registered_during_course": True,
        "school_registered_during_course": False, "consent_to_share_profile": True})
    named = api.surveys.SurveyRef(COURSE, "survey", anonymous=False)
    api.surveys.submit(named, "anna", {"satisfaction": 5}, "I am Anna", allow_changes=True)
    api.surveys.submit(api.surveys.SurveyRef(COURSE, "anon", anonymous=True), "anna", {"satisfaction": 4}, "",
                       allow_changes=False)
    retire_learner(sender=None, user=SimpleNamespace(id="anna"))

    assert not PartnershipCard.objects.filter(learner_id="anna").exists()
    assert not EtwinningRegistration.objects.filter(learner_id="anna").exists()
    assert not SurveyParticipation.objects.filter(learner_id="anna").exists()
    assert not SurveyResponse.objects.filter(learner_id="anna").exists()
    assert not SurveyResponse.objects.filter(comment="I am Anna").exists()
    assert SurveyResponse.objects.count() == 2  # the answers still count, with no one behind them
    assert not PartnershipMember.objects.filter(learner_id="anna").exists()
    assert api.partnership_of(COURSE, "luis").schools == ["Escola Básica de Braga"]
    record = OutboxRecord.objects.get(record_type="retirement")
    assert record.payload["learner"] == contract.pseudonym("anna")
    jsonschema.validate(record.payload, contract.schema("retirement"), format_checker=jsonschema.FormatChecker())


def test_retiring_twice_queues_one_record_and_a_failure_reaches_the_retirement_pipeline():
    retire_learner(sender=None, user=SimpleNamespace(id="ghost"))
    retire_learner(sender=None, user=SimpleNamespace(id="ghost"))
    assert OutboxRecord.objects.filter(record_type="retirement").count() == 1
    with pytest.raises(AttributeError):  # the platform's view answers 500 and its pipeline retries
        retire_learner(sender=None, user=object())


def test_events_still_waiting_for_the_worker_are_recorded_then_tokenised(settings):
    from edx_django_utils.plugins import connect_plugin_receivers
    from openedx_events.learning import signals

    import tests.celery_app  # noqa: F401 - the Celery app (in-memory broker) the receiver asks for a run
    from etwinning_plugin.models import EnrollmentFact, PlatformEventReceipt
    from tests.reporting.test_receivers import enrollment

    settings.ETWINNING_RECORD_EVENTS_IN_WORKER = True
    connect_plugin_receivers("lms.djangoapp")
    signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=enrollment(user_id=77))
    assert not EnrollmentFact.objects.exists()  # waiting for the worker
    token = retire_learner(sender=None, user=SimpleNamespace(id=77)) or EnrollmentFact.objects.get().user_id
    assert EnrollmentFact.objects.get().user_id == token and token.startswith("retired-")
    assert PlatformEventReceipt.objects.get().payload == {}  # no link back to the learner


# --- issue 12, point 4: retirement leaves nothing of the learner behind ---------------------------

def _everything_anna_reported() -> dict[str, str]:
    """Records naming anna in every outbox state: pending, delivered and dead. Returns their keys."""
    from django.utils import timezone

    from etwinning_plugin.reporting.facts import record_enrollment
    from etwinning_plugin.reporting.outbox import queue

    make_partnership(COURSE, "anna", "luis")
    api.registrations.save(COURSE, "block", "anna", {
        "profile_url": "https://school-education.ec.europa.eu/en/people/anna-p", "school_name": "S",
        "school_code": "", "region": "", "teacher_registered_during_course": True,
        "school_registered_during_course": False, "consent_to_share_profile": True})
    api.surveys.submit(api.surveys.SurveyRef(COURSE, "survey"), "anna", {"satisfaction": 5}, "",
                       allow_changes=True, share_with_nss=True)
    record_enrollment({"user_id": "anna", "course_key": COURSE, "mode": "audit", "is_active": True,
                       "enrolled_at": None}, timezone.now())
    queue(records.step_completion.build(COURSE, "step", kind="step", title="Rivers", learner_ids=["anna", "luis"],
                                          occurred_at=timezone.now()))
    keys = dict(OutboxRecord.objects.values_list("record_type", "idempotency_key"))
    assert set(keys) >= {"registration", "survey_response", "enrollment", "step_completion"}
    OutboxRecord.objects.filter(record_type="registration").update(state=OutboxRecord.DELIVERED,
                                                                    delivered_at=timezone.now())
    OutboxRecord.objects.filter(record_type="survey_response").update(state=OutboxRecord.DEAD)
    return keys


def test_the_outbox_keeps_nothing_of_a_retired_learner_in_any_state():
    """
    Pending, delivered and dead records lose the learner's pseudonym (an unlinked one takes its
    place, the same in all their records, so counts still hold), the profile address, and keys
    computable from them; only the retirement record names the learner, so that the NSS forgets them.
    """
    before = _everything_anna_reported()
    anna = contract.pseudonym("anna")
    retire_learner(sender=None, user=SimpleNamespace(id="anna"))
    replaced = set()
    for record in OutboxRecord.objects.exclude(record_type="retirement"):
        text = str(record.payload)
        assert anna not in text and "anna-p" not in text, record.record_type
        if {"learner", "learners"} & set(records.TYPES[record.record_type].NATURAL_KEY):
            assert record.idempotency_key not in before.values(), record.record_type  # no key from her pseudonym
        assert record.payload["idempotency_key"] == record.idempotency_key
        jsonschema.validate(record.payload, contract.schema(record.record_type),
                            format_checker=jsonschema.FormatChecker())
        replaced |= ({record.payload.get("learner")} | set(record.payload.get("learners", []))) - {None}
    assert replaced - {contract.pseudonym("luis")} and len(replaced - {contract.pseudonym("luis")}) == 1
    step = OutboxRecord.objects.get(record_type="step_completion").payload
    assert contract.pseudonym("luis") in step["learners"]  # the partner is still named
    assert OutboxRecord.objects.get(record_type="registration").payload["profile_url"] is None
    assert OutboxRecord.objects.get(record_type="retirement").payload["learner"] == anna


def test_the_token_is_random_and_no_partnership_keeps_the_id():
    import hashlib

    from etwinning_plugin.models import Partnership

    make_partnership(COURSE, "anna", "luis")
    make_partnership("course-v1:NSS+Other+2027", "anna", "eva")
    api.leave("course-v1:NSS+Other+2027", "eva")  # anna is left alone in that one
    token = retire_learner(sender=None, user=SimpleNamespace(id="anna"))
    token = token or PartnershipMember.objects.filter(learner_id__startswith="retired-").first().learner_id
    assert token != "retired-" + hashlib.sha256(b"retired:anna").hexdigest()[:16]  # enumerable: reversible
    assert len(token.removeprefix("retired-")) == 32
    owners = dict(Partnership.objects.values_list("course_key", "owner_id"))
    assert owners[COURSE] == "luis" and owners["course-v1:NSS+Other+2027"] == token


def test_idempotency_keys_cannot_be_recomputed_from_platform_user_ids():
    """The NSS sees the keys: a key hashed from the user id would undo the pseudonym by enumeration."""
    from django.utils import timezone

    for user_id in ("42", "43"):
        record = records.enrollment.build(COURSE, user_id, mode="audit", is_active=True, enrolled_at=None,
                                            occurred_at=timezone.now())
        assert record["idempotency_key"] != contract.idempotency_key("enrollment", COURSE, user_id, "active", "audit")
        assert record["idempotency_key"] == contract.idempotency_key("enrollment", COURSE, record["learner"],
                                                                     "active", "audit")
    completion = records.completion.build(COURSE, "42", basis="certificate", passed=True, grade=0.9,
                                            certificate_status="downloadable", occurred_at=timezone.now())
    assert completion["idempotency_key"] != contract.idempotency_key("completion", COURSE, "42", "certificate",
                                                                     "passed", "downloadable")


def test_delivered_records_are_emptied_after_the_retention_and_reconcile_sends_nothing_again(settings):
    """
    ETWINNING_DELIVERED_RETENTION_DAYS after delivery a record keeps only its key, type, course and
    state: reconcile still finds the key and queues nothing twice.
    """
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from etwinning_plugin.reporting.facts import record_enrollment
    from etwinning_plugin.reporting.outbox import prune_delivered_records

    for user in ("u1", "u2"):
        record_enrollment({"user_id": user, "course_key": COURSE, "mode": "audit", "is_active": True,
                           "enrolled_at": None}, timezone.now())
    old, recent = OutboxRecord.objects.order_by("id")
    OutboxRecord.objects.filter(id=old.id).update(state=OutboxRecord.DELIVERED,
                                                   delivered_at=timezone.now() - timedelta(days=91))
    OutboxRecord.objects.filter(id=recent.id).update(state=OutboxRecord.DELIVERED,
                                                      delivered_at=timezone.now() - timedelta(days=89))
    settings.ETWINNING_DELIVERED_RETENTION_DAYS = 90
    assert prune_delivered_records() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.payload == {} and old.idempotency_key and old.state == OutboxRecord.DELIVERED
    assert recent.payload["learner"] == contract.pseudonym("u2")
    call_command("etwinning_reconcile", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert OutboxRecord.objects.exclude(record_type="site_summary").count() == 2  # nothing sent twice
