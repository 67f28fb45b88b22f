"""
Two partners type in the same answer of a shared worksheet within a second, in two Chromium pages
with real key presses: nothing either typed is lost, the choice is what is stored, and the other
partner's page shows it without a reload.
"""

from __future__ import annotations

import time

import pytest

from etwinning_plugin import api

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANNA_TEXT = "Pupils compare the rivers of Patras and Braga."
LUIS_TEXT = "Each class cleans its river bank and reports."


def stored(step, learner="anna") -> dict:
    partnership = api.partnership_of(step.course_key, learner)
    ref = api.DocumentRef(step.course_key, step.usage_id, partnership.owner_key)
    return api.document_state(ref, learner).content


def open_as(browser, live_server, step, learner):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/scenario/{step.name}/?lang=en&student={learner}")
    page.locator('[data-field="goal.shared_goal"] textarea').wait_for()
    return context, page


def field(page, key="goal.shared_goal"):
    return page.locator(f'[data-field="{key}"] textarea')


def collide(page_first, page_second):
    """``page_second`` types while its save is held on the network until ``page_first``'s is stored."""
    held = []
    def hold(route):  # Playwright needs a function of its own here (it keys the handler on it)
        held.append(route)

    page_second.route("**/save_draft/**", hold)
    field(page_second).click()
    page_second.keyboard.type(LUIS_TEXT, delay=5)
    field(page_first).click()
    page_first.keyboard.type(ANNA_TEXT, delay=5)
    page_first.keyboard.press("Tab")
    page_first.locator("[data-save-status]").filter(has_text="Draft saved.").wait_for()
    deadline = time.time() + 10
    while not held and time.time() < deadline:
        page_second.wait_for_timeout(100)
    for route in held:
        route.continue_()
    page_second.unroute("**/save_draft/**")


def test_a_collision_keeps_both_texts_until_the_learner_chooses_theirs_or_mine(live_server, browser, step):
    anna_context, anna = open_as(browser, live_server, step, "anna")
    luis_context, luis = open_as(browser, live_server, step, "luis")
    collide(anna, luis)

    panel = luis.locator('[data-field="goal.shared_goal"] .skl-conflict')
    panel.wait_for()
    assert ANNA_TEXT in panel.inner_text() and LUIS_TEXT in panel.inner_text()
    # the panel takes the focus, the field fires "change", time passes: nothing is written over Anna's text
    luis.keyboard.press("Tab")
    luis.wait_for_timeout(3000)
    assert stored(step)["goal"]["shared_goal"] == ANNA_TEXT
    assert field(anna).input_value() == ANNA_TEXT
    assert field(luis).input_value() == LUIS_TEXT  # Luís's text is still on his page, not lost
    submit = luis.get_by_role("button", name="Submit the worksheet")
    submit.click()  # no submission while a choice is open
    luis.locator("[data-result]").filter(has_text="Choose which version to keep").wait_for()

    # Luís keeps his version: that is what is stored, and Anna's open page shows it within seconds
    panel.get_by_role("button", name="Keep my version").click()
    luis.locator("[data-save-status]").filter(has_text="Your version is saved.").wait_for()
    assert stored(step)["goal"]["shared_goal"] == LUIS_TEXT
    anna.wait_for_function("text => document.querySelector('[data-field=\"goal.shared_goal\"] textarea')"
                           ".value === text", arg=LUIS_TEXT, timeout=10000)

    # the history shows both texts and brings Anna's back
    history = anna.locator("[data-history]")
    history.locator("summary").click()
    newest = history.locator("li").first
    newest.filter(has_text=ANNA_TEXT).filter(has_text=LUIS_TEXT).wait_for()
    history.locator("li").nth(1).get_by_role("button", name="Bring the worksheet back to this version").click()
    anna.locator("[data-save-status]").filter(has_text="The earlier version is back").wait_for()
    assert stored(step)["goal"]["shared_goal"] == ANNA_TEXT
    luis.wait_for_function("text => document.querySelector('[data-field=\"goal.shared_goal\"] textarea')"
                           ".value === text", arg=ANNA_TEXT, timeout=10000)
    anna_context.close()
    luis_context.close()


def test_using_their_version_stores_theirs_on_both_pages(live_server, browser, step):
    anna_context, anna = open_as(browser, live_server, step, "anna")
    luis_context, luis = open_as(browser, live_server, step, "luis")
    collide(anna, luis)
    panel = luis.locator('[data-field="goal.shared_goal"] .skl-conflict')
    panel.get_by_role("button", name="Use their version").click()
    luis.locator("[data-save-status]").filter(has_text="Their version is kept.").wait_for()
    assert field(luis).input_value() == ANNA_TEXT
    luis.wait_for_timeout(2500)  # autosave and polling go on: still Anna's
    assert stored(step)["goal"]["shared_goal"] == ANNA_TEXT
    assert field(anna).input_value() == ANNA_TEXT
    assert panel.count() == 0
    anna_context.close()
    luis_context.close()
