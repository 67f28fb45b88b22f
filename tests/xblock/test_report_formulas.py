"""
Learner text that starts like a spreadsheet formula (=, +, -, @) reaches the instructor's
problem-responses report from every block as text, never as a formula.
"""

from __future__ import annotations

import copy

import pytest

from skillslab_xblock.scenarios import activity_olx
from tests.harness import CARDS, COMPLETE_WORKSHEET, stored_states

FORMULA = '=HYPERLINK("http://evil.test","Click")'
SURVEY_ITEMS = ("satisfaction", "content_quality", "activities_helped", "tutors_expectations",
                "practice_improvement", "ready_for_project", "would_recommend")


def submissions():
    worksheet = copy.deepcopy(COMPLETE_WORKSHEET)
    worksheet["goal"]["shared_goal"] = FORMULA
    return {
        "skillslab_activity": (activity_olx("b1-river-keepers", "w1", "a1", "en"), "submit",
                               {"worksheet": worksheet}),
        "etwinning_partners": ("<etwinning_partners/>", "save_card", {**CARDS["anna"], "school_name": FORMULA}),
        "etwinning_project_plan": ('<etwinning_project_plan collaboration_mode="individual"/>', "save_plan",
                                   {"plan": {"aims": "@SUM(1,2)"}, "base_version": 0}),
        "etwinning_survey": ("<etwinning_survey/>", "submit",
                             {"answers": dict.fromkeys(SURVEY_ITEMS, 5), "comment": "+cmd|' /C calc'!A0"}),
        "etwinning_registration": ("<etwinning_registration/>", "save_registration", {
            "profile_url": "https://school-education.ec.europa.eu/en/people/anna", "school_name": "-2+3",
            "teacher_registered_during_course": True, "school_registered_during_course": False,
            "consent_to_share_profile": False}),
    }


@pytest.mark.parametrize("block_type", sorted(submissions()))
def test_no_report_cell_starts_like_a_formula(scenario_factory, block_type):
    olx, handler, body = submissions()[block_type]
    scenario = scenario_factory(olx, block_type)
    result = scenario.post(handler, body, student="anna")
    assert result.status == 200, result.body
    rows = dict(scenario.block().generate_report_data(stored_states(scenario.usage_id)))
    cells = [value for value in rows["anna"].values() if isinstance(value, str)]
    formula = ("=", "+", "-", "@")
    assert cells and not [cell for cell in cells if cell.startswith(formula)]
    assert any(cell.startswith("'") and cell[1:].startswith(formula) for cell in cells)  # kept, as text
