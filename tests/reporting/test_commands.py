"""Reconciliation, replay and delivery from the command line."""

import io

import pytest
from django.core.management import call_command

from etwinning_plugin.models import OutboxRecord
from tests.reporting.conftest import enrol

pytestmark = pytest.mark.django_db(transaction=True)


def test_reconcile_queues_only_what_is_missing(nss):
    enrol(5)
    lost = list(OutboxRecord.objects.order_by("id")[:2])
    OutboxRecord.objects.filter(pk__in=[r.pk for r in lost]).delete()
    out = io.StringIO()
    call_command("etwinning_reconcile", stdout=out, stderr=io.StringIO())
    assert "5 facts checked; 2 missing records queued" in out.getvalue()
    assert {r.idempotency_key for r in lost} <= set(OutboxRecord.objects.values_list("idempotency_key", flat=True))
    call_command("etwinning_reconcile", stdout=out, stderr=io.StringIO())
    assert OutboxRecord.objects.exclude(record_type="site_summary").count() == 5
    assert OutboxRecord.objects.filter(record_type="site_summary").count() == 1  # the same figures: one record


def test_deliver_and_replay_dead_letters(nss):
    enrol(3)
    nss.NSS_RECEIVER_FAULTS = [422]
    out = io.StringIO()
    call_command("etwinning_deliver", stdout=out)
    assert "dead 3" in out.getvalue()
    out = io.StringIO()
    call_command("etwinning_deliver", "--replay-dead", stdout=out)
    assert "3 dead records queued again" in out.getvalue() and "delivered 3" in out.getvalue()


def test_status_shows_health_and_fails_on_dead_letters_without_changing_anything(nss):
    enrol(2)
    out = io.StringIO()
    call_command("etwinning_deliver", "--status", stdout=out)
    assert "pending: 2" in out.getvalue() and out.getvalue().rstrip().endswith("OK")
    assert OutboxRecord.objects.filter(state="pending").count() == 2  # nothing sent
    nss.NSS_RECEIVER_FAULTS = [403]
    call_command("etwinning_deliver", stdout=io.StringIO())
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("etwinning_deliver", "--status", stdout=out)
    assert exit_.value.code == 1 and "dead letters answered 403: 2" in out.getvalue()


def test_a_migration_creates_the_nss_staff_group_operators_fill():
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    from etwinning_plugin.rest_api.permissions import NSS_STAFF_GROUP

    Group.objects.filter(name=NSS_STAFF_GROUP).delete()  # (transactional tests flush what migrations made)
    migration = import_module("etwinning_plugin.migrations.0004_nss_staff_group")
    assert migration.NSS_STAFF_GROUP == NSS_STAFF_GROUP
    migration.create_group(apps, None)
    migration.create_group(apps, None)  # twice: still one
    assert Group.objects.filter(name=NSS_STAFF_GROUP).count() == 1


def test_the_admin_shows_the_outbox_and_replays_dead_letters_in_greek(nss, client):
    from django.contrib.auth.models import User

    enrol(2)
    nss.NSS_RECEIVER_FAULTS = [422]
    call_command("etwinning_deliver", stdout=io.StringIO())
    client.force_login(User.objects.create_superuser("operator", "op@nss.gr", "x"))
    listing = client.get("/admin/etwinning_plugin/outboxrecord/?state__exact=dead", HTTP_ACCEPT_LANGUAGE="el")
    assert listing.status_code == 200 and "enrollment" in listing.content.decode()
    dead = list(OutboxRecord.objects.filter(state="dead").values_list("pk", flat=True))
    response = client.post("/admin/etwinning_plugin/outboxrecord/", {"action": "replay", "_selected_action": dead},
                           HTTP_ACCEPT_LANGUAGE="el", follow=True)
    assert "2 εγγραφές μπήκαν ξανά στην ουρά." in response.content.decode()
    assert OutboxRecord.objects.filter(state="pending", attempts=0).count() == 2
    assert client.get("/admin/etwinning_plugin/platformeventreceipt/").status_code == 200
