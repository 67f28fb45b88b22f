"""
Delivery of the outbox to the reference NSS receiver over real HTTP on loopback (the live server),
including its failures: errors, throttling, timeouts, duplicates, refusals, a stale record.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from etwinning_plugin.models import DeliveryHealth, OutboxRecord
from etwinning_plugin.reporting import outbox
from reference_receiver.models import ReceivedRecord
from tests.reporting.conftest import enrol

pytestmark = pytest.mark.django_db(transaction=True)


def make_due() -> None:
    """Time passes: every waiting record, and the next probe of an NSS that was not answering, are due."""
    OutboxRecord.objects.filter(state=OutboxRecord.PENDING).update(next_attempt_at=timezone.now())
    DeliveryHealth.objects.filter(next_probe_at__isnull=False).update(next_probe_at=timezone.now())


def test_records_arrive_signed_in_batches_and_once(nss):
    nss.ETWINNING_BATCH_SIZE = 4
    enrol(10)
    outcome = outbox.deliver_all()
    assert (outcome.sent, outcome.delivered) == (10, 10)
    assert ReceivedRecord.objects.count() == 10
    assert set(OutboxRecord.objects.values_list("state", flat=True)) == {"delivered"}
    assert outbox.deliver_all().sent == 0  # nothing left
    # a record sent again (a worker died after sending, before recording) is stored once
    OutboxRecord.objects.filter(pk=OutboxRecord.objects.first().pk).update(state="pending",
                                                                           next_attempt_at=timezone.now())
    assert outbox.deliver_all().delivered == 1
    assert ReceivedRecord.objects.count() == 10 and ReceivedRecord.objects.filter(deliveries=2).count() == 1


def test_server_errors_and_timeouts_start_an_outage_probed_one_record_at_a_time(nss):
    enrol(3)
    nss.NSS_RECEIVER_FAULTS = [500, "timeout"]
    first = outbox.deliver_once()
    assert (first.sent, first.retried) == (3, 3)
    record = OutboxRecord.objects.first()
    assert record.last_status == 500 and record.attempts == 1
    assert record.next_attempt_at > timezone.now() + timedelta(seconds=25)  # 30 s back-off, with jitter
    assert outbox.deliver_once().sent == 0  # nothing is tried before the probe
    make_due()
    second = outbox.deliver_once()
    assert (second.sent, second.retried) == (1, 1)  # the probe: one record
    assert OutboxRecord.objects.filter(last_error="ReadTimeout").count() == 1
    make_due()
    assert outbox.deliver_all().delivered == 3  # the probe gets through, and the others follow at once
    assert ReceivedRecord.objects.count() == 3


def test_throttling_honours_retry_after(nss):
    enrol(1)
    nss.NSS_RECEIVER_FAULTS = [429]
    outbox.deliver_once()
    record = OutboxRecord.objects.get()
    assert record.state == "pending" and record.next_attempt_at <= timezone.now() + timedelta(seconds=2)


def test_409_counts_as_delivered(nss):
    enrol(2)
    nss.NSS_RECEIVER_FAULTS = [409]
    assert outbox.deliver_once().delivered == 2


def test_a_refusal_is_a_dead_letter_kept_with_the_answer_and_replayable(nss):
    enrol(2)
    nss.NSS_RECEIVER_SECRET = "another-secret"  # the NSS cannot verify us: 401
    assert outbox.deliver_once().dead == 2
    record = OutboxRecord.objects.first()
    assert record.state == "dead" and record.last_status == 401 and "bad signature" in record.last_error
    nss.NSS_RECEIVER_SECRET = nss.ETWINNING_NSS_SECRET
    assert outbox.replay_dead() == 2
    assert outbox.deliver_all().delivered == 2


def test_a_record_too_old_to_retry_becomes_dead(nss):
    enrol(1)
    OutboxRecord.objects.update(created_at=timezone.now() - timedelta(days=4))
    nss.NSS_RECEIVER_FAULTS = [503]
    assert outbox.deliver_once().dead == 1


def test_nothing_is_sent_without_an_nss_address_or_while_reporting_is_paused(nss):
    enrol(2)
    nss.ETWINNING_REPORTING_ENABLED = False  # an operator pausing delivery (docs/operators.md: rotating the secret)
    assert outbox.deliver_all().sent == 0
    nss.ETWINNING_REPORTING_ENABLED, nss.ETWINNING_NSS_URL = True, ""
    assert outbox.deliver_all().sent == 0
    assert OutboxRecord.objects.filter(state="pending").count() == 2


def test_back_off_grows_and_is_capped(settings):
    import random

    rng = random.Random(1)
    delays = [outbox.probe_delay(n, rng) for n in range(1, 15)]
    assert 30 <= delays[0] <= 37.5 and 60 <= delays[1] <= 75
    assert max(delays) <= settings.ETWINNING_OUTAGE_PROBE_MAX * 1.25


def test_a_redirect_is_not_followed_and_the_batch_is_retried(nss):
    """A 307 would re-send the signed batch to wherever it points: never followed, kept, retried."""
    enrol(2)
    nss.NSS_RECEIVER_FAULTS = ["redirect"]
    outcome = outbox.deliver_once()
    assert (outcome.delivered, outcome.retried) == (0, 2)
    record = OutboxRecord.objects.first()
    assert record.state == "pending" and record.last_status == 307
    assert "not followed" in record.last_error and "redirected=1" in record.last_error
    keys = list(OutboxRecord.objects.values_list("idempotency_key", flat=True))
    assert not ReceivedRecord.objects.filter(idempotency_key__in=keys).exists()  # nothing went anywhere
