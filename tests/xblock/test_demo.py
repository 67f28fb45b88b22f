"""The demo the README's first command serves: the workbench with the bundle's scenarios."""

import re

import pytest
from workbench import scenarios as wb_scenarios


@pytest.fixture(autouse=True)
def demo_scenarios(db):
    """
    Load the scenarios as the demo server does on its first request. The workbench keeps scenario
    content in its database, which each test rolls back, so every test loads them afresh.
    """
    wb_scenarios.init_scenarios()
    yield
    wb_scenarios.SCENARIOS.clear()


def test_the_index_lists_the_bundles_scenarios_only(client):
    html = client.get("/").content.decode()
    assert "Skills Lab → eTwinning: demo unit (Ελληνικά)" in html
    assert "Skills Lab → eTwinning: demo unit (English)" in html
    assert "Default Survey" not in html and "Hello World" not in html


def test_each_demo_scenario_renders_its_activities(client):
    index = client.get("/").content.decode()
    scenario_ids = sorted(set(re.findall(r'/scenario/(skillslab_activity\.\d+)/', index)))
    assert len(scenario_ids) == 5
    for scenario_id in scenario_ids:
        response = client.get(f"/scenario/{scenario_id}/", {"student": "demo"})
        assert response.status_code == 200
        assert 'class="skl-activity"' in response.content.decode()


def test_the_greek_unit_is_in_greek_by_default(client):
    """The NSS's site is Greek: with no language chosen, the demo speaks Greek."""
    html = client.get("/scenario/skillslab_activity.2/").content.decode()
    assert "Φύλακες του ποταμού μας" in html  # content
    assert "Κοινός στόχος" in html  # interface


@pytest.mark.parametrize("tag", ["etwinning_partners", "etwinning_project_plan", "etwinning_survey",
                                 "etwinning_registration"])
def test_every_block_has_a_studio_editor_and_a_preview(scenario_factory, tag):
    scenario = scenario_factory(f"<{tag}/>", tag)
    editor = scenario.render("studio_view", lang="el")
    assert "SkillsLabSettingsForm" in editor and "Αποθήκευση" in editor
    assert scenario.render("author_view")
