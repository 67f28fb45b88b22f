"""The learner's side of skillslab_activity, through the workbench's views and handler URLs."""

import re
from datetime import UTC, datetime, timedelta

from tests.harness import capture_events, published_events


def test_student_view_shows_the_original_activity_and_every_step(activity):
    html = activity.render()
    assert "Keepers of our river" in html  # the programme, from the sample catalogue
    assert "B1." in html and "Ecology" in html
    for title in ("Partner schools and their roles", "Shared goal", "Level of collaboration", "Joint product",
                  "Tools and pupils&#x27; safety", "Documentation in TwinSpace", "Evaluation"):
        assert title in html
    assert "0 of 7 required steps done" in html


def test_every_input_has_a_label_and_ids_are_unique_per_block(scenario_factory):
    from skillslab_xblock.scenarios import demo_unit

    unit = scenario_factory(demo_unit("en"))
    html = unit.client.get(f"/scenario/{unit.name}/", {"lang": "en"}).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "element ids repeat across the two activities of the unit"
    assert html.count('class="skl-activity"') == 2
    for input_id in re.findall(r'<(?:input|textarea)[^>]*\sid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, f"input {input_id} has no label"


def test_save_draft_keeps_partial_work_and_reports_progress(activity, complete_worksheet):
    result = activity.post("save_draft", {"worksheet": {"goal": complete_worksheet["goal"]}})
    assert result.status == 200
    assert result.body["progress"]["done"] == ["goal"]
    assert result.body["progress"]["required_done"] == 1
    # a later draft of another step leaves the first one in place
    activity.post("save_draft", {"worksheet": {"joint_product": complete_worksheet["joint_product"]}})
    block = activity.block()
    assert block.worksheet_answers["goal"]["shared_goal"].startswith("Pupils compare")
    assert block.worksheet_answers["joint_product"]["description"] == "A shared e-book: Our three rivers."
    assert not block.submitted_at
    html = activity.render()
    assert "2 of 7 required steps done" in html
    assert "A shared e-book: Our three rivers." in html


def test_submit_publishes_completion_and_gives_quality_label_feedback(activity, complete_worksheet, caplog):
    capture_events(caplog)
    result = activity.post("submit", {"worksheet": complete_worksheet})
    assert result.status == 200, result.body
    assert result.body["submitted"] is True
    statuses = {f["key"]: f["status"] for f in result.body["feedback"]}
    assert statuses == dict.fromkeys(("collaboration", "technology", "pedagogy", "curriculum", "results"),
                                     "addressed")
    assert ("completion", {"completion": 1.0}) in published_events(caplog)
    assert not [e for e in published_events(caplog) if e[0] == "grade"], "an ungraded activity publishes no grade"
    assert "Feedback against the Quality Label criteria" in activity.render()


def test_weak_criteria_come_with_a_hint(activity, complete_worksheet):
    complete_worksheet["collaboration"]["level"] = "exchange"
    complete_worksheet["tools"]["tools"] = ["twinspace", "social_media"]
    result = activity.post("submit", {"worksheet": complete_worksheet})
    feedback = {f["key"]: f for f in result.body["feedback"]}
    assert feedback["collaboration"]["status"] == "weak"
    assert "joint product" in feedback["collaboration"]["hint"]
    assert feedback["technology"]["status"] == "weak"
    assert "unsuitable" in feedback["technology"]["hint"]


def test_graded_activity_publishes_a_grade_of_criteria_addressed(graded_activity, complete_worksheet, caplog):
    capture_events(caplog)
    complete_worksheet["goal"]["curriculum_link"] = ""
    result = graded_activity.post("submit", {"worksheet": complete_worksheet})
    assert result.status == 200
    assert ("grade", {"value": 4.0, "max_value": 5.0, "only_if_higher": None}) in published_events(caplog)
    assert graded_activity.block().max_score() == 5


def test_incomplete_submission_is_refused_and_changes_nothing(activity, complete_worksheet, caplog):
    capture_events(caplog)
    activity.post("save_draft", {"worksheet": {"goal": complete_worksheet["goal"]}})
    before = activity.block().worksheet_answers
    del complete_worksheet["evaluation"]
    complete_worksheet["partners"]["roles"] = ""
    result = activity.post("submit", {"worksheet": complete_worksheet})
    assert result.status == 400
    assert result.error == "Some required steps are not complete yet."
    assert set(result.body["field_errors"]) == {"partners.roles", "evaluation.methods"}
    block = activity.block()
    assert block.worksheet_answers == before and not block.submitted_at
    assert not [e for e in published_events(caplog) if e[0] == "completion"]


def test_only_required_steps_block_submission(scenario_factory, complete_worksheet):
    from skillslab_xblock.scenarios import activity_olx

    scenario = scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en", required_steps="partners goal"))
    result = scenario.post("submit", {"worksheet": {"partners": complete_worksheet["partners"],
                                                    "goal": complete_worksheet["goal"]}})
    assert result.status == 200
    assert result.body["progress"]["required_total"] == 2


def test_revision_allowed_until_the_deadline_then_refused(scenario_factory, complete_worksheet):
    from skillslab_xblock.scenarios import activity_olx

    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    open_one = scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en", deadline=future))
    assert open_one.post("submit", {"worksheet": complete_worksheet}).status == 200
    complete_worksheet["joint_product"]["description"] = "A joint video."
    revised = open_one.post("submit", {"worksheet": complete_worksheet})
    assert revised.status == 200
    assert open_one.block().submitted_answers["joint_product"]["description"] == "A joint video."

    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    closed = scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en", deadline=past))
    for handler in ("save_draft", "submit"):
        result = closed.post(handler, {"worksheet": complete_worksheet}, lang="el")
        assert result.status == 403
        assert "προθεσμία" in result.error
    assert closed.block().worksheet_answers == {}
    assert "disabled" in closed.render()


def test_learners_do_not_see_each_others_work(activity, complete_worksheet):
    activity.post("submit", {"worksheet": complete_worksheet}, student="alice")
    assert activity.block("bob").worksheet_answers == {}
    html = activity.render(student="bob")
    assert "Our three rivers" not in html
    assert "0 of 7 required steps done" in html


def test_learner_text_is_escaped_where_shown(activity):
    text = 'Tom & Jerry say a < b > c and "quotes" \'too\''
    assert activity.post("save_draft", {"worksheet": {"goal": {"shared_goal": text}}}).status == 200
    html = activity.render()
    assert "Tom &amp; Jerry say a &lt; b &gt; c and &quot;quotes&quot; &#x27;too&#x27;" in html


def test_student_view_data_describes_the_worksheet_for_the_mobile_apps(activity):
    data = activity.block().student_view_data()
    assert data["workshop_title"].startswith("1. ")
    steps = data["texts"]["en"]["steps"]
    assert [s["key"] for s in steps] == ["partners", "goal", "collaboration", "joint_product", "tools",
                                         "twinspace", "evaluation"]
    assert data["texts"]["el"]["steps"][0]["title"] != steps[0]["title"]  # Greek shipped beside English
    tools_field = steps[4]["fields"][0]
    assert {"value": "social_media"}.items() <= next(c for c in tools_field["choices"]
                                                      if c["value"] == "social_media").items()
    assert next(c for c in tools_field["choices"] if c["value"] == "social_media")["pupil_data"] == "unsuitable"


def test_unsuitable_tools_are_flagged_on_the_page(activity):
    html = activity.render()
    assert 'data-pupil-data="unsuitable"' in html
    assert "Unsuitable for pupils&#x27; personal data:" in html


def test_read_only_mode_is_declared_for_staff_viewing_as_a_learner(activity):
    assert activity.block().show_in_read_only_mode is True


def test_changes_after_a_submission_are_flagged_until_resubmitted(activity, complete_worksheet):
    activity.post("submit", {"worksheet": complete_worksheet})
    changed = activity.post("save_draft", {"worksheet": {"goal": {"shared_goal": "A better goal"}}})
    assert changed.body["has_unsubmitted_changes"] is True
    assert "changes that are not submitted yet" in activity.render()
    assert activity.block().submitted_answers["goal"]["shared_goal"] != "A better goal"
    resubmitted = activity.post("submit", {"worksheet": {}})
    assert resubmitted.status == 200 and resubmitted.body["has_unsubmitted_changes"] is False
    assert activity.block().submitted_answers["goal"]["shared_goal"] == "A better goal"
