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
    assert OutboxRecord.objects.count() == 5


def test_deliver_and_replay_dead_letters(nss):
    enrol(3)
    nss.NSS_RECEIVER_FAULTS = [422]
    out = io.StringIO()
    call_command("etwinning_deliver", stdout=out)
    assert "dead 3" in out.getvalue()
    out = io.StringIO()
    call_command("etwinning_deliver", "--replay-dead", stdout=out)
    assert "3 dead records queued again" in out.getvalue() and "delivered 3" in out.getvalue()
