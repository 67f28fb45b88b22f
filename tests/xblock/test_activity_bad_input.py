"""
Bad input of every kind, sent to every handler of skillslab_activity: a 4xx, a clear message in the
learner's language, and stored state exactly as before.
"""

import json

import pytest

from tests.harness import capture_events, published_events

HUGE = "x" * 2001
LEARNER_CASES = [
    # (what, body, raw, expected status, expected English message fragment)
    ("malformed JSON", '{"worksheet": {"goal": ', True, 400, "malformed JSON"),
    ("not UTF-8", b"\xff\xfe{}", True, 400, "malformed JSON"),
    ("a JSON list", [1, 2], False, 400, "must be a JSON object"),
    ("worksheet of the wrong type", {"worksheet": "all done"}, False, 400, "check the marked fields"),
    ("a step of the wrong type", {"worksheet": {"goal": ["x"]}}, False, 400, "check the marked fields"),
    ("text of the wrong type", {"worksheet": {"goal": {"shared_goal": 42}}}, False, 400, "check the marked fields"),
    ("count as text", {"worksheet": {"partners": {"school_count": "many"}}}, False, 400, "check the marked fields"),
    ("count as a boolean", {"worksheet": {"partners": {"school_count": True}}}, False, 400, "check the marked fields"),
    ("count out of range", {"worksheet": {"partners": {"school_count": 1}}}, False, 400, "check the marked fields"),
    ("flag as text", {"worksheet": {"tools": {"data_protection_checked": "yes"}}}, False, 400, "marked fields"),
    ("a huge string", {"worksheet": {"goal": {"shared_goal": HUGE}}}, False, 400, "check the marked fields"),
    ("a huge body", {"worksheet": {"goal": {"shared_goal": "y" * 300_000}}}, False, 413, "too large"),
    ("a script tag", {"worksheet": {"goal": {"shared_goal": "<script>alert(1)</script>"}}}, False, 400,
     "check the marked fields"),
    ("an image with onerror", {"worksheet": {"goal": {"shared_goal": 'Hi <img src=x onerror="alert(1)">'}}},
     False, 400, "check the marked fields"),
    ("a control character", {"worksheet": {"goal": {"shared_goal": "a\x00b"}}}, False, 400, "marked fields"),
    ("an unknown step", {"worksheet": {"certificate": {"grade": 1}}}, False, 400, "check the marked fields"),
    ("an unknown field", {"worksheet": {"goal": {"score": 100}}}, False, 400, "check the marked fields"),
    ("an unknown tool id", {"worksheet": {"tools": {"tools": ["twinspace", "tiktok-2"]}}}, False, 400,
     "check the marked fields"),
    ("an unknown school level", {"worksheet": {"partners": {"school_levels": ["university"]}}}, False, 400,
     "check the marked fields"),
    ("an unknown collaboration level", {"worksheet": {"collaboration": {"level": "fusion"}}}, False, 400,
     "check the marked fields"),
    ("another learner's id", {"worksheet": {}, "student": "alice"}, False, 400, "Unexpected data"),
    ("a user id", {"worksheet": {}, "user_id": 7}, False, 400, "Unexpected data"),
]


@pytest.fixture
def activity_with_work(activity, complete_worksheet):
    """Bob has submitted and then saved a newer draft; Alice has her own draft."""
    assert activity.post("submit", {"worksheet": complete_worksheet}, student="bob").status == 200
    activity.post("save_draft", {"worksheet": {"goal": {"shared_goal": "A newer goal"}}}, student="bob")
    activity.post("save_draft", {"worksheet": {"goal": {"shared_goal": "Alice's goal"}}}, student="alice")
    return activity


def _state(block):
    return (block.worksheet_answers, block.submitted_answers, block.submitted_at, block.draft_saved_at)


@pytest.mark.parametrize("handler", ["save_draft", "submit"])
@pytest.mark.parametrize(("what", "body", "raw", "status", "message"), LEARNER_CASES, ids=[c[0] for c in LEARNER_CASES])
def test_learner_handlers_refuse_bad_input_and_change_nothing(activity_with_work, caplog, handler, what, body, raw,
                                                              status, message):
    capture_events(caplog)
    before = {s: _state(activity_with_work.block(s)) for s in ("bob", "alice")}
    result = activity_with_work.post(handler, body, student="bob", raw=raw)
    assert result.status == status, result.body
    assert message in result.error
    assert {s: _state(activity_with_work.block(s)) for s in ("bob", "alice")} == before
    assert published_events(caplog) == []


@pytest.mark.parametrize("handler", ["save_draft", "submit", "studio_submit", "load_catalogue"])
def test_handlers_refuse_get(activity, handler):
    result = activity.post(handler, None, method="get")
    assert result.status == 405
    assert result.error == "This action needs a POST request."


def test_field_errors_name_each_bad_field(activity):
    result = activity.post("save_draft", {"worksheet": {
        "goal": {"shared_goal": "<b>bold</b>", "curriculum_link": "y" * 2001},
        "partners": {"school_count": 99},
    }})
    assert result.status == 400
    assert result.body["field_errors"] == {
        "goal.shared_goal": "Please write plain text: HTML tags such as <script> are not allowed.",
        "goal.curriculum_link": "Too long: at most 2000 characters.",
        "partners.school_count": "An eTwinning activity needs from 2 to 50 schools.",
    }


def test_errors_come_in_the_learners_language(activity):
    malformed = activity.post("submit", "{", raw=True, lang="el")
    assert malformed.status == 400
    assert malformed.error == "Δεν ήταν δυνατή η ανάγνωση του αιτήματος (μη έγκυρο JSON)."
    bad_field = activity.post("save_draft", {"worksheet": {"goal": {"shared_goal": "<i>x</i>"}}}, lang="el")
    assert bad_field.status == 400
    assert "<script>" in bad_field.body["field_errors"]["goal.shared_goal"]
    assert "HTML" in bad_field.body["field_errors"]["goal.shared_goal"]
    assert bad_field.body["field_errors"]["goal.shared_goal"] != \
        "Please write plain text: HTML tags such as <script> are not allowed."


def test_plain_text_that_looks_like_markup_is_allowed(activity):
    for text in ("a < b and c > d", "I <3 eTwinning", "x<y", "Tom & Jerry"):
        result = activity.post("save_draft", {"worksheet": {"goal": {"shared_goal": text}}})
        assert result.status == 200, (text, result.body)
        assert activity.block().worksheet_answers["goal"]["shared_goal"] == text


def test_an_unknown_block_id_is_a_404(activity):
    response = activity.client.post("/handler/no-such-usage.skillslab_activity.d0.u0/submit/?student=bob",
                                    data=json.dumps({"worksheet": {}}), content_type="application/json")
    assert response.status_code == 404
