"""The Quality Label feedback rules, criterion by criterion."""

import copy

import pytest

from skillslab_xblock.domain import quality_label
from skillslab_xblock.domain.quality_label import ADDRESSED, MISSING, WEAK, addressed_count, assess
from tests.harness import COMPLETE_WORKSHEET


def statuses(worksheet):
    return {f.key: f.status for f in assess(worksheet)}


def changed(**changes):
    worksheet = copy.deepcopy(COMPLETE_WORKSHEET)
    for path, value in changes.items():
        step, field = path.split("__")
        worksheet[step][field] = value
    return worksheet


def test_a_complete_plan_addresses_all_five_criteria():
    assert set(statuses(COMPLETE_WORKSHEET).values()) == {ADDRESSED}
    assert addressed_count(assess(COMPLETE_WORKSHEET)) == 5


def test_an_empty_worksheet_misses_every_criterion_and_hints_at_each():
    feedback = assess({})
    assert {f.status for f in feedback} == {MISSING}
    assert all(f.hint for f in feedback)


@pytest.mark.parametrize(("changes", "criterion", "status"), [
    ({"collaboration__level": "communication"}, "collaboration", WEAK),
    ({"collaboration__level": "exchange"}, "collaboration", WEAK),
    ({"collaboration__level": "collaboration"}, "collaboration", ADDRESSED),
    ({"joint_product__description": ""}, "collaboration", WEAK),
    ({"partners__school_count": None}, "collaboration", WEAK),
    ({"tools__tools": ["twinspace", "messaging_apps"]}, "technology", WEAK),
    ({"tools__data_protection_checked": False}, "technology", WEAK),
    ({"tools__tools": [], "tools__other_tools": ""}, "technology", MISSING),
    ({"tools__tools": [], "tools__other_tools": "Book Creator"}, "technology", ADDRESSED),
    ({"evaluation__methods": ["teacher_rubric"]}, "pedagogy", WEAK),
    ({"partners__roles": ""}, "pedagogy", WEAK),
    ({"goal__curriculum_link": ""}, "curriculum", WEAK),
    ({"goal__shared_goal": ""}, "curriculum", MISSING),
    ({"twinspace__practices": [], "twinspace__details": ""}, "results", WEAK),
])
def test_each_rule(changes, criterion, status):
    assert statuses(changed(**changes))[criterion] == status


def test_a_step_is_measured_against_the_criteria_its_required_steps_can_address(scenario_factory, caplog):
    """The demo's week 3 asks for four steps: a teacher who completes them is not told 1 of 5."""
    import json

    from skillslab_xblock.scenarios import activity_olx
    from tests.harness import capture_events, published_events

    capture_events(caplog)
    step = scenario_factory(activity_olx("b1-river-keepers", "w3", "a2", "el", weight="1.0",
                                         required_steps="partners goal collaboration joint_product"))
    worksheet = {key: COMPLETE_WORKSHEET[key] for key in ("partners", "goal", "collaboration", "joint_product")}
    result = step.post("submit", {"worksheet": json.loads(json.dumps(worksheet))}, lang="el")
    assert result.status == 200
    statuses = {item["key"]: item["status"] for item in result.body["feedback"]}
    assert statuses == {"collaboration": "addressed", "curriculum": "addressed", "technology": "not_asked",
                        "pedagogy": "not_asked", "results": "not_asked"}
    assert result.body["feedback_summary"] == \
        "Καλύπτονται 2 από τα 2 κριτήρια της Ετικέτας Ποιότητας που ζητά αυτό το βήμα."
    assert ("grade", {"value": 2.0, "max_value": 2.0, "only_if_higher": None}) in published_events(caplog)
    assert step.block().max_score() == 2


def test_one_criterion_is_singular_in_greek():
    from skillslab_xblock.support.i18n import BlockTranslator

    feedback = quality_label.assess({"goal": {"shared_goal": "Rivers", "curriculum_link": "Geography"}},
                                    ["goal", "tools"])
    assert quality_label.summary(feedback, BlockTranslator("el")).startswith("Καλύπτεται 1 από τα 2 κριτήρια")
    assert quality_label.summary(feedback, BlockTranslator("en")) == \
        "1 of the 2 Quality Label criteria this step asks for is addressed."
