"""Teachers choose their Skills Lab activity: from the catalogue, within the author's cycle and level."""

from __future__ import annotations

import pytest

from etwinning_plugin import api
from tests.harness import make_partnership

PICKING = ('<skillslab_activity display_name="Your activity" activity_source="learner" cycle="B" '
           'school_level="primary_upper" collaboration_mode="{mode}"/>')


@pytest.fixture
def individual(scenario_factory):
    return scenario_factory(PICKING.format(mode="individual"))


@pytest.fixture
def shared(scenario_factory):
    made = scenario_factory(PICKING.format(mode="shared"))
    make_partnership(made.course_key, "anna", "luis")
    return made


def test_a_learner_picks_an_activity_of_the_authors_cycle_and_level(individual):
    page = individual.render(student="anna", lang="el")
    assert "Διαλέξτε τη δραστηριότητα των Εργαστηρίων Δεξιοτήτων" in page
    assert 'value="b1-river-keepers/w1/a1"' in page
    assert 'data-cycle="A"' not in page  # another cycle is not offered
    result = individual.post("choose_activity", {"activity": "b1-river-keepers/w1/a1"}, student="anna")
    assert result.status == 200 and result.body["activity_key"] == "b1-river-keepers/w1/a1"
    assert "1. Meeting our river" in individual.render(student="anna", lang="en")
    assert individual.block("anna").step_title() == "1. Meeting our river"
    # another learner has not picked: nothing of Anna's shows for them
    assert "Meeting our river" not in individual.render(student="eva", lang="en").split("<select")[0]


@pytest.mark.parametrize("choice", ["a1-healthy-breakfast/w2/a1", "nothing/at/all", 7, ""])
def test_an_activity_outside_the_offer_is_refused_and_nothing_changes(individual, choice):
    result = individual.post("choose_activity", {"activity": choice}, student="anna", lang="el")
    assert result.status == 400
    assert individual.block("anna").chosen_activity == ""


def test_the_author_sets_the_activity_unless_learners_pick(scenario_factory):
    from skillslab_xblock.scenarios import activity_olx

    fixed = scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en"))
    result = fixed.post("choose_activity", {"activity": "b1-river-keepers/w1/a1"}, student="anna")
    assert result.status == 400 and result.error == "The author has set the activity of this step."


def test_a_partnership_picks_together_and_each_partner_sees_it(shared):
    result = shared.post("choose_activity", {"activity": "b1-river-keepers/w3/a2"}, student="anna")
    assert result.status == 200
    state = shared.post("shared_state", {}, student="luis").body
    assert state["activity_key"] == "b1-river-keepers/w3/a2"
    original = shared.post("original", {}, student="luis", lang="en").body
    assert original["activity_key"] == "b1-river-keepers/w3/a2" and "3. " in original["html"]
    history = shared.post("history", {}, student="luis").body["history"]
    assert history[0]["school"] == "1st Primary School of Patras"  # the pick is in the worksheet's history
    partnership = api.partnership_of(shared.course_key, "anna")
    ref = api.DocumentRef(shared.course_key, shared.usage_id, partnership.owner_key)
    assert api.document_state(ref, "anna").content["_choice"] == {"activity": "b1-river-keepers/w3/a2"}


def test_studio_saves_the_source_without_an_activity_text(individual):
    result = individual.post("studio_submit", {"activity_source": "learner", "workshop_title": "",
                                               "activity_text": ""}, student="author")
    assert result.status == 200
    assert individual.post("studio_submit", {"activity_source": "everyone"}, student="author").status == 400
