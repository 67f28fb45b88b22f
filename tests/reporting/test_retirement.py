"""User retirement: the learner's personal data is erased here, and the NSS is told to forget them."""

from types import SimpleNamespace

import jsonschema
import pytest

from etwinning_plugin import api
from etwinning_plugin.delivery import contract
from etwinning_plugin.models import (
    EtwinningRegistration,
    OutboxRecord,
    PartnershipCard,
    PartnershipMember,
    SurveyParticipation,
    SurveyResponse,
)
from etwinning_plugin.receivers import retire_learner
from tests.conftest import make_partnership

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
