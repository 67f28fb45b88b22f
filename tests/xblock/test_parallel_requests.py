"""
Parallel requests on the demo's database (SQLite, a file): partners saving and polling at once, as
their pages do, never get a 500 ("database is locked"). SQLite takes its write lock when a
transaction begins (``transaction_mode: IMMEDIATE``), so a transaction waits for the lock instead
of failing when it upgrades from reading to writing; and the handlers' door answers a lock that
could still not be had with a 409 the page can retry, never a 500.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import OperationalError

from skillslab_xblock.scenarios import activity_olx
from tests.harness import COMPLETE_WORKSHEET, WorkbenchScenario, make_partnership

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_step(transactional_db):
    made = WorkbenchScenario(activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared"))
    make_partnership(made.course_key, "anna", "luis")
    yield made
    made.close()


def test_partners_saving_and_polling_at_once_never_get_a_500(live_server, shared_step):
    session = requests.Session()  # the page's CSRF cookie, as the browser has it
    session.get(f"{live_server.url}/scenario/{shared_step.name}/?student=anna", timeout=60)
    token = session.cookies["csrftoken"]

    def call(number: int) -> int:
        student = ("anna", "luis")[number % 2]
        url = f"{live_server.url}/handler/{shared_step.usage_id}/%s/?student={student}"
        if number % 3 == 0:
            body = {"known_version": 0}
            handler = "shared_state"
        else:
            goal = {**COMPLETE_WORKSHEET["goal"], "shared_goal": f"Rivers {number}"}
            body = {"worksheet": {"goal": goal}, "base_version": 0}
            handler = "save_draft"
        response = requests.post(url % handler, data=json.dumps(body), timeout=60, cookies={"csrftoken": token},
                                 headers={"Content-Type": "application/json", "X-CSRFToken": token})
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(call, range(60)))
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(200) >= 20  # the polls, and the saves that were not held as collisions


def test_a_lock_that_cannot_be_had_is_a_409_to_retry(scenario_factory, monkeypatch):
    """Past the database's own wait (SQLite's timeout, InnoDB's lock wait), the learner is told to try again."""
    from etwinning_plugin import api

    scenario = scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared"))
    make_partnership(scenario.course_key, "anna", "luis")

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(api, "save_document", locked)
    result = scenario.post("save_draft", {"worksheet": {"goal": COMPLETE_WORKSHEET["goal"]}, "base_version": 0},
                           student="anna", lang="el")
    assert result.status == 409 and result.body["retry"] is True
    assert result.error == "Έφτασαν πολλές αλλαγές ταυτόχρονα: η δική σας δεν αποθηκεύτηκε. Δοκιμάστε ξανά."
