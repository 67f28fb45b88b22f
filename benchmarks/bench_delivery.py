#!/usr/bin/env python3
"""
The worker's throughput with real servers: a Celery worker on a Redis broker, MariaDB, and an NSS
on loopback, each its own process, as in production.

    tools/mariadb.sh start var/bench-mariadb 3318
    DJANGO_SETTINGS_MODULE=tests.settings_mariadb SKILLSLAB_MARIADB_SOCKET=$PWD/var/bench-mariadb/mysqld.sock \\
      .venv/bin/python benchmarks/bench_delivery.py --events 20000 --receiver sink
    ... --receiver reference   # the reference NSS receiver (runserver) instead of an endpoint that answers at once

Two measures, each after a warm-up run:

- ``recording``: N enrolment events received (their receipts, as the receivers store them) are
  recorded by the worker into facts and outbox records, in events per second;
- ``delivery``: the same task then sends those N records to the NSS in signed batches of
  ETWINNING_BATCH_SIZE, in records per second; and the same again for N records already in the
  outbox (delivery alone).

The NSS is ``sink`` (benchmarks/sink_server.py: answers 200 at once, the sender's side alone) or
``reference`` (the reference receiver in a ``runserver`` process: it checks signatures and stores each
record once, in one transaction per batch). Redis is started on ``--redis-port`` unless one already
answers there. Time is read by polling the database every 50 ms. Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SKILLSLAB_VAR_DIR", tempfile.mkdtemp(prefix="skillslab-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings_mariadb")

import django  # noqa: E402

django.setup()

from celery import Celery  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from openedx_events.learning import signals  # noqa: E402

from etwinning_plugin.models import (  # noqa: E402
    CompletionFact,
    DeliveryHealth,
    EnrollmentFact,
    OutboxRecord,
    PlatformEventReceipt,
)
from etwinning_plugin.reporting.records import enrollment  # noqa: E402
from reference_receiver.models import ReceivedRecord  # noqa: E402

COURSE = "course-v1:NSS+Bench+2027"
TASK = "etwinning_plugin.deliver_pending_reports"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def forget() -> None:
    for model in (PlatformEventReceipt, EnrollmentFact, CompletionFact, OutboxRecord, DeliveryHealth, ReceivedRecord):
        model.objects.all().delete()


def receive(count: int, first: int) -> None:
    """The receipts the receivers store for ``count`` enrolments (one INSERT each in the platform's requests)."""
    now = timezone.now()
    PlatformEventReceipt.objects.bulk_create([PlatformEventReceipt(
        event_id=uuid.uuid4().hex, event_type=signals.COURSE_ENROLLMENT_CREATED.event_type, occurred_at=now,
        payload={"course_key": COURSE, "user_id": str(n), "mode": "audit", "is_active": True,
                 "enrolled_at": now.isoformat()}) for n in range(first, first + count)], batch_size=2000)


def queue_records(count: int, first: int) -> None:
    """``count`` enrolment records in the outbox, as recording would have queued them."""
    now = timezone.now()
    records = [enrollment.build(COURSE, str(n), mode="audit", is_active=True, enrolled_at=now, occurred_at=now)
               for n in range(first, first + count)]
    OutboxRecord.objects.bulk_create([OutboxRecord(
        idempotency_key=r["idempotency_key"], record_type=r["type"], schema_version=r["schema_version"],
        course_key=COURSE, payload=r, next_attempt_at=now) for r in records], batch_size=2000)


def run(client: Celery, count: int, worker_log: Path) -> tuple[float, float]:
    """
    Ask the worker for a run, as the platform's schedule does; seconds until recorded, and until
    delivered. A run the worker failed (its log has a traceback) stops the benchmark at once, saying so.
    """
    failures = worker_log.read_text().count("Traceback") if worker_log.exists() else 0
    unrecorded = PlatformEventReceipt.objects.filter(recorded_at__isnull=True)
    delivered = OutboxRecord.objects.filter(record_type="enrollment", state=OutboxRecord.DELIVERED)
    start = time.perf_counter()
    client.send_task(TASK)
    recorded_at = None
    while True:
        if recorded_at is None and not unrecorded.exists():
            recorded_at = time.perf_counter() - start
        if recorded_at is not None and delivered.count() >= count:
            return recorded_at, time.perf_counter() - start
        if worker_log.exists() and worker_log.read_text().count("Traceback") > failures:
            raise SystemExit(f"the worker failed the run: see {worker_log}")
        if time.perf_counter() - start > 600:
            raise SystemExit(f"not delivered in 10 minutes: {delivered.count()} of {count}")
        time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--receiver", choices=["sink", "reference"], default="sink")
    parser.add_argument("--batch-size", type=int, default=settings.ETWINNING_BATCH_SIZE)
    parser.add_argument("--redis-port", type=int, default=6391)
    args = parser.parse_args()
    assert connection.vendor == "mysql", "run with DJANGO_SETTINGS_MODULE=tests.settings_mariadb"
    call_command("migrate", verbosity=0)
    forget()
    work = Path(tempfile.mkdtemp(prefix="skillslab-bench-delivery-"))
    processes = []
    try:
        if not listening(args.redis_port):
            processes.append(subprocess.Popen([shutil.which("redis-server"), "--port", str(args.redis_port), "--bind",
                                               "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(work)],
                                              stdout=subprocess.DEVNULL))
            wait_for(lambda: listening(args.redis_port), 30, "redis-server")
        broker = f"redis://127.0.0.1:{args.redis_port}/0"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings_mariadb", "CELERY_BROKER_URL": broker,
               "SKILLSLAB_MARIADB_NAME": connection.settings_dict["NAME"], "SKILLSLAB_VAR_DIR": str(work),
               "ETWINNING_BATCH_SIZE": str(args.batch_size), "PYTHONPATH": str(ROOT)}
        if args.receiver == "sink":
            sink = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "sink_server.py")],
                                    stdout=subprocess.PIPE, text=True)
            processes.append(sink)
            url = f"http://127.0.0.1:{int(sink.stdout.readline())}/"
        else:
            port = free_port()
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT,
                env={**env, "NSS_RECEIVER_DELAY": "0"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_for(lambda: listening(port), 60, "the reference receiver")
            url = f"http://127.0.0.1:{port}/nss/records/"
        client = Celery("skillslab-bench-client", broker=broker)
        client.control.purge()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.celery_app", "worker", "--concurrency", "1", "--pool",
             "prefork", "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env={**env, "ETWINNING_NSS_URL": url}, stdout=subprocess.DEVNULL,
            stderr=open(work / "worker.log", "a")))  # noqa: SIM115 - the worker's, closed with it
        wait_for(lambda: bool(client.control.ping(timeout=0.5)), 60, "the Celery worker")

        receive(500, first=0)  # warm-up: imports, connections, the site summary of the first run
        run(client, 500, work / "worker.log")
        forget()
        receive(args.events, first=1_000_000)
        recorded, delivered = run(client, args.events, work / "worker.log")
        if args.receiver == "reference":
            assert ReceivedRecord.objects.filter(record_type="enrollment").count() == args.events
        forget()
        queue_records(args.events, first=2_000_000)
        _, alone = run(client, args.events, work / "worker.log")
        if args.receiver == "reference":
            assert ReceivedRecord.objects.filter(record_type="enrollment").count() == args.events
        forget()
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(30)
    version = ".".join(map(str, connection.mysql_version))
    print(f"MariaDB {version}; Redis broker; one Celery worker (prefork, concurrency 1); "
          f"NSS: {args.receiver}; batches of {args.batch_size}; Python {sys.version.split()[0]}")
    print(f"recording        {args.events:,} events in {recorded:.2f} s: {args.events / recorded:,.0f} events/s")
    print(f"delivery         {args.events:,} records in {delivered - recorded:.2f} s: "
          f"{args.events / (delivered - recorded):,.0f} records/s (after recording them, in the same run)")
    print(f"recording + delivery  {args.events / delivered:,.0f} events/s end to end")
    print(f"delivery alone   {args.events:,} queued records in {alone:.2f} s: {args.events / alone:,.0f} records/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
