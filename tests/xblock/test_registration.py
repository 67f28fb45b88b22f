"""The etwinning_registration block: declaration, validation, counts for staff, consent."""

from datetime import UTC, datetime, timedelta

import pytest

from etwinning_plugin import api
from etwinning_plugin.models import EtwinningRegistration

PROFILE = "https://school-education.ec.europa.eu/en/people/maria-papadopoulou"


def declaration(**changes):
    return {"profile_url": PROFILE, "school_name": "1st Primary School of Patras", "school_code": "9060123",
            "region": "Western Greece", "teacher_registered_during_course": True,
            "school_registered_during_course": True, "consent_to_share_profile": False, **changes}


@pytest.fixture
def registration(scenario_factory):
    return scenario_factory("<etwinning_registration/>", "etwinning_registration")


def test_a_learner_declares_and_edits_their_registration(registration):
    assert registration.post("save_registration", declaration(), student="anna").status == 200
    assert registration.post("save_registration", declaration(consent_to_share_profile=True),
                             student="anna").status == 200
    stored = api.registrations.get(registration.course_key, "anna")
    assert stored.consent_to_share_profile and stored.school_code == "9060123"
    assert EtwinningRegistration.objects.count() == 1
    assert PROFILE in registration.render(student="anna")


BAD = [
    ("not ESEP", {"profile_url": "https://example.com/me"}, "profile_url"),
    ("http", {"profile_url": PROFILE.replace("https", "http")}, "profile_url"),
    ("javascript", {"profile_url": "javascript:alert(1)"}, "profile_url"),
    ("no path", {"profile_url": "https://school-education.ec.europa.eu"}, "profile_url"),
    ("credentials", {"profile_url": "https://x@school-education.ec.europa.eu/en/people/a"}, "profile_url"),
    ("markup", {"school_name": "<b>School</b>"}, "school_name"),
    ("huge", {"region": "x" * 101}, "region"),
    ("empty school", {"school_name": ""}, "school_name"),
    ("bad code", {"school_code": "90 60 123; DROP"}, "school_code"),
    ("flag as text", {"consent_to_share_profile": "yes"}, "consent_to_share_profile"),
    ("another learner", {"learner_id": "eva"}, "_"),
]


@pytest.mark.parametrize(("what", "change", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_declarations_are_refused_and_nothing_stored(registration, what, change, field):
    result = registration.post("save_registration", declaration(**change), student="anna")
    assert result.status == 400 and field in result.body["field_errors"]
    assert not EtwinningRegistration.objects.exists()


def test_the_profile_message_is_in_greek(registration):
    result = registration.post("save_registration", declaration(profile_url="https://example.com"), student="anna",
                               lang="el")
    assert "https://school-education.ec.europa.eu/" in result.body["field_errors"]["profile_url"]
    assert result.error.startswith("Η εγγραφή σας δεν αποθηκεύτηκε")


def test_no_change_after_the_course_ends(scenario_factory):
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    closed = scenario_factory(f'<etwinning_registration closes_at="{past}"/>', "etwinning_registration")
    assert closed.post("save_registration", declaration(), student="anna").status == 403
    assert not EtwinningRegistration.objects.exists()


def test_staff_counts_deduplicate_new_schools_by_code(registration):
    registration.post("save_registration", declaration(), student="anna")
    registration.post("save_registration", declaration(school_code=" 9060123 ", school_name="1o Δημοτικό Πάτρας"),
                      student="nikos")
    registration.post("save_registration", declaration(school_code="", school_name="Escola de Braga",
                                                       region="Braga"), student="luis")
    registration.post("save_registration", declaration(school_code="", school_name="escola  de braga",
                                                       region="BRAGA", teacher_registered_during_course=False,
                                                       consent_to_share_profile=True), student="ana")
    registration.post("save_registration", declaration(school_code="123", school_registered_during_course=False),
                      student="eva")
    counts = api.registrations.counts(registration.course_key)
    assert (counts.registrations, counts.new_teachers, counts.new_schools, counts.consents) == (5, 4, 2, 1)
    html = registration.render(student="staff")
    assert "New eTwinning schools during the course (each counted once)" in html


def test_the_report_shows_the_profile_only_with_consent(registration):
    from tests.harness import stored_states

    registration.post("save_registration", declaration(), student="anna")
    registration.post("save_registration", declaration(consent_to_share_profile=True), student="luis")
    rows = dict(registration.block().generate_report_data(stored_states(registration.usage_id)))
    assert rows["anna"]["ESEP profile"] == "" and rows["luis"]["ESEP profile"] == PROFILE


def test_olx_round_trip(registration, scenario_factory):
    from tests.xblock.test_activity_olx import export

    assert registration.post("studio_submit", {"display_name": "Εγγραφή", "closes_at": "2027-06-30T21:00"}).status \
        == 200
    first = export(registration.block())
    again = scenario_factory(first.decode().split("?>", 1)[1], "etwinning_registration")
    assert export(again.block()) == first


def test_a_site_without_reporting_secrets_still_takes_registrations(registration, settings):
    from etwinning_plugin.models import OutboxRecord

    settings.ETWINNING_PSEUDONYM_KEY = settings.ETWINNING_NSS_SECRET = ""
    assert registration.post("save_registration", declaration(), student="anna").status == 200
    assert EtwinningRegistration.objects.count() == 1 and not OutboxRecord.objects.exists()
