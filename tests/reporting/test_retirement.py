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


def test_retiring_twice_queues_one_record_and_a_bad_call_never_raises():
    retire_learner(sender=None, user=SimpleNamespace(id="ghost"))
    retire_learner(sender=None, user=SimpleNamespace(id="ghost"))
    assert OutboxRecord.objects.filter(record_type="retirement").count() == 1
    retire_learner(sender=None, user=object())  # no id: logged, not raised
