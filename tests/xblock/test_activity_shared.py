"""Shared mode of skillslab_activity: one worksheet per partnership, versioned saves, completion for all."""

import pytest

from etwinning_plugin import api
from skillslab_xblock.scenarios import activity_olx
from tests.harness import CARDS, capture_events, make_partnership, published_events


@pytest.fixture
def shared(scenario_factory):
    scenario = scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared"))
    make_partnership(scenario.course_key, "anna", "luis")
    return scenario


def draft(scenario, student, version, **steps):
    return scenario.post("save_draft", {"worksheet": steps, "base_version": version}, student=student)


def test_partners_fill_one_worksheet_and_see_each_others_text(shared):
    first = draft(shared, "anna", 0, goal={"shared_goal": "Compare our rivers"})
    assert first.status == 200 and first.body["shared"]["version"] == 1
    second = draft(shared, "luis", 1, joint_product={"description": "A shared e-book"})
    assert second.body["worksheet"]["goal"]["shared_goal"] == "Compare our rivers"
    anna_page = shared.render(student="anna")
    assert "A shared e-book" in anna_page and "Escola Básica de Braga" in anna_page
    assert shared.block("anna").worksheet_answers == {}  # nothing shared lives in a learner's state


def test_simultaneous_edits_of_different_fields_both_survive(shared):
    draft(shared, "anna", 0, goal={"shared_goal": "Compare our rivers"})
    both = draft(shared, "luis", 0, goal={"curriculum_link": "Geography"})
    assert both.status == 200
    assert both.body["worksheet"]["goal"] == {"shared_goal": "Compare our rivers", "curriculum_link": "Geography"}


def test_a_collision_is_reported_with_both_versions_and_changes_nothing(shared):
    draft(shared, "anna", 0, goal={"shared_goal": "Compare our rivers"})
    collided = draft(shared, "luis", 0, goal={"shared_goal": "Clean our river"})
    assert collided.status == 409
    assert collided.error == "A partner changed the same answers meanwhile. Compare both versions and choose."
    [conflict] = collided.body["conflicts"]
    assert conflict["field"] == "goal.shared_goal"
    assert conflict["yours"] == "Clean our river" and conflict["theirs"] == "Compare our rivers"
    assert conflict["by_school"] == "1st Primary School of Patras"
    assert collided.body["version"] == 1
    ref = api.DocumentRef(shared.course_key, shared.usage_id, api.partnership_of(shared.course_key, "luis").owner_key)
    assert api.document_state(ref, "luis").content == {"goal": {"shared_goal": "Compare our rivers"}}


def test_one_partner_submits_and_every_partner_gets_completion(shared, complete_worksheet, caplog):
    capture_events(caplog)
    draft(shared, "anna", 0, **complete_worksheet)
    submitted = shared.post("submit", {"worksheet": {}, "base_version": 1}, student="anna")
    assert submitted.status == 200 and submitted.body["submitted"]
    assert published_events(caplog).count(("completion", {"completion": 1.0})) == 1
    html = shared.render(student="luis")  # the view writes nothing; the page then asks the handler,
    assert published_events(caplog).count(("completion", {"completion": 1.0})) == 1
    assert "Feedback against the Quality Label criteria" in html
    shared.post("shared_state", {}, student="luis")  # which gives Luís his completion
    assert published_events(caplog).count(("completion", {"completion": 1.0})) == 2
    shared.post("shared_state", {}, student="luis")
    assert published_events(caplog).count(("completion", {"completion": 1.0})) == 2  # once per submission
    [step] = api.submitted_steps(shared.course_key, [api.partnership_of(shared.course_key, "anna").owner_key])
    assert step.title == "1. Meeting our river"


def test_a_partner_cannot_submit_changes_they_have_not_seen(shared, complete_worksheet):
    draft(shared, "anna", 0, **complete_worksheet)
    draft(shared, "luis", 1, goal={"curriculum_link": "Science"})
    stale = shared.post("submit", {"worksheet": {}, "base_version": 1}, student="anna")
    assert stale.status == 409
    assert stale.error == "A partner changed the worksheet meanwhile. Check their changes, then submit again."
    assert not shared.post("shared_state", {}, student="anna").body["submitted"]
    # with a change of her own on the old version, the merge happens but the submission still waits
    merged = shared.post("submit", {"worksheet": {"twinspace": {"details": "A page per workshop"}},
                                    "base_version": 1}, student="anna")
    assert merged.status == 409
    state = shared.post("shared_state", {}, student="anna").body
    assert state["worksheet"]["twinspace"]["details"] == "A page per workshop" and not state["submitted"]
    done = shared.post("submit", {"worksheet": {}, "base_version": state["shared"]["version"]}, student="anna")
    assert done.status == 200 and done.body["submitted"]


def test_history_shows_who_changed_what(shared):
    draft(shared, "anna", 0, goal={"shared_goal": "Compare our rivers"})
    draft(shared, "luis", 1, joint_product={"description": "An e-book"})
    rows = shared.post("history", {}, student="anna").body["history"]
    assert [(r["school"], r["fields"]) for r in rows] == [
        ("Escola Básica de Braga", ["Joint product: The joint product"]),
        ("1st Primary School of Patras", ["Shared goal: The shared goal"]),
    ]


def test_a_learner_without_a_partnership_is_told_to_join_one(shared):
    result = shared.post("save_draft", {"worksheet": {}, "base_version": 0}, student="eva")
    assert result.status == 409 and "join a partnership first" in result.error
    assert "join a partnership first" in shared.render(student="eva")


def test_another_partnership_cannot_read_or_change_this_worksheet(shared, scenario_factory):
    draft(shared, "anna", 0, goal={"shared_goal": "Our secret plan"})
    from tests.harness import CARDS

    api.save_card(shared.course_key, "eva", CARDS["eva"])
    api.save_card(shared.course_key, "mallory", {**CARDS["luis"], "school_name": "Other school"})
    api.invite(shared.course_key, "eva", api.get_card(shared.course_key, "mallory").id, "", 6)
    invitation = api.invitations(shared.course_key, "mallory")[0][0]
    api.respond(shared.course_key, "mallory", invitation.id, accept=True, max_size=6)
    anna_partnership = api.partnership_of(shared.course_key, "anna")
    for body in ({"worksheet": {}, "base_version": 1, "partnership": anna_partnership.id},
                 {"worksheet": {}, "base_version": 1, "owner_key": anna_partnership.owner_key}):
        assert shared.post("save_draft", body, student="eva").status == 400
    assert "Our secret plan" not in shared.render(student="eva")
    assert shared.post("shared_state", {}, student="eva").body["worksheet"] == {}
    assert all(r["school"] != "1st Primary School of Patras"
               for r in shared.post("history", {}, student="eva").body["history"])


@pytest.mark.parametrize("body", [
    {"worksheet": {}},
    {"worksheet": {}, "base_version": "1"},
    {"worksheet": {}, "base_version": -1},
    {"worksheet": {"goal": {"shared_goal": "<script>x</script>"}}, "base_version": 0},
])
def test_bad_shared_saves_are_refused(shared, body):
    result = shared.post("save_draft", body, student="anna")
    assert result.status == 400
    assert shared.post("shared_state", {}, student="anna").body["shared"]["version"] == 0


def test_every_partner_gets_the_grade_and_a_report_row(scenario_factory, complete_worksheet, caplog):
    from tests.harness import stored_states

    graded = scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared",
                                           weight="1.0"))
    make_partnership(graded.course_key, "anna", "luis")
    capture_events(caplog)
    graded.post("save_draft", {"worksheet": complete_worksheet, "base_version": 0}, student="anna")
    assert graded.post("submit", {"worksheet": {}, "base_version": 1}, student="anna").status == 200
    graded.render(student="luis")  # a view writes nothing ...
    grade = ("grade", {"value": 5.0, "max_value": 5.0, "only_if_higher": None})
    assert published_events(caplog).count(grade) == 1
    graded.post("shared_state", {}, student="luis")  # ... the page asks as it opens, and Luis gets his
    assert published_events(caplog).count(grade) == 2
    rows = dict(graded.block().generate_report_data(stored_states(graded.usage_id)))
    assert set(rows) == {"anna", "luis"}
    assert rows["luis"]["Partner schools"] == "1st Primary School of Patras; Escola Básica de Braga"
    assert rows["luis"]["Quality Label criteria addressed"] == "5/5"


def test_join_a_partnership_first_points_to_the_partner_block(scenario_factory):
    """In the LMS the link is the partner block's unit (jump_to); where blocks share a page, its anchor."""
    from skillslab_xblock.scenarios import demo_course

    course = scenario_factory(demo_course("en"), "etwinning_partners")
    step = course.usage_ids("skillslab_activity")[0]
    before = course.post("shared_state", {}, student="eva", usage_id=step).body["shared"]
    assert before == {"needs_partnership": True, "partners_url": ""}  # no card saved yet: nowhere known
    course.post("save_card", CARDS["luis"], student="luis")
    after = course.post("shared_state", {}, student="eva", usage_id=step).body["shared"]
    from skillslab_xblock.support.rendering import dom_id_of

    assert after["partners_url"] == "#" + dom_id_of(course.usage_id)


def test_open_pages_ask_cheaply_while_nothing_changed(shared):
    draft(shared, "anna", 0, goal={"shared_goal": "Rivers"})
    assert shared.post("shared_state", {"known_version": 1}, student="luis").body == {
        "unchanged": True, "shared": {"version": 1, "needs_partnership": False}}
    changed = shared.post("shared_state", {"known_version": 0}, student="luis").body
    assert changed["worksheet"]["goal"]["shared_goal"] == "Rivers"
    assert shared.post("shared_state", {"known_version": "1"}, student="luis").status == 400


def test_no_learner_text_goes_into_the_pages_script_arguments(shared):
    """A runtime writes initialize_js's arguments inside a <script> element; the workbench does not escape them."""
    import re

    draft(shared, "anna", 0, goal={"shared_goal": "Rivers of Patras", "curriculum_link": "Geography </"},
          partners={"roles": "script><b>Braga</b>"})
    page = shared.render(student="luis")
    scripts = " ".join(re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.S))
    for text in ("Rivers of Patras", "Geography", "Braga", "1st Primary School of Patras"):
        assert text not in scripts


def test_a_partner_who_joins_after_the_submission_gets_no_completion_for_it(shared, complete_worksheet, caplog):
    """Completion and the grade go to the members at submission time, not to whoever joins later."""
    capture_events(caplog)
    draft(shared, "anna", 0, **complete_worksheet)
    assert shared.post("submit", {"worksheet": {}, "base_version": 1}, student="anna").status == 200
    api.save_card(shared.course_key, "eva", {**CARDS["eva"], "school_level": "primary_upper"})
    api.invite(shared.course_key, "anna", api.get_card(shared.course_key, "eva").id, "", 6)
    received, _sent = api.invitations(shared.course_key, "eva")
    api.respond(shared.course_key, "eva", received[0].id, accept=True, max_size=6)
    assert shared.post("shared_state", {}, student="eva").status == 200
    assert shared.block("eva").shared_completion_version == 0
    shared.post("shared_state", {}, student="luis")  # a member at submission time gets it
    assert shared.block("luis").shared_completion_version > 0
    assert published_events(caplog).count(("completion", {"completion": 1.0})) == 2  # Anna and Luís
