"""
Recovery after an NSS outage (issue 14, point 6), on a controllable clock: the NSS is down for a
simulated day while teachers keep working. When it answers again, everything waiting is delivered
within minutes, and the outage spent tries on a probe at a time, not on every record.

The NSS lies outside this machine, so its answers come from a stand-in session: 503 during the
outage, then 200. Delivery runs when the platform would start one: when a record is queued
(``schedule_worker``) and at the time the outbox asks for its next run (``next_run_at``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.utils import timezone

from etwinning_plugin.models import OutboxRecord
from etwinning_plugin.reporting import outbox, records

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
OUTAGE = timedelta(days=1)


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


class NSS:
    """The NSS's answers: 503 until ``back_at``, then 200 (it stores what it gets)."""

    def __init__(self, clock: Clock, back_at: datetime):
        self.clock, self.back_at, self.requests, self.down_requests = clock, back_at, 0, 0

    def post(self, url, data=None, headers=None, allow_redirects=False, timeout=None):
        response = requests.Response()
        self.requests += 1
        if self.clock() < self.back_at:
            self.down_requests += 1
            response.status_code, response._content = 503, b"maintenance"
        else:
            response.status_code, response._content = 200, b"{}"
        return response


def enrol(n: int, clock: Clock) -> None:
    for i in range(n):
        outbox.queue(records.enrollment.build("course-v1:NSS+SkillsLabs+2027", f"u{clock().timestamp()}-{i}",
                                              mode="audit", is_active=True, enrolled_at=None,
                                              occurred_at=clock()))


def next_run(now: datetime) -> datetime | None:
    """When the outbox asks for its next delivery run (the Celery task's follow-up), if anything waits."""
    asked = outbox.next_run_at() if hasattr(outbox, "next_run_at") else None
    if asked is None:  # before the change: the earliest record due
        first = OutboxRecord.objects.filter(state=OutboxRecord.PENDING).order_by("next_attempt_at").first()
        asked = first.next_attempt_at if first else None
    return None if asked is None else max(asked, now)


def test_after_a_day_down_everything_waiting_is_delivered_within_minutes(settings, monkeypatch):
    settings.ETWINNING_REPORTING_ENABLED = True
    settings.ETWINNING_NSS_URL = "https://nss.example.gr/records"
    settings.ETWINNING_BATCH_SIZE = 50
    settings.ETWINNING_MAX_RECORD_AGE = 7 * 24 * 3600  # a day down must not kill anything here
    clock = Clock(START)
    monkeypatch.setattr(timezone, "now", clock)
    monkeypatch.setattr(outbox, "schedule_worker", lambda: None)  # runs are started by the loop below
    nss = NSS(clock, back_at=START + OUTAGE)

    arrivals = [START + timedelta(hours=h) for h in range(0, 25)]  # 20 enrolments an hour, all day
    runs = 0
    while clock() < START + OUTAGE + timedelta(hours=12):
        while arrivals and arrivals[0] <= clock():
            arrivals.pop(0)
            enrol(20, clock)
            outbox.deliver_all(session=nss)  # a new record asks for a run
            runs += 1
        outbox.deliver_all(session=nss)
        runs += 1
        if not OutboxRecord.objects.filter(state=OutboxRecord.PENDING).exists() and not arrivals:
            break
        due = [moment for moment in (next_run(clock()), arrivals[0] if arrivals else None) if moment]
        clock.moment = max(min(due), clock() + timedelta(seconds=1))

    delivered = OutboxRecord.objects.filter(state=OutboxRecord.DELIVERED)
    assert delivered.count() == 25 * 20 and not OutboxRecord.objects.exclude(state=OutboxRecord.DELIVERED).exists()
    caught_up = max(delivered.values_list("delivered_at", flat=True))
    assert caught_up - nss.back_at <= timedelta(minutes=10), f"caught up {caught_up - nss.back_at} after the NSS"
    # Tries went to probes of one record, not to every record: the first failed batch, then one try
    # per probe, at most one probe every ETWINNING_OUTAGE_PROBE_MAX (5 minutes) for the day.
    spent = sum(delivered.values_list("attempts", flat=True)) - delivered.count()
    assert nss.down_requests <= 24 * 60 // 5 + 10, nss.down_requests
    assert spent <= (nss.down_requests - 1) + settings.ETWINNING_BATCH_SIZE, (spent, nss.down_requests)
    assert delivered.filter(attempts=1).count() >= delivered.count() - spent
