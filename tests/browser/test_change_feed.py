"""
Two partners' pages of the demo course (a partner block, shared steps and the plan on one page), in
Chromium, never reloading: the partnership forms on both and each sees the other's typing, with the
change feed as without it; and then, while nobody works, each page sends the feed one request per
tick for all its blocks and calls no block's handler, where without the feed every block polls its own.
"""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest

from skillslab_xblock.scenarios import demo_course
from tests.browser.test_partners_and_shared_worksheet import dom_id, publish_card
from tests.harness import WorkbenchScenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLLS = ("current", "shared_state", "current_plan")  # the handlers the blocks poll
COUNT_REQUESTS = """
window.__requests = [];
(function () {
  var original = window.fetch;
  window.fetch = function (url) { window.__requests.push(String(url)); return original.apply(this, arguments); };
}());
"""
HANDLER = re.compile(r"/handler/[^/]+/(?P<name>\w+)/")


@pytest.fixture
def course(transactional_db, settings):
    settings.XBLOCK_SETTINGS = {**settings.XBLOCK_SETTINGS, "EtwinningPartnersBlock": {"poll_seconds": 1},
                                "SkillsLabActivityBlock": {"poll_seconds": 1},
                                "EtwinningProjectPlanBlock": {"poll_seconds": 1}}
    made = WorkbenchScenario(demo_course("en"), "etwinning_partners")
    yield made
    made.close()


def requests(page) -> Counter:
    """The page's requests so far: ``changes`` for the feed, else the handler's name."""
    found = Counter()
    for url in page.evaluate("window.__requests"):
        match = HANDLER.search(url)
        found["changes" if "/etwinning/changes/" in url else match.group("name") if match else url] += 1
    return found


def open_page(browser, live_server, course, learner):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(COUNT_REQUESTS)
    page.goto(f"{live_server.url}/scenario/{course.name}/?lang=en&student={learner}")
    return context, page


@pytest.mark.parametrize("feed", ["feed", "no feed"])
def test_partners_see_each_other_and_an_idle_page_asks_only_the_feed(live_server, browser, course, feed, request):
    if feed == "no feed":
        request.getfixturevalue("local_cache")
    partners_id = dom_id(course.usage_id)
    steps = [dom_id(usage) for usage in course.usage_ids("skillslab_activity")]
    anna_context, anna = open_page(browser, live_server, course, "anna")
    publish_card(anna, partners_id, "Anna", "1st Primary School of Patras", "Greece", "el")
    luis_context, luis = open_page(browser, live_server, course, "luis")
    publish_card(luis, partners_id, "Luís", "Escola Básica de Braga", "Portugal", "pt")

    # Luís invites; Anna's open page shows the invitation, she accepts; Luís's page shows his partner
    # and his shared steps open (the feed woke them: nothing on his page told them).
    luis.locator(f"#{partners_id} [data-results]").get_by_role("button", name="Invite this school").first.click()
    luis.locator(f"#{partners_id} [data-result]").filter(has_text="Invitation sent.").wait_for()
    invitations = anna.locator(f"#{partners_id} [data-section='invitations']")
    invitations.get_by_role("button", name="Accept").click(timeout=10000)
    anna.locator(f"#{partners_id} [data-result]").filter(has_text="You joined the partnership.").wait_for()
    luis.locator(f"#{partners_id} [data-section='partnership']").filter(
        has_text="1st Primary School of Patras").wait_for(timeout=10000)
    for page in (anna, luis):
        for step_id in steps:
            page.wait_for_function(f"!document.getElementById('{step_id}-goal-shared_goal').matches(':disabled')",
                                   timeout=10000)

    # Each sees the other's typing.
    anna.locator(f"#{steps[0]}-goal-shared_goal").fill("Compare our rivers")
    anna.locator(f"#{steps[0]} .skl-title").click()
    luis.wait_for_function(f"document.getElementById('{steps[0]}-goal-shared_goal').value === 'Compare our rivers'",
                           timeout=10000)
    luis.locator(f"#{steps[1]}-goal-shared_goal").fill("Clean the banks")
    luis.locator(f"#{steps[1]} .skl-title").click()
    anna.wait_for_function(f"document.getElementById('{steps[1]}-goal-shared_goal').value === 'Clean the banks'",
                           timeout=10000)

    # Nobody works for 8 s: what did the open pages ask? (Each poll waits 6 × 1 s at most.)
    anna.mouse.move(0, 0)
    time.sleep(2)  # the last answers and the saves' own echoes settle
    before = {name: requests(page) for name, page in (("anna", anna), ("luis", luis))}
    time.sleep(8)
    idle = {name: requests(page) - before[name] for name, page in (("anna", anna), ("luis", luis))}
    polling_blocks = 1 + len(steps) + 1  # the partner block, the shared steps, the plan
    for name, asked in idle.items():
        handler_polls = sum(asked[handler] for handler in POLLS)
        if feed == "feed":
            assert handler_polls == 0, (name, asked)  # no block's handler: nothing changed
            assert 1 <= asked["changes"] <= 8, (name, asked)  # one request a tick, for all the blocks
        else:
            assert asked["changes"] == 0, (name, asked)
            assert handler_polls >= polling_blocks, (name, asked)  # each block its own, at least once
    anna_context.close()
    luis_context.close()
