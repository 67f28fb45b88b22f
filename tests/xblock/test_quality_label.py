"""The Quality Label feedback rules, criterion by criterion."""

import copy

import pytest

from skillslab_xblock.quality_label import ADDRESSED, MISSING, WEAK, addressed_count, assess
from tests.conftest import COMPLETE_WORKSHEET


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
