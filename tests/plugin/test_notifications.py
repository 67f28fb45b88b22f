"""
Partnership notices through the real edx-ace (its Django e-mail channel, as the LMS configures it)
and a real Celery task: an invitation received, accepted or declined reaches the teacher in their
language, after the change is committed, never in the learner's request.
"""

from __future__ import annotations

import pytest
from celery import current_app
from django.contrib.auth.models import User
from django.core import mail

from etwinning_plugin import api
from tests.harness import CARDS

pytestmark = pytest.mark.django_db
COURSE = "course-v1:NSS+SkillsLabs+2027"


@pytest.fixture
def eager_celery():
    """The task runs where it is queued (the tests have no worker); it is still the Celery task."""
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = False


@pytest.fixture
def teachers(eager_celery):
    """Anna works in Greek, Luís and Eva in English; their learner ids are their platform user ids."""
    people = {}
    for name, language in (("anna", "el"), ("luis", "en"), ("eva", "en")):
        user = User.objects.create_user(name, f"{name}@school.test", "x")
        api.save_card(COURSE, str(user.id), CARDS[name], language=language)
        people[name] = str(user.id)
    return people


def test_an_invitation_reaches_the_invited_teacher_in_greek(teachers, django_capture_on_commit_callbacks):
    card = api.get_card(COURSE, teachers["anna"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api.invite(COURSE, teachers["luis"], card.id, "Let's map <b>rivers</b> & lakes together!", 4)
    assert mail.outbox == [], "nothing is sent before the invitation is committed"
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["anna@school.test"] and message.from_email == "etwinning@mooc.test"
    assert message.subject == "Luís (Escola Básica de Braga) σας προσκαλεί σε σύμπραξη eTwinning"
    assert "Αγαπητή/Αγαπητέ Anna," in message.body
    assert "Let's map <b>rivers</b> & lakes together!" in message.body  # plain text stays plain
    html = message.alternatives[0][0]
    assert "&lt;b&gt;rivers&lt;/b&gt; &amp; lakes" in html and "<b>rivers" not in html
    assert "https://mooc.etwinning.test/courses/course-v1:NSS+SkillsLabs+2027/course/" in html


def test_acceptance_and_refusal_reach_the_inviter_in_english(teachers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.invite(COURSE, teachers["luis"], api.get_card(COURSE, teachers["anna"]).id, "", 4)
        api.invite(COURSE, teachers["luis"], api.get_card(COURSE, teachers["eva"]).id, "", 4)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        received, _sent = api.invitations(COURSE, teachers["anna"])
        api.respond(COURSE, teachers["anna"], received[0].id, accept=True, max_size=4)
        received, _sent = api.invitations(COURSE, teachers["eva"])
        api.respond(COURSE, teachers["eva"], received[0].id, accept=False, max_size=4)
    accepted, declined = mail.outbox
    assert accepted.to == declined.to == ["luis@school.test"]
    assert accepted.subject == ("Anna (1st Primary School of Patras) accepted your invitation: "
                                "your schools are partners")
    assert declined.subject == "Eva (Gymnázium Brno) declined your invitation"


def test_a_learner_without_a_platform_account_gets_no_notice(eager_celery, django_capture_on_commit_callbacks):
    """The SDK workbench's learners ("anna") have no account: nothing is sent, nothing fails."""
    api.save_card(COURSE, "anna", CARDS["anna"])
    api.save_card(COURSE, "luis", CARDS["luis"])
    with django_capture_on_commit_callbacks(execute=True):
        api.invite(COURSE, "luis", api.get_card(COURSE, "anna").id, "", 4)
    assert mail.outbox == []


def test_a_broker_that_is_away_never_fails_the_learners_action(teachers, django_capture_on_commit_callbacks,
                                                                 settings):
    """No worker reachable (the broker refuses): the invitation stands, the notice is logged as lost."""
    current_app.conf.task_always_eager = False
    broker_url = current_app.conf.broker_url
    current_app.conf.broker_url = "amqp://guest@127.0.0.1:1//"  # nothing listens there
    try:
        with django_capture_on_commit_callbacks(execute=True):
            invitation = api.invite(COURSE, teachers["luis"], api.get_card(COURSE, teachers["anna"]).id, "", 4)
    finally:
        current_app.conf.broker_url = broker_url
    assert api.invitations(COURSE, teachers["anna"])[0][0].id == invitation.id
    assert mail.outbox == []
