"""
Every Studio editor of the bundle, opened in Chromium in Greek and in English and saved without
touching anything: nothing changes (numbers such as a weight of 1.0 are not turned into "1,0", dates
keep their time, the default display name stays the default).
"""

from __future__ import annotations

import pytest
from workbench.runtime import WorkbenchRuntime
from xblock.fields import Scope

from skillslab_xblock.scenarios import activity_olx
from tests.harness import WorkbenchScenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITORS = {
    "skillslab_activity": activity_olx("b1-river-keepers", "w1", "a1", "el", weight="1.0",
                                       deadline="2027-05-03T21:00:30+00:00", collaboration_mode="shared"),
    "etwinning_partners": '<etwinning_partners max_schools="4" teamset_id="rivers"/>',
    "etwinning_project_plan": '<etwinning_project_plan required_sections="title aims timeline"/>',
    "etwinning_survey": '<etwinning_survey display_name="Αξιολόγηση" deadline="2027-06-30T20:59:00+00:00" '
                        'anonymous="true"/>',
    "etwinning_registration": '<etwinning_registration closes_at="2027-05-31T21:00:00+00:00"/>',
}
SAVED = {"el": "Αποθηκεύτηκε.", "en": "Saved."}


def settings_of(block) -> dict:
    """Every settings field: its value, and whether it is set on the block (what OLX export writes)."""
    return {name: (field.read_from(block), field.is_set_on(block))
            for name, field in block.fields.items() if field.scope == Scope.settings}


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("block_type", sorted(EDITORS))
def test_saving_an_editor_untouched_changes_nothing(live_server, page, block_type, language):
    scenario = WorkbenchScenario(EDITORS[block_type], block_type)
    try:
        before = settings_of(WorkbenchRuntime("author").get_block(scenario.usage_id))
        page.goto(f"{live_server.url}/view/{scenario.name}/studio_view/?lang={language}&student=author")
        form = page.locator("form").first
        form.locator("[type=submit]").first.click()
        page.locator("[data-result]").filter(has_text=SAVED[language]).wait_for()
        after = settings_of(WorkbenchRuntime("author").get_block(scenario.usage_id))
        assert after == before
    finally:
        scenario.close()


def test_picking_a_catalogue_activity_offers_its_title_as_the_display_name(live_server, page):
    from skillslab_xblock.domain.taxonomy import localized, sample_catalogue

    _workshop, activity = sample_catalogue().programme("b1-river-keepers").activity("w1", "a1")
    scenario = WorkbenchScenario("<skillslab_activity/>")
    try:
        page.goto(f"{live_server.url}/view/{scenario.name}/studio_view/?lang=en&student=author")
        page.locator('[data-catalogue="programme"]').select_option("b1-river-keepers")
        page.locator('[data-catalogue="workshop"]').select_option("w1")
        page.locator('[data-catalogue="activity"]').select_option("a1")
        assert page.locator('[name="display_name"]').input_value() == localized(activity.title, "en")
        page.locator('[name="display_name"]').fill("Our river, week 2")  # the author's own name stays
        page.locator('[data-catalogue="workshop"]').select_option("w3")
        page.locator('[data-catalogue="activity"]').select_option("a2")
        assert page.locator('[name="workshop_title"]').input_value().startswith("Proposing solutions")  # w3 picked
        assert page.locator('[name="display_name"]').input_value() == "Our river, week 2"
    finally:
        scenario.close()
