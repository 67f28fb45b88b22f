"""
The production-like demo's guarantees across processes (demo/production.py), on a real MariaDB server:
one workbench state row per scope, block and learner however many first calls come at once, and a
handler call holds a lock of its learner and block that other connections see, and no other.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import RequestFactory
from workbench.models import XBlockState

from demo.production import _lock_name, one_call_per_learner_and_block, unique_state_rows

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]

USAGE = "demo-course.skillslab_activity.d0.u0"
KEY = {"scope": "usage", "scope_id": USAGE, "scenario": "demo-course", "tag": "skillslab_activity"}


@pytest.fixture
def unique_index():
    assert connection.vendor == "mysql", "run with --ds=tests.settings_mariadb"
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE workbench_xblockstate DROP INDEX IF EXISTS xblockstate_one_row,"
                       " DROP COLUMN IF EXISTS user_key")


def test_doubled_rows_are_merged_and_the_index_is_added_once(unique_index):
    for user_id in ("anna", "anna", None, None, "luis"):
        XBlockState.objects.create(user_id=user_id, state=f'{{"by": "{user_id}"}}', **KEY)

    assert unique_state_rows() == 2
    assert unique_state_rows() == 0  # already there
    assert sorted(map(str, XBlockState.objects.values_list("user_id", flat=True))) == ["None", "anna", "luis"]


def test_first_calls_at_once_make_one_row(unique_index):
    unique_state_rows()
    threads, errors = 8, []
    start = threading.Barrier(threads)

    def first_call():
        try:
            start.wait()
            for user_id in ("anna", None):  # a learner's row, and a block's row (no learner)
                XBlockState.objects.get_or_create(user_id=user_id, **KEY)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=first_call) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert not errors
    assert XBlockState.objects.filter(user_id="anna", **KEY).count() == 1
    assert XBlockState.objects.filter(user_id=None, **KEY).count() == 1


def lock_free_elsewhere(name: str) -> bool:
    """Whether another connection gets the named lock at once (and gives it back)."""
    seen = {}

    def other():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT GET_LOCK(%s, 0)", [name])
                seen["got"] = cursor.fetchone()[0] == 1
                cursor.execute("SELECT RELEASE_LOCK(%s)", [name])
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    return seen["got"]


def test_a_handler_call_holds_the_lock_of_its_learner_and_block_only():
    assert connection.vendor == "mysql", "run with --ds=tests.settings_mariadb"
    mine, other_learner, other_block = (_lock_name("anna", USAGE), _lock_name("luis", USAGE),
                                        _lock_name("anna", USAGE.replace("d0", "d1")))
    during = {}

    def handler(request):
        during.update(mine=lock_free_elsewhere(mine), other_learner=lock_free_elsewhere(other_learner),
                      other_block=lock_free_elsewhere(other_block))
        return "answer"

    middleware = one_call_per_learner_and_block(handler)
    request = RequestFactory().post(f"/handler/{USAGE}/save_draft/?student=anna")

    assert middleware(request) == "answer"
    assert during == {"mine": False, "other_learner": True, "other_block": True}
    assert lock_free_elsewhere(mine)  # released after the call

    page = RequestFactory().get("/scenario/skillslab_activity.1/?student=anna")
    during.clear()
    assert middleware(page) == "answer"
    assert during["mine"]  # pages take no lock
