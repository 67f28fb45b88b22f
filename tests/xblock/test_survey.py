"""The etwinning_survey block: answers, tallies from stored rows, anonymity, bad input, results."""

from datetime import UTC, datetime, timedelta

import pytest

from etwinning_plugin.models import SurveyAnswer, SurveyParticipation, SurveyResponse
from skillslab_xblock.survey import NSS_ITEMS
from tests.harness import capture_events, published_events

KEYS = [item["key"] for item in NSS_ITEMS]


def all_items(value=5, **overrides):
    return {**dict.fromkeys(KEYS, value), **overrides}


@pytest.fixture
def survey(scenario_factory):
    # results_minimum 1: these tests read the tallies learners see from the first response
    return scenario_factory('<etwinning_survey show_results="true" results_minimum="1"/>', "etwinning_survey")


@pytest.fixture
def anonymous(scenario_factory):
    return scenario_factory('<etwinning_survey anonymous="true"/>', "etwinning_survey")


def test_the_seven_nss_items_in_greek_and_english(survey):
    greek = survey.render(lang="el")
    assert "Θα πρότεινα το μάθημα σε συναδέλφους μου." in greek
    assert "I would recommend the course to my colleagues." in survey.render(lang="en")
    assert greek.count('<input type="radio"') == 7 * 5


def test_submission_is_stored_one_row_per_item_and_completes(survey, caplog):
    capture_events(caplog)
    result = survey.post("submit", {"answers": all_items(4, would_recommend=5), "comment": "Very useful!"},
                         student="anna")
    assert result.status == 200 and result.body["answered"]
    assert SurveyAnswer.objects.filter(usage_key=survey.usage_id).count() == 7
    assert ("completion", {"completion": 1.0}) in published_events(caplog)
    results = result.body["results"]  # show_results: the learner sees the tallies
    recommend = next(i for i in results["items"] if i["key"] == "would_recommend")
    assert recommend["answered"] == 1 and recommend["counts"] == [0, 0, 0, 0, 1]


def test_a_resubmission_replaces_the_answer_and_never_counts_twice(survey):
    survey.post("submit", {"answers": all_items(1)}, student="anna")
    survey.post("submit", {"answers": all_items(5), "comment": "Changed my mind"}, student="anna")
    survey.post("submit", {"answers": all_items(2)}, student="luis")
    results = survey.post("submit", {"answers": all_items(4)}, student="eva").body["results"]
    assert results["responses"] == 3
    for item in results["items"]:
        assert item["answered"] == 3 and item["counts"] == [0, 1, 0, 1, 1] and item["positive"] == 2
        assert item["percent_positive"] == 66.67
    assert SurveyAnswer.objects.filter(usage_key=survey.usage_id).count() == 21


def test_anonymous_answers_carry_no_user_identifier(anonymous):
    assert anonymous.post("submit", {"answers": all_items(5), "comment": "Anon"}, student="anna").status == 200
    response = SurveyResponse.objects.get(usage_key=anonymous.usage_id)
    assert response.learner_id is None
    stored_columns = {f.attname: getattr(response, f.attname) for f in SurveyResponse._meta.concrete_fields}
    assert "anna" not in str(stored_columns)
    for answer in SurveyAnswer.objects.filter(usage_key=anonymous.usage_id).values():
        assert "anna" not in str(answer)
    # only that Anna took part is known, not which answers were hers
    participation = SurveyParticipation.objects.get(usage_key=anonymous.usage_id)
    assert participation.learner_id == "anna" and not hasattr(participation, "response")
    assert anonymous.block("anna").learner_key == ""


def test_an_anonymous_survey_takes_one_submission(anonymous):
    anonymous.post("submit", {"answers": all_items(5)}, student="anna")
    again = anonymous.post("submit", {"answers": all_items(1)}, student="anna")
    assert again.status == 409 and again.error == "You have already answered this survey."
    assert SurveyResponse.objects.filter(usage_key=anonymous.usage_id).count() == 1
    assert '<form class="skl-form" data-survey-form' not in anonymous.render(student="anna")


BAD = [
    ("out of range", {"answers": all_items(6)}, "satisfaction"),
    ("zero", {"answers": all_items(0)}, "satisfaction"),
    ("a boolean", {"answers": all_items(True)}, "satisfaction"),
    ("text", {"answers": all_items("5")}, "satisfaction"),
    ("unknown item", {"answers": all_items(5, hacked=5)}, "hacked"),
    ("missing item", {"answers": {k: 5 for k in KEYS[:-1]}}, "would_recommend"),
    ("huge comment", {"answers": all_items(5), "comment": "x" * 2001}, "comment"),
    ("script in the comment", {"answers": all_items(5), "comment": "<script>alert(1)</script>"}, "comment"),
    ("answers as a list", {"answers": [5, 5]}, None),
    ("another learner", {"answers": all_items(5), "learner_id": "eva"}, None),
]


@pytest.mark.parametrize(("what", "body", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_answers_are_refused_and_nothing_is_stored(survey, what, body, field):
    result = survey.post("submit", body, student="anna", lang="el")
    assert result.status == 400 and result.error
    if field:
        assert field in result.body["field_errors"]
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()


def test_errors_are_in_the_learners_language(survey):
    result = survey.post("submit", {"answers": all_items(9)}, student="anna", lang="el")
    assert result.error == "Οι απαντήσεις σας δεν αποθηκεύτηκαν. Ελέγξτε τις σημειωμένες ερωτήσεις."


def test_no_answer_after_the_deadline(scenario_factory):
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    closed = scenario_factory(f'<etwinning_survey deadline="{past}"/>', "etwinning_survey")
    result = closed.post("submit", {"answers": all_items(5)}, student="anna")
    assert result.status == 403 and not SurveyResponse.objects.exists()
    assert "The survey is closed" in closed.render(student="anna")


def test_staff_see_the_results_with_denominators_and_a_csv(survey):
    for student, value in (("a", 5), ("b", 4), ("c", 3), ("d", 2)):
        assert survey.post("submit", {"answers": all_items(value), "comment": f"Comment {student} & co <3"},
                           student=student).status == 200
    html = survey.render(student="staff")
    assert "50.00%</strong> (2/4)" in html
    assert "Comment a &amp; co &lt;3" in html
    assert "For course staff" not in survey.render(student="a")
    csv_response = survey.client.get(f"/handler/{survey.usage_id}/results_csv/?student=staff")
    assert csv_response.status_code == 200
    text = csv_response.content.decode()
    assert text.startswith("\ufeff")  # spreadsheet programs then read the Greek as UTF-8
    lines = text[1:].splitlines()
    assert lines[0].startswith("item,text,answered,1,2,3,4,5")
    assert lines[1].startswith("satisfaction,") and lines[1].endswith(",4,0,1,1,1,1,2,50.00,4")
    assert survey.client.get(f"/handler/{survey.usage_id}/results_csv/?student=a").status_code == 403


def test_report_rows_for_named_surveys_only(survey, anonymous):
    from tests.harness import stored_states

    survey.post("submit", {"answers": all_items(5), "comment": "ok"}, student="anna")
    rows = dict(survey.block().generate_report_data(stored_states(survey.usage_id)))
    assert rows["anna"]["would_recommend"] == 5 and rows["anna"]["comment"] == "ok"
    anonymous.post("submit", {"answers": all_items(5)}, student="anna")
    assert list(anonymous.block().generate_report_data(stored_states(anonymous.usage_id))) == []


def test_studio_items_and_olx_round_trip(survey, scenario_factory):
    from tests.xblock.test_activity_olx import export

    items = "q1 | Μου άρεσε | I liked it\nq2 | Θα ξαναρχόμουν | I would come back"
    assert survey.post("studio_submit", {"items": items, "anonymous": False}).status == 200
    assert [i["key"] for i in survey.block().items] == ["q1", "q2"]
    bad_items = survey.post("studio_submit", {"items": "Bad Key | x | y"})
    assert bad_items.status == 400 and "items" in bad_items.body["field_errors"]
    extra_part = survey.post("studio_submit", {"items": "q1 | α | a | lost"})
    assert extra_part.status == 400 and "lost" in extra_part.body["field_errors"]["items"]
    first = export(survey.block())
    again = scenario_factory(first.decode().split("?>", 1)[1], "etwinning_survey")
    assert export(again.block()) == first
    assert again.block().items[1]["text"] == {"el": "Θα ξαναρχόμουν", "en": "I would come back"}


def test_anonymity_turns_changes_off_from_studio_and_olx(survey, scenario_factory):
    assert survey.post("studio_submit", {"anonymous": True, "allow_changes": True, "results_minimum": 5}).status == 200
    assert survey.block().anonymous and not survey.block().allow_changes
    imported = scenario_factory('<etwinning_survey anonymous="true"/>', "etwinning_survey")
    assert imported.block().allow_changes is False


def test_anonymity_cannot_change_once_learners_answered(survey):
    survey.post("submit", {"answers": all_items(5)}, student="anna")
    refused = survey.post("studio_submit", {"anonymous": True})
    assert refused.status == 400 and "anonymous" in refused.body["field_errors"]
    assert not survey.block().anonymous


def test_anonymous_rows_keep_only_the_day(anonymous):
    anonymous.post("submit", {"answers": all_items(5)}, student="anna")
    for row in (SurveyResponse.objects.get(), SurveyParticipation.objects.get()):
        assert (row.submitted_at.hour, row.submitted_at.minute, row.submitted_at.second,
                row.submitted_at.microsecond) == (0, 0, 0, 0)


def test_results_come_back_with_the_submission_when_shown(survey):
    html = survey.post("submit", {"answers": all_items(5)}, student="anna").body["results_html"]
    assert "100.00%</strong> (1/1)" in html
