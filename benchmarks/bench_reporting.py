#!/usr/bin/env python3
"""
Reporting: what recording a platform event costs, how fast the outbox is delivered, and how long
the course figures take for a million enrolments.

    .venv/bin/python benchmarks/bench_reporting.py [--events 2000] [--deliver 5000] [--enrolments 1000000]
    DJANGO_SETTINGS_MODULE=tests.settings_mariadb SKILLSLAB_MARIADB_SOCKET=... .venv/bin/python ...

- ``record an event``: COURSE_ENROLLMENT_CREATED sent with our receivers connected (fact, receipt and
  outbox record in one transaction), against the bar PRODUCT.md sets: one small database insert.
- ``delivery``: records per second from the outbox to the reference NSS receiver, a separate
  process on loopback, in signed batches of ETWINNING_BATCH_SIZE.
- ``course figures``: ``course_figures`` over N enrolment facts (half passing), with the peak of
  Python memory it allocates (tracemalloc): flat, because only counts leave the database.

Not a test.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SKILLSLAB_VAR_DIR", tempfile.mkdtemp(prefix="skillslab-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from edx_django_utils.plugins import connect_plugin_receivers  # noqa: E402
from opaque_keys.edx.keys import CourseKey  # noqa: E402
from openedx_events.learning import signals  # noqa: E402
from openedx_events.learning.data import CourseData, CourseEnrollmentData, UserData, UserPersonalData  # noqa: E402

from etwinning_plugin.models import CompletionFact, EnrollmentFact, OutboxRecord, PlatformEventReceipt  # noqa: E402
from etwinning_plugin.reporting import outbox  # noqa: E402
from etwinning_plugin.reporting.facts import record_pending_events  # noqa: E402
from etwinning_plugin.reports import teacher_tallies  # noqa: E402
from etwinning_plugin.reports.figures import course_figures  # noqa: E402
from tests.harness import only_plugin_apps  # noqa: E402

COURSE = CourseKey.from_string("course-v1:NSS+Bench+2027")


def enrollment(n: int) -> CourseEnrollmentData:
    return CourseEnrollmentData(user=UserData(id=n, is_active=True, pii=UserPersonalData(username=f"u{n}",
                                                                                          email=f"u{n}@x.gr")),
                                course=CourseData(course_key=COURSE), mode="audit", is_active=True,
                                creation_date=None)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_events(count: int) -> tuple[float, float]:
    """
    The same signal machinery on both sides: COURSE_ENROLLMENT_CREATED with our receivers, and
    COURSE_ENROLLMENT_CHANGED with only a receiver that makes one small insert (the bar). Ours runs
    as in production: the receipt in the request, the facts left to the worker (which is asked for
    through Celery, here on an in-memory broker, at most once per ETWINNING_WORKER_DELAY).
    """
    import tests.celery_app  # noqa: F401, PLC0415 - the Celery app the receiver schedules with

    settings.ETWINNING_RECORD_EVENTS_IN_WORKER = True
    with only_plugin_apps("etwinning_plugin"):  # edx-completion, installed for the tests, needs edx-platform
        connect_plugin_receivers("lms.djangoapp")
    signals.COURSE_ENROLLMENT_CHANGED.disconnect(dispatch_uid="etwinning_plugin.course_enrollment_changed")

    def one_insert(enrollment=None, metadata=None, **kwargs):
        # marked recorded: the worker has nothing to do for the bar's rows
        PlatformEventReceipt.objects.create(event_id=str(metadata.id), event_type=metadata.event_type,
                                            recorded_at=metadata.time)

    signals.COURSE_ENROLLMENT_CHANGED.connect(one_insert, dispatch_uid="bench.one_insert")
    ours, insert = [], []
    for n in range(count):
        data = enrollment(1_000_000 + n)
        start = time.perf_counter()
        signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=data)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        signals.COURSE_ENROLLMENT_CHANGED.send_event(enrollment=data)
        insert.append(time.perf_counter() - start)
    signals.COURSE_ENROLLMENT_CHANGED.disconnect(dispatch_uid="bench.one_insert")
    return median_ms(ours), median_ms(insert)


def bench_recording() -> tuple[int, float]:
    """What the worker then does: the received events' facts and outbox records, in events per second."""
    start = time.perf_counter()
    recorded = record_pending_events()
    return recorded, recorded / (time.perf_counter() - start)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_delivery(count: int) -> float:
    OutboxRecord.objects.all().delete()
    now = timezone.now()
    OutboxRecord.objects.bulk_create([OutboxRecord(
        idempotency_key=f"{n:064x}", record_type="enrollment", schema_version="1.0", course_key=str(COURSE),
        payload={"type": "enrollment", "idempotency_key": f"{n:064x}", "course_id": str(COURSE)},
        next_attempt_at=now) for n in range(count)], batch_size=2000)
    port = free_port()
    env = {**os.environ, "NSS_RECEIVER_DELAY": "0"}
    receiver = subprocess.Popen([sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        settings.ETWINNING_NSS_URL = f"http://127.0.0.1:{port}/nss/records/"
        settings.ETWINNING_REPORTING_ENABLED = True
        start = time.perf_counter()
        result = outbox.deliver_all()
        elapsed = time.perf_counter() - start
        assert result.delivered == count, result
        return count / elapsed
    finally:
        receiver.terminate()
        receiver.wait(10)


def bench_figures(enrolments: int) -> tuple[float, float, float]:
    """The run's figures (seconds, Python memory peak), after its teachers' tallies are made (seconds)."""
    EnrollmentFact.objects.filter(course_key=str(COURSE)).delete()
    CompletionFact.objects.filter(course_key=str(COURSE)).delete()
    now = timezone.now()
    for start in range(0, enrolments, 20_000):
        stop = min(start + 20_000, enrolments)
        EnrollmentFact.objects.bulk_create([EnrollmentFact(course_key=str(COURSE), user_id=str(n), mode="audit",
                                                           is_active=True, updated_at=now)
                                            for n in range(start, stop)], batch_size=5000)
        CompletionFact.objects.bulk_create([CompletionFact(course_key=str(COURSE), user_id=str(n), is_passing=True,
                                                           updated_at=now)
                                            for n in range(start, stop, 2)], batch_size=5000)
    # Written past the recording (which marks each teacher due), as an upgraded site's facts: all due.
    start = time.perf_counter()
    teacher_tallies.mark_all_due()
    teacher_tallies.settle()
    settled = time.perf_counter() - start
    tracemalloc.start()
    start = time.perf_counter()
    figures = course_figures(str(COURSE))
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert figures["enrolled"] == enrolments
    return elapsed, peak / 1024, settled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--deliver", type=int, default=5000)
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    ours, one_insert = bench_events(args.events)
    recorded, recording_rate = bench_recording()
    throughput = bench_delivery(args.deliver)
    seconds, peak_kib, settled = bench_figures(args.enrolments)
    print(f"database: {connection.vendor}; Python {sys.version.split()[0]}")
    print(f"record an event     ours {ours:.2f} ms median, a receiver making one small insert "
          f"{one_insert:.2f} ms: ratio {ours / one_insert:.2f}")
    print(f"worker recording    {recorded:,} events: {recording_rate:,.0f} events/s (facts and outbox records)")
    print(f"delivery            {throughput:,.0f} records/s to the reference receiver "
          f"(batches of {settings.ETWINNING_BATCH_SIZE})")
    print(f"course figures      {args.enrolments:,} enrolments: {seconds:.2f} s, "
          f"Python memory peak {peak_kib:,.0f} KiB (their teachers' tallies made first in {settled:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
