"""
An open page asks the server less while nothing happens, and as often as ever once something does
(SkillsLab.poll, skillslab_common.js): in Chromium, on a shared step with ``poll_seconds`` 1, with
the page's clock in the test's hands (Playwright's fake timers), so that what is counted is when the
page asked, in the page's own time, not how fast this machine is.

Twice: with the change feed (a cache every process shares), where the page's poll is the feed's
request and the step's handler is asked only when its stamp moved; and without it (a local-memory
cache), where the page polls the step's handler itself, as before the feed. The back-off is the
same in both; with the feed, an idle page never calls the block's handler.
"""

from __future__ import annotations

import datetime
import time

import pytest

from tests.browser.test_collision import field

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEP = 0.05  # seconds of the page's time the test lets pass at once: the precision of every gap below
START = datetime.datetime(2026, 11, 2, 9, 0, 0, tzinfo=datetime.UTC)

# Before the page's scripts: the random start of the first poll is fixed (0.5: exactly poll_seconds),
# and each change feed and shared_state call is noted with the page's time; ``__asking`` counts those
# whose answer the page has not handled yet (a MessageChannel task, which the fake clock does not
# hold, runs after the promise callbacks that handle the answer and set the next timer, or call the
# handler the feed's answer woke).
COUNT_POLLS = """
Math.random = function () { return 0.5; };
window.__polls = [];
window.__feed = [];
window.__asking = 0;
(function () {
  var channel = new MessageChannel();
  channel.port1.onmessage = function () { window.__asking -= 1; };
  var original = window.fetch;
  window.fetch = function (url) {
    var feed = String(url).indexOf("/etwinning/changes/") !== -1;
    if (String(url).indexOf("/shared_state/") === -1 && !feed) { return original.apply(this, arguments); }
    (feed ? window.__feed : window.__polls).push(Date.now());
    window.__asking += 1;
    return original.apply(this, arguments).then(function (response) {
      var json = response.json.bind(response);
      response.json = function () {
        return json().finally(function () { channel.port2.postMessage(null); });
      };
      return response;
    }, function (error) { channel.port2.postMessage(null); throw error; });
  };
}());
"""


def settle(page) -> None:
    """Until the page has handled every answer to its polls (the server's pace, not the page's)."""
    deadline = time.monotonic() + 30
    while page.evaluate("window.__asking") > 0:
        assert time.monotonic() < deadline, "a poll got no answer in 30 s"
        time.sleep(0.01)


def advance(page, seconds: float) -> None:
    """Let ``seconds`` of the page's time pass, a STEP at a time, each poll answered before the next."""
    for _ in range(round(seconds / STEP)):
        page.clock.run_for(int(STEP * 1000))
        settle(page)


def advance_until_polls(page, count: int) -> None:
    """Let the page's time pass until it has polled ``count`` times more (in at most a minute of it)."""
    until = len(polls(page)) + count
    for _ in range(round(60 / STEP)):
        if len(polls(page)) >= until:
            settle(page)
            return
        advance(page, STEP)
    raise AssertionError(f"fewer than {count} polls in a minute: {polls(page)}")


def asked(page) -> list[float]:
    """When the page called the step's handler (shared_state), in seconds of its time since START."""
    start = START.timestamp() * 1000
    return [(at - start) / 1000 for at in page.evaluate("window.__polls")]


def polls(page) -> list[float]:
    """When the page polled: its change feed's requests, or without a feed its handler's."""
    start = START.timestamp() * 1000
    return [(at - start) / 1000 for at in page.evaluate("window.__feed.length ? window.__feed : window.__polls")]


def now(page) -> float:
    return (page.evaluate("Date.now()") - START.timestamp() * 1000) / 1000


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def assert_gaps(found: list[float], expected: list[float]) -> None:
    """Each gap as expected, give or take one STEP (the page sets its next timer when the answer came)."""
    assert len(found) == len(expected), (found, expected)
    for gap, want in zip(found, expected, strict=True):
        assert want - 0.001 <= gap <= want + STEP + 0.001, (found, expected)


@pytest.fixture(params=["feed", "no feed"])
def feed(request) -> bool:
    if request.param == "no feed":
        request.getfixturevalue("local_cache")
    return request.param == "feed"


def test_an_idle_page_asks_less_and_a_change_or_the_teachers_work_brings_it_back(live_server, browser, feed, step):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(COUNT_POLLS)
    page.clock.install(time=START - datetime.timedelta(seconds=1))  # pause_at cannot go back in time
    page.clock.pause_at(START)
    page.goto(f"{live_server.url}/scenario/{step.name}/?lang=en&student=anna")
    field(page).wait_for()
    settle(page)
    assert asked(page) == [0.0]  # the page's first look, at once (it gives a partner the completion)

    # Nothing changes for 40 s: the wait grows 1.5 times after each quiet answer, up to 6 × 1 s.
    advance(page, 40)
    idle = polls(page)[0 if feed else 1:]
    assert idle[0] == pytest.approx(1.0)  # the first poll after poll_seconds (× the random 0.5–1.5)
    assert_gaps(gaps(idle), [1.5, 2.25, 3.375, 5.0625, 6, 6, 6, 6])  # 9 polls in 40 s, not 40

    # Luís saves in the shared step: Anna's page shows it at its next poll, and asks every second again.
    version = step.post("shared_state", {}, student="luis").body["shared"]["version"]
    assert step.post("save_draft", {"worksheet": {"goal": {"shared_goal": "Map both rivers"}},
                                    "base_version": version}, student="luis").status == 200
    advance_until_polls(page, 3)
    assert field(page).input_value() == "Map both rivers"
    assert_gaps(gaps(polls(page)[-4:]), [6, 1, 1.5])  # the poll that saw it came 6 s after the one before
    if feed:  # the handler was asked once more: by the feed's answer that saw the save, at once
        assert len(asked(page)) == 2 and asked(page)[1] == pytest.approx(polls(page)[-3], abs=STEP + 0.001)

    # Quiet again until the page waits 6 s; then Anna only moves into the step (no typing, no save):
    # the next poll comes within a second, and the wait grows from there.
    advance(page, 20)
    advance_until_polls(page, 1)
    assert gaps(polls(page))[-1] == pytest.approx(6, abs=STEP + 0.001)
    last = polls(page)[-1]
    advance(page, 1)
    assert polls(page)[-1] == last  # the next one is 5 s away
    field(page).focus()
    focused = now(page)
    advance_until_polls(page, 2)
    assert_gaps(gaps([focused, *polls(page)[-2:]]), [1, 1.5])
    # With the feed, 80 s of an open page called the step's handler twice: as it opened, and for the save.
    assert len(asked(page)) == (2 if feed else len(polls(page)))
    context.close()
