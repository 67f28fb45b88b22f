"""
Two teachers with their pages open, in Chromium, never reloading: an invitation arrives, is
accepted, the new partner appears on the other page, and the shared steps open on both.
"""

from __future__ import annotations

import pytest

from skillslab_xblock.scenarios import demo_course
from tests.browser.test_partners_and_shared_worksheet import dom_id, two_teachers_with_cards
from tests.harness import WorkbenchScenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course(transactional_db, settings):
    settings.XBLOCK_SETTINGS = {**settings.XBLOCK_SETTINGS, "EtwinningPartnersBlock": {"poll_seconds": 1},
                                "SkillsLabActivityBlock": {"poll_seconds": 1}}
    made = WorkbenchScenario(demo_course("en"), "etwinning_partners")
    yield made
    made.close()


def test_an_invitation_and_its_acceptance_reach_open_pages(live_server, browser, course):
    partners_id = dom_id(course.usage_id)
    step_id = dom_id(course.usage_ids("skillslab_activity")[0])
    (anna_context, anna), (luis_context, luis) = two_teachers_with_cards(live_server, browser, course)

    # the shared step waits for a partnership, and says where to find one
    notice = luis.locator(f"#{step_id} [data-needs-partnership]")
    assert luis.locator(f"#{step_id}-goal-shared_goal").is_disabled()
    assert notice.get_by_role("link", name="Find partner schools").get_attribute("href") == f"#{partners_id}"

    luis.locator(f"#{partners_id} [data-results]").get_by_role("button", name="Invite this school").first.click()
    luis.locator(f"#{partners_id} [data-result]").filter(has_text="Invitation sent.").wait_for()

    # Anna's open page shows the invitation without a reload
    invitations = anna.locator(f"#{partners_id} [data-section='invitations']")
    invitations.get_by_role("button", name="Accept").wait_for(timeout=10000)
    invitations.get_by_role("button", name="Accept").click()
    anna.locator(f"#{partners_id} [data-result]").filter(has_text="You joined the partnership.").wait_for()

    # Luís's open page shows his new partner, and the shared step opens on both pages
    luis.locator(f"#{partners_id} [data-section='partnership']").filter(
        has_text="1st Primary School of Patras").wait_for(timeout=10000)
    for page in (anna, luis):
        # :disabled, not .disabled: the input is disabled by its fieldset, its own property stays false
        page.wait_for_function(f"!document.getElementById('{step_id}-goal-shared_goal').matches(':disabled')",
                               timeout=10000)
        assert page.locator(f"#{step_id} [data-needs-partnership]").is_hidden()
    anna.locator(f"#{step_id}-goal-shared_goal").fill("Compare our rivers")
    anna.locator(f"#{step_id} .skl-title").click()
    luis.wait_for_function(f"document.getElementById('{step_id}-goal-shared_goal').value === 'Compare our rivers'",
                           timeout=10000)
    anna_context.close()
    luis_context.close()
