"""
The change feed (``POST /etwinning/changes/``, etwinning_plugin/change_feed.py, api/changes.py):
tokens issued by the blocks' real handlers in the workbench, stamps moved by the api's writers once
they commit, and every bad request refused with a clear message and nothing changed.
"""

from __future__ import annotations

import json
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from etwinning_plugin import api
from etwinning_plugin.api import changes
from etwinning_plugin.change_feed import MAX_TOKENS
from etwinning_plugin.models import Invitation
from skillslab_xblock.scenarios import activity_olx
from tests.harness import CARDS, make_partnership

FEED = "/etwinning/changes/"


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache every process would share (files here; Redis on a site): the feed is on."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache"), "TIMEOUT": None}}
    yield
    cache.clear()


@pytest.fixture
def step(scenario_factory, shared_cache, django_capture_on_commit_callbacks):
    """A shared step of Anna and Luís, partners."""
    made = scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared"))
    with django_capture_on_commit_callbacks(execute=True):
        make_partnership(made.course_key, "anna", "luis")
    return made


def ask(tokens, student: str = "anna", client: Client | None = None, lang: str = "en", **extra):
    client = client or Client()
    body = extra.pop("body", None)
    data = body if body is not None else json.dumps(tokens)
    response = client.post(f"{FEED}?student={student}&lang={lang}", data=data, content_type="application/json",
                           **extra)
    return response.status_code, json.loads(response.content.decode("utf-8") or "{}")


def feed_of(step, student: str) -> dict:
    """The ``feed`` of the learner's shared_state answer: what their page watches, and its stamp."""
    answer = step.post("shared_state", {}, student=student)
    assert answer.status == 200, answer.body
    return answer.body["feed"]


# --- good tokens ---------------------------------------------------------------------------------


def test_a_page_learns_of_its_partners_save_from_the_feed_and_only_then(step, django_capture_on_commit_callbacks):
    anna = feed_of(step, "anna")
    assert anna["url"] == f"{FEED}?student=anna"  # the workbench's handler URLs name the learner there
    assert ask({"tokens": [anna["token"]]}) == (200, {"stamps": [anna["stamp"]]})

    version = step.post("shared_state", {}, student="luis").body["shared"]["version"]
    with django_capture_on_commit_callbacks(execute=True):
        saved = step.post("save_draft", {"worksheet": {"goal": {"shared_goal": "Map both rivers"}},
                                         "base_version": version}, student="luis")
    assert saved.status == 200
    status, body = ask({"tokens": [anna["token"]]})
    assert status == 200 and body["stamps"][0] not in (None, anna["stamp"])  # Anna's step must ask

    # Her handler's answer shows the save, with the stamp read before it: the feed is quiet again.
    again = feed_of(step, "anna")
    assert step.post("shared_state", {}, student="anna").body["worksheet"]["goal"]["shared_goal"] == "Map both rivers"
    assert ask({"tokens": [again["token"]]}) == (200, {"stamps": [again["stamp"]]})


@pytest.mark.django_db(transaction=True)
def test_the_learners_own_save_answer_carries_the_stamp_of_that_save(shared_cache):
    """
    The page that saved is not woken by its own save: the save commits (and bumps) before the
    handler reads the state it answers with, and the stamp before that.
    """
    from tests.harness import WorkbenchScenario

    step = WorkbenchScenario(activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared"))
    make_partnership(step.course_key, "anna", "luis")
    version = step.post("shared_state", {}, student="anna").body["shared"]["version"]
    saved = step.post("save_draft", {"worksheet": {"goal": {"shared_goal": "Rivers"}}, "base_version": version},
                      student="anna")
    step.close()
    assert ask({"tokens": [saved.body["feed"]["token"]]}) == (200, {"stamps": [saved.body["feed"]["stamp"]]})


def test_several_blocks_in_one_request_in_order(step, scenario_factory):
    partners = scenario_factory("<etwinning_partners/>", "etwinning_partners")
    current = partners.post("current", {}, student="anna").body
    step_feed = feed_of(step, "anna")
    status, body = ask({"tokens": [step_feed["token"], current["feed"]["token"], step_feed["token"]]})
    assert status == 200
    assert body["stamps"] == [step_feed["stamp"], current["feed"]["stamp"], step_feed["stamp"]]


def test_a_stamp_the_cache_lost_is_unknown_until_the_handler_puts_it_back(step):
    anna = feed_of(step, "anna")
    cache.clear()  # evicted, or the cache restarted
    assert ask({"tokens": [anna["token"]]}) == (200, {"stamps": [None]})  # the page asks the handler
    assert ask({"tokens": [anna["token"]]}) == (200, {"stamps": [None]})  # the feed itself writes nothing
    again = feed_of(step, "anna")  # the handler (which may write) puts it back
    assert again["stamp"] is not None and again["stamp"] != anna["stamp"]
    assert ask({"tokens": [anna["token"]]}) == (200, {"stamps": [again["stamp"]]})


def test_the_feed_writes_nothing(step):
    anna = feed_of(step, "anna")
    client = Client()
    ask({"tokens": [anna["token"]]}, client=client)  # the demo signs the workbench student in, once
    before = changes.stamps(changes.read(anna["token"])[1])
    with CaptureQueriesContext(connection) as queries:
        assert ask({"tokens": [anna["token"]] * 3}, client=client)[0] == 200
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries), \
        queries.captured_queries
    assert changes.stamps(changes.read(anna["token"])[1]) == before


def test_a_view_reads_stamps_and_writes_none(step):
    cache.clear()
    page = step.render(student="anna")
    assert "etwinning/changes/" in page  # the page's feed, in the script's arguments
    assert all(value is None for value in changes.stamps([changes.partnering(step.course_key, "anna")]).values())


# --- bad requests ----------------------------------------------------------------------------------


def test_a_forged_token_is_refused(step):
    anna = feed_of(step, "anna")
    learner, keys = changes.read(anna["token"])
    forged = signing.dumps({"u": learner, "k": keys}, key="not the site's secret", salt=changes.SALT, compress=True)
    tampered = anna["token"][:-2] + ("AA" if not anna["token"].endswith("AA") else "BB")
    for token in (forged, tampered, "not-a-token", "x" * 900):
        status, body = ask({"tokens": [anna["token"], token]})
        assert status == 400, token
        assert body == {"error": "A watch token is not valid or has expired. Reload the page."}


def test_an_expired_token_is_refused(step, monkeypatch):
    keys = [changes.partnering(step.course_key, "anna")]
    issued = time.time() - changes.TOKEN_MAX_AGE - 60
    monkeypatch.setattr(signing.time, "time", lambda: issued)
    old = changes.issue("anna", keys)
    monkeypatch.undo()
    assert ask({"tokens": [old]})[0] == 400
    assert ask({"tokens": [changes.issue("anna", keys)]})[0] == 200


def test_another_learners_token_is_refused(step):
    luis = feed_of(step, "luis")
    assert ask({"tokens": [luis["token"]]}, student="luis")[0] == 200
    status, body = ask({"tokens": [luis["token"]]}, student="anna")
    assert (status, body) == (400, {"error": "A watch token was issued to someone else. Reload the page."})


def test_a_token_of_a_platform_user_id_is_checked_against_the_signed_in_user(step, django_user_model):
    """On the LMS a learner id is the user's id: another user's id in a good token is refused."""
    user = django_user_model.objects.create(username="teacher")
    client = Client()
    client.force_login(user)
    keys = [changes.partnering(step.course_key, str(user.pk))]
    mine, theirs = changes.issue(str(user.pk), keys), changes.issue(str(user.pk + 1), keys)
    assert client.post(FEED, {"tokens": [mine]}, content_type="application/json").status_code == 200
    assert client.post(FEED, {"tokens": [theirs]}, content_type="application/json").status_code == 400


@pytest.mark.parametrize("body", [
    "{", "[]", '"tokens"', "null", '{"tokens": "abc"}', '{"tokens": []}', '{"tokens": [1]}',
    '{"tokens": [""]}', '{"tokens": ["a"], "more": 1}', b"\xff\xfe",
])
def test_malformed_requests_are_refused(step, body):
    status, answer = ask(None, body=body)
    assert status == 400
    assert answer["error"] == "The request must be a JSON object with a list of watch tokens."


def test_too_many_tokens_are_refused(step):
    token = feed_of(step, "anna")["token"]
    assert ask({"tokens": [token] * MAX_TOKENS})[0] == 200
    status, body = ask({"tokens": [token] * (MAX_TOKENS + 1)})
    assert (status, body) == (400, {"error": f"Too many watch tokens: at most {MAX_TOKENS} in one request."})


def test_huge_input_is_refused_unread(step):
    token = feed_of(step, "anna")["token"]
    status, body = ask(None, body=json.dumps({"tokens": [token] * 400}))
    assert (status, body) == (400, {"error": "The request is too large."})
    status, _body = ask(None, body=json.dumps({"tokens": ["y" * 2000]}))
    assert status == 400


def test_the_error_is_in_the_learners_language(step):
    status, body = ask(None, body="{", lang="el")
    assert status == 400 and body["error"] != "The request must be a JSON object with a list of watch tokens."


def test_only_post_and_only_signed_in(step):
    token = feed_of(step, "anna")["token"]
    assert Client().get(f"{FEED}?student=anna").status_code == 405
    # nobody signed in
    response = Client().post(f"{FEED}?lang=en", {"tokens": [token]}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"] == "Please sign in to take part."


def test_with_a_local_memory_cache_the_feed_is_off_and_the_blocks_poll_their_handlers(step, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "feed" not in step.post("shared_state", {}, student="anna").body  # the page asks shared_state
    token = changes.issue("anna", [changes.partnering(step.course_key, "anna")])
    status, body = ask({"tokens": [token]})
    assert status == 404 and "cache" in body["error"]


# --- what moves a stamp --------------------------------------------------------------------------


@pytest.fixture
def watching(shared_cache, django_capture_on_commit_callbacks):
    """``moved(keys)`` runs the block's writes with their commit callbacks and says which stamps moved."""
    def moved(action, **keys) -> set[str]:
        changes.seeded(list(keys.values()))
        before = changes.stamps(list(keys.values()))
        with django_capture_on_commit_callbacks(execute=True):
            action()
        after = changes.stamps(list(keys.values()))
        return {name for name, key in keys.items() if after[key] != before[key]}

    return moved


COURSE = "course-v1:NSS+SL1+2026"


def partnering(*learners: str) -> dict[str, str]:
    return {learner: changes.partnering(COURSE, learner) for learner in learners}


@pytest.mark.django_db
def test_invitation_answers_withdrawal_and_leaving_move_the_stamps_of_those_who_see_them(watching):
    for learner in ("anna", "luis", "eva"):
        api.save_card(COURSE, learner, CARDS[learner])
    luis_card, eva_card = api.get_card(COURSE, "luis"), api.get_card(COURSE, "eva")
    assert watching(lambda: api.invite(COURSE, "anna", luis_card.id, "", 6),
                    **partnering("anna", "luis", "eva")) == {"anna", "luis"}
    invitation = api.invitations(COURSE, "luis")[0][0]
    assert watching(lambda: api.respond(COURSE, "luis", invitation.id, accept=True, max_size=6),
                    **partnering("anna", "luis", "eva")) == {"anna", "luis"}
    assert watching(lambda: api.invite(COURSE, "anna", eva_card.id, "", 6),
                    **partnering("anna", "luis", "eva")) == {"anna", "eva"}
    sent = api.invitations(COURSE, "anna")[1][0]
    assert watching(lambda: api.withdraw(COURSE, "anna", sent.id), **partnering("anna", "luis", "eva")) \
        == {"anna", "eva"}
    api.invite(COURSE, "anna", eva_card.id, "", 6)
    invitation = api.invitations(COURSE, "eva")[0][0]
    assert watching(lambda: api.respond(COURSE, "eva", invitation.id, accept=False, max_size=6),
                    **partnering("anna", "luis", "eva")) == {"anna", "eva"}
    Invitation.objects.all().delete()  # invite again at once (a declined school waits a week)
    api.invite(COURSE, "anna", eva_card.id, "", 6)
    invitation = api.invitations(COURSE, "eva")[0][0]
    # Joining a partnership of two: everyone in it sees the third school.
    assert watching(lambda: api.respond(COURSE, "eva", invitation.id, accept=True, max_size=6),
                    **partnering("anna", "luis", "eva")) == {"anna", "luis", "eva"}
    assert watching(lambda: api.leave(COURSE, "luis"), **partnering("anna", "luis", "eva")) == {"anna", "luis", "eva"}


@pytest.mark.django_db
def test_a_retired_learners_partners_and_invited_see_them_go(watching):
    from types import SimpleNamespace

    from etwinning_plugin.receivers import retire_learner

    for learner in ("anna", "luis", "eva", "ola"):
        api.save_card(COURSE, learner, CARDS.get(learner, CARDS["eva"]))
    make_partnership(COURSE, "anna", "luis")
    api.invite(COURSE, "eva", api.get_card(COURSE, "anna").id, "", 6)
    assert watching(lambda: retire_learner(sender=None, user=SimpleNamespace(id="anna")),
                    **partnering("anna", "luis", "eva", "ola")) == {"luis", "eva"}


@pytest.mark.django_db
def test_a_card_save_moves_the_stamps_of_the_partners_and_the_invited(watching):
    for learner in ("anna", "luis", "eva"):
        api.save_card(COURSE, learner, CARDS[learner])
    make_partnership(COURSE, "anna", "luis")
    api.invite(COURSE, "anna", api.get_card(COURSE, "eva").id, "", 6)
    renamed = {**CARDS["anna"], "teacher_name": "Anna P."}
    assert watching(lambda: api.save_card(COURSE, "anna", renamed), **partnering("anna", "luis", "eva")) \
        == {"anna", "luis", "eva"}
    assert watching(lambda: api.save_card(COURSE, "eva", CARDS["eva"]), **partnering("anna", "luis", "eva")) \
        == {"eva"}


@pytest.mark.django_db
def test_saves_restores_and_submissions_move_the_documents_stamp(watching):
    ref = api.DocumentRef(COURSE, "block-1", "partnership:p1")
    other = changes.document("block-2", "partnership:p1")
    doc = changes.document(ref.usage_key, ref.owner_key)
    assert watching(lambda: api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "A"}}), doc=doc,
                    other=other) == {"doc"}
    assert watching(lambda: api.save_document(ref, "luis", 1, {"goal": {"shared_goal": "A"}}), doc=doc) == set()
    assert watching(lambda: api.save_document(ref, "luis", 1, {"goal": {"shared_goal": "B"}}), doc=doc) == {"doc"}
    assert watching(lambda: api.restore_revision(ref, "anna", 1), doc=doc) == {"doc"}
    assert watching(lambda: api.submit_document(ref, "anna", 3, "Step"), doc=doc) == {"doc"}
    # A refused save (a collision) moves nothing.
    assert watching(lambda: api.save_document(ref, "luis", 1, {"goal": {"shared_goal": "C"}}), doc=doc) == set()


@pytest.mark.django_db
def test_a_stamp_is_bumped_only_once_the_transaction_commits(shared_cache, django_capture_on_commit_callbacks):
    ref = api.DocumentRef(COURSE, "block-1", "learner:anna")
    key = changes.document(ref.usage_key, ref.owner_key)
    before = changes.seeded([key])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "A"}})
        assert changes.stamps([key]) == before  # not yet: a page asking now would find the old state
    for callback in callbacks:
        callback()
    assert changes.stamps([key]) != before


def test_a_bump_of_a_lost_stamp_makes_a_new_random_one(shared_cache):
    key = changes.partnering(COURSE, "anna")
    changes.bump([key])
    first = changes.stamps([key])[key]
    cache.clear()
    changes.bump([key])
    assert changes.stamps([key])[key] not in (None, first, first + 1)
