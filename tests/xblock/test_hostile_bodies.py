"""
Bodies no learner's page sends, at every JSON handler of every block: a lone UTF-16 surrogate (valid
JSON, unstorable text) and JSON nested deeper than Python parses. Each gets a clear 400 in the
learner's language, and nothing is stored.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from skillslab_xblock.scenarios import activity_olx
from tests.harness import make_partnership

BLOCKS = {
    "skillslab_activity": activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared"),
    "etwinning_partners": "<etwinning_partners/>",
    "etwinning_project_plan": "<etwinning_project_plan/>",
    "etwinning_survey": "<etwinning_survey/>",
    "etwinning_registration": "<etwinning_registration/>",
    "etwinning_self_assessment": "<etwinning_self_assessment/>",
}


def json_handlers(block) -> list[str]:
    cls = type(block)
    return sorted(name for name in dir(cls)
                  if getattr(getattr(cls, name, None), "_is_xblock_handler", False)
                  and name not in ("download", "results_csv", "publish_completion"))


def plugin_rows() -> dict:
    return {m.__name__: m.objects.count() for m in apps.get_app_config("etwinning_plugin").get_models()}


@pytest.mark.parametrize("block_type", sorted(BLOCKS))
@pytest.mark.parametrize("body", [
    pytest.param('{"text": "\\ud800", "worksheet": {"goal": {"shared_goal": "\\udfff"}}}', id="lone-surrogate"),
    pytest.param('{"plan": {"title": "x\\ud83d"}, "base_version": 0}', id="half-emoji"),
    pytest.param("[" * 100_000 + "]" * 100_000, id="deeply-nested"),
    pytest.param('{"a": ' * 50_000 + "1" + "}" * 50_000, id="deeply-nested-object"),
])
def test_every_handler_refuses_it_with_a_clear_400_and_changes_nothing(scenario_factory, block_type, body):
    scenario = scenario_factory(BLOCKS[block_type], block_type)
    make_partnership(scenario.course_key, "anna", "luis")
    before = plugin_rows()
    for handler in json_handlers(scenario.block("anna")):
        result = scenario.post(handler, body, student="anna", lang="el", raw=True)
        assert result.status in (400, 413), (handler, result.status)
        assert result.error, handler
    assert plugin_rows() == before


def test_a_deeply_nested_catalogue_is_refused_with_its_error(scenario_factory):
    scenario = scenario_factory(BLOCKS["skillslab_activity"])
    result = scenario.post("load_catalogue", {"catalogue": "[" * 100_000 + "]" * 100_000}, student="author")
    assert result.status == 400 and result.error == "The catalogue has errors:"
    assert result.body["field_errors"]["catalogue"]


def test_text_stored_before_never_breaks_a_page(scenario_factory):
    """A lone surrogate stored before the door refused it: every partner's page and the download still answer."""
    from etwinning_plugin import api

    scenario = scenario_factory(BLOCKS["skillslab_activity"])
    partnership = make_partnership(scenario.course_key, "anna", "luis")
    ref = api.DocumentRef(scenario.course_key, scenario.usage_id, partnership.owner_key)
    api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers \ud800 of Patras"}})
    assert "Rivers" in scenario.render(student="luis")
    assert scenario.post("shared_state", {}, student="luis").status == 200
