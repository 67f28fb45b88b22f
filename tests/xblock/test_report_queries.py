"""
The problem-responses report asks for a batch of learners' data in a fixed number of queries: the
same number for 4 learners as for 12 (issue 13: no query per row), for every block, in both modes
of the shared steps.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etwinning_plugin import api
from skillslab_xblock.scenarios import activity_olx
from tests.harness import CARDS, stored_states
from tests.xblock.test_report_formulas import submissions

BLOCKS = {**{name: (olx, handler, body) for name, (olx, handler, body) in submissions().items()},
          "shared_activity": (activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared"),
                              None, None),
          "shared_plan": ("<etwinning_project_plan/>", None, None)}


def queries_for_report(scenario) -> tuple[int, int]:
    block = scenario.block()
    states = list(stored_states(scenario.usage_id))
    with CaptureQueriesContext(connection) as captured:
        rows = list(block.generate_report_data(iter(states)))
    return len(captured.captured_queries), len(rows)


def partners(course_key: str, first: str, second: str) -> None:
    """Two schools of their own in a partnership (the first invites, the second accepts)."""
    for learner, card in ((first, CARDS["anna"]), (second, CARDS["luis"])):
        api.save_card(course_key, learner, {**card, "school_name": f"School {learner}"})
    api.invite(course_key, first, api.get_card(course_key, second).id, "", 6)
    api.respond(course_key, second, api.invitations(course_key, second)[0][0].id, accept=True, max_size=6)


def learners(scenario, block_type: str, names: list[str]) -> None:
    olx, handler, body = BLOCKS[block_type]
    for name in names:
        if handler:
            card = {**CARDS["anna"], "school_name": f"School {name}"}
            result = scenario.post(handler, card if handler == "save_card" else body, student=name)
        else:  # the shared modes: every learner with a partner, each opening the step
            result = scenario.post("shared_state" if "activity" in block_type else "current_plan", {}, student=name)
        assert result.status == 200, result.body


@pytest.mark.parametrize("block_type", sorted(BLOCKS))
def test_a_report_costs_the_same_number_of_queries_for_4_learners_as_for_12(scenario_factory, block_type):
    counts = []
    for size in (4, 12):
        olx = BLOCKS[block_type][0]
        kind = {"shared_activity": "skillslab_activity", "shared_plan": "etwinning_project_plan"}.get(block_type,
                                                                                                     block_type)
        scenario = scenario_factory(olx, kind)
        names = [f"t{size}x{n}" for n in range(size)]
        if block_type.startswith("shared_"):
            for first, second in zip(names[::2], names[1::2], strict=True):
                partners(scenario.course_key, first, second)
        learners(scenario, block_type, names)
        counts.append(queries_for_report(scenario))
    (small, small_rows), (large, large_rows) = counts
    assert large == small, f"{block_type}: {small} queries for 4 learners, {large} for 12"
    assert large_rows >= small_rows
