"""
Two teachers of different schools, in Chromium, in the demo course: card, invitation, acceptance,
the same worksheet edited by both (each sees the other's text), submission, completion for both,
and the project plan downloaded with both schools in it.
"""

import re

import pytest

from skillslab_xblock.scenarios import demo_course
from tests.harness import WorkbenchScenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course(transactional_db, settings):
    settings.XBLOCK_SETTINGS = {**settings.XBLOCK_SETTINGS,
                                "SkillsLabActivityBlock": {"poll_seconds": 1},
                                "EtwinningProjectPlanBlock": {"poll_seconds": 1}}
    made = WorkbenchScenario(demo_course("en"), "etwinning_partners")
    yield made
    made.close()


def dom_id(usage_id: str) -> str:
    return "skl-" + "".join(ch if ch.isalnum() else "-" for ch in usage_id)


def publish_card(page, partners_id, name, school, country, language_code):
    block = page.locator(f"#{partners_id}")
    block.locator(f"#{partners_id}-teacher_name").fill(name)
    block.locator(f"#{partners_id}-school_name").fill(school)
    block.locator(f"#{partners_id}-school_level").select_option("primary_upper")
    block.locator(f"#{partners_id}-country").select_option(label=country)  # CLDR names, in the page's language
    block.locator(f"#{partners_id}-lang-{language_code}").check()
    block.locator(f"#{partners_id}-lang-en").check()
    block.locator(f"#{partners_id}-sub-B1").check()
    block.get_by_role("button", name="Save my card").click()
    block.locator("[data-result]").filter(has_text="Your partnership card is saved.").wait_for()


def two_teachers_with_cards(live_server, browser, course):
    """Anna (Patras) and Luís (Braga), each in a Chromium of their own, on the demo course with a card."""
    partners_id = dom_id(course.usage_id)
    url = f"{live_server.url}/scenario/{course.name}/?lang=en&student="
    anna_context, luis_context = browser.new_context(), browser.new_context()
    anna, luis = anna_context.new_page(), luis_context.new_page()
    anna.goto(url + "anna")
    publish_card(anna, partners_id, "Anna", "1st Primary School of Patras", "Greece", "el")
    luis.goto(url + "luis")
    publish_card(luis, partners_id, "Luís", "Escola Básica de Braga", "Portugal", "pt")
    return (anna_context, anna), (luis_context, luis)


def test_two_schools_partner_up_share_a_worksheet_and_plan(live_server, browser, course):
    partners_id = dom_id(course.usage_id)
    step_usage = course.usage_ids("skillslab_activity")[0]
    step_id = dom_id(step_usage)
    plan_usage = course.usage_ids("etwinning_project_plan")[0]
    (anna_context, anna), (luis_context, luis) = two_teachers_with_cards(live_server, browser, course)

    # Luís finds Anna's school and invites it
    results = luis.locator(f"#{partners_id} [data-results]")
    results.filter(has_text="1st Primary School of Patras").wait_for()
    results.get_by_role("button", name="Invite this school").click()
    luis.locator(f"#{partners_id} [data-result]").filter(has_text="Invitation sent.").wait_for()

    # Anna accepts
    anna.reload()
    anna.locator(f"#{partners_id} [data-section='invitations']").get_by_role("button", name="Accept").click()
    anna.locator(f"#{partners_id} [data-result]").filter(has_text="You joined the partnership.").wait_for()
    assert "Escola Básica de Braga" in anna.locator(f"#{partners_id} [data-section='partnership']").inner_text()

    # Both open the shared step of week 2 and edit different answers at the same time
    anna.reload()
    luis.reload()
    anna_goal = anna.locator(f"#{step_id}-goal-shared_goal")
    luis_product = luis.locator(f"#{step_id}-joint_product-description")
    anna_goal.fill("Pupils of both schools compare their rivers.")
    luis_product.fill("A shared e-book: Our two rivers.")
    # move the focus out of the fields: a page never overwrites the field being edited
    anna.locator(f"#{step_id} .skl-title").click()
    luis.locator(f"#{step_id} .skl-title").click()
    # each sees the other's text without reloading (both saves done, then each page's next check)
    anna.wait_for_function(f"document.getElementById('{step_id}-joint_product-description').value"
                           " === 'A shared e-book: Our two rivers.'")
    luis.wait_for_function(f"document.getElementById('{step_id}-goal-shared_goal').value"
                           " === 'Pupils of both schools compare their rivers.'")

    # Anna completes the worksheet and submits for the partnership
    step = anna.locator(f"#{step_id}")
    step.locator(f"#{step_id}-partners-school_count").fill("2")
    step.locator(f"#{step_id}-partners-school_levels-primary_upper").check()
    step.locator(f"#{step_id}-partners-roles").fill("Patras maps the river; Braga edits the e-book.")
    step.locator(f"#{step_id}-collaboration-level-joint_product").check()
    step.locator(f"#{step_id}-collaboration-how").fill("Mixed teams write each chapter.")
    step.locator(f"#{step_id}-tools-tools-twinspace").check()
    step.locator(f"#{step_id}-tools-data_protection_checked").check()
    step.locator(f"#{step_id}-twinspace-practices-page_per_workshop").check()
    step.locator(f"#{step_id}-evaluation-methods-peer_assessment").check()
    step.get_by_role("button", name=re.compile("Submit the")).click()
    step.locator("[data-result]").filter(has_text="Submitted.").wait_for()

    assert course.block("anna", step_usage).shared_completion_version > 0
    luis.reload()  # Luís gets his completion when his page, once open, asks for the worksheet
    luis.locator(f"#{step_id} [data-feedback]").wait_for()
    expected = course.block("anna", step_usage).shared_completion_version
    for _attempt in range(100):
        if course.block("luis", step_usage).shared_completion_version == expected:
            break
        luis.wait_for_timeout(100)
    assert course.block("luis", step_usage).shared_completion_version == expected

    # The plan gathers the step; its download names both schools
    download = luis.request.get(f"{live_server.url}/handler/{plan_usage}/download/html?student=luis")
    assert download.ok
    text = download.text()
    assert "1st Primary School of Patras" in text and "Escola Básica de Braga" in text
    assert "<li>Meeting our river (" in text  # the ordered list numbers it: no "1. 1."
    anna_context.close()
    luis_context.close()
