"""
Delivery under faults, with real servers: a Celery worker on a Redis broker, MariaDB, and the
reference NSS receiver as its own process on loopback. The receiver answers 500, times out, answers
429 and 409, is restarted mid-run; a worker is killed in the middle of a batch and started again.
Every record must arrive, none stored twice, none lost.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connections
from edx_django_utils.plugins import connect_plugin_receivers
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning import signals
from openedx_events.learning.data import CourseData, CourseEnrollmentData, UserData, UserPersonalData

from etwinning_plugin.models import OutboxRecord, PlatformEventReceipt
from reference_receiver.models import ReceivedRecord

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
RECORDS = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: ./dev test installs it (apt-get install redis-server)"
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    wait_for_port(port)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


def test_every_record_arrives_once_through_failures_and_restarts(redis_url, tmp_path, settings):
    assert connections["default"].vendor == "mysql", "run with --ds=tests.settings_mariadb"
    database = connections["default"].settings_dict["NAME"]
    receiver_port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings_mariadb", "SKILLSLAB_MARIADB_NAME": database,
           "CELERY_BROKER_URL": redis_url, "ETWINNING_NSS_URL": f"http://127.0.0.1:{receiver_port}/nss/records/",
           "ETWINNING_READ_TIMEOUT": "1", "ETWINNING_CONNECT_TIMEOUT": "1", "ETWINNING_CLAIM_GRACE": "1",
           "ETWINNING_BATCH_SIZE": "25", "ETWINNING_RETRY_BASE_DELAY": "0.5", "NSS_RECEIVER_TIMEOUT_SLEEP": "2",
           "SKILLSLAB_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}

    def start_receiver(faults: str = "", delay: str = "0.3"):
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{receiver_port}", "--noreload"],
            cwd=ROOT, env={**env, "NSS_RECEIVER_FAULTS": faults, "NSS_RECEIVER_DELAY": delay},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(receiver_port)
        return process

    def start_worker():
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.celery_app", "worker", "--concurrency", "2",
             "--pool", "prefork", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "worker.log", "a"))

    # As in production: the receivers store each event's receipt and ask a worker, over the broker, to
    # record the facts and outbox records; the worker is not even running yet.
    from tests.celery_app import app

    app.conf.broker_url = redis_url
    settings.ETWINNING_RECORD_EVENTS_IN_WORKER = True
    connect_plugin_receivers("lms.djangoapp")
    for n in range(RECORDS):
        signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=CourseEnrollmentData(
            user=UserData(id=n, is_active=True, pii=UserPersonalData(username=f"u{n}", email=f"u{n}@x.gr")),
            course=CourseData(course_key=CourseKey.from_string("course-v1:NSS+SL+2027")), mode="audit",
            is_active=True, creation_date=None))
    assert PlatformEventReceipt.objects.filter(recorded_at=None).count() == RECORDS
    assert not OutboxRecord.objects.exists()  # the request paid for the receipt only

    from celery import Celery

    client = Celery("skillslab-tests-client", broker=redis_url)
    receiver = start_receiver(faults="500,timeout,429,409,500")
    worker = start_worker()
    try:
        # The runs also send the site's year figures (a site_summary); the enrolments are what is watched.
        enrolments = OutboxRecord.objects.filter(record_type="enrollment")
        deadline = time.time() + 240
        killed_at = restarted_at = None
        while time.time() < deadline:
            client.send_task("etwinning_plugin.deliver_pending_reports")  # the platform's schedule
            time.sleep(0.2)
            delivered = enrolments.filter(state="delivered").count()
            if killed_at is None and delivered >= 100:
                worker.send_signal(signal.SIGKILL)  # in the middle of a batch: the NSS is slow
                worker.wait(10)
                killed_at = delivered
                worker = start_worker()
            elif killed_at is not None and restarted_at is None and delivered >= 400:
                receiver.terminate()
                receiver.wait(10)
                restarted_at = delivered
                receiver = start_receiver()
            if delivered == RECORDS:
                break
        # the faults really happened while records were still on their way
        assert killed_at is not None and killed_at < RECORDS and restarted_at is not None and restarted_at < RECORDS
        states = dict.fromkeys(("pending", "delivered", "dead"), 0)
        for state in enrolments.values_list("state", flat=True):
            states[state] += 1
        assert states == {"pending": 0, "delivered": RECORDS, "dead": 0}, states
        received = ReceivedRecord.objects.filter(record_type="enrollment")
        assert received.count() == RECORDS  # every record arrived, each stored once
        keys = set(enrolments.values_list("idempotency_key", flat=True))
        assert keys == set(received.values_list("idempotency_key", flat=True))
        print(f"{RECORDS} records delivered; {ReceivedRecord.objects.filter(deliveries__gt=1).count()} "
              "sent more than once and stored once")
    finally:
        worker.send_signal(signal.SIGKILL)
        receiver.terminate()
        worker.wait(10)
        receiver.wait(10)
