#!/usr/bin/env python3
"""
What recording a platform event costs the platform's request: our receiver side by side with
openedx-webhooks' (the peer PRODUCT.md names), both installed and connected as the LMS does
(``connect_plugin_receivers("lms.djangoapp")``), on the same COURSE_ENROLLMENT_CREATED events.

    benchmarks/peer_venv.sh          # once: .venv-bench, the test environment plus the peers
    .venv-bench/bin/python benchmarks/bench_receivers.py [--events 500] [--nss-latency-ms 50]
    SKILLSLAB_MARIADB_SOCKET=$PWD/var/mariadb/mysqld.sock .venv-bench/bin/python benchmarks/bench_receivers.py

Each configuration is measured two ways, interleaved event by event, a new learner per event:

- ``autocommit``: the event sent outside any transaction (a receiver's writes commit on their own);
- ``in the enrolment's transaction``: as the LMS sends COURSE_ENROLLMENT_CREATED. Its enrolment view
  (``change_enrollment`` in openedx-platform's common/djangoapps/student/views/management.py) is
  ``@transaction.non_atomic_requests`` and ``@outer_atomic()``: ``CourseEnrollment.enroll`` writes the
  enrolment and sends the event inside one transaction that commits when the view returns. Timed
  here: that transaction whole (a stand-in INSERT for the enrolment row, the event, the commit); what
  a receiver costs the request is its time less that of ``signal alone``.

Configurations:

- ``signal alone``: no receiver (openedx-events' own cost, the same for everyone);
- ``ours``: etwinning_plugin as in production (the receipt's one INSERT; facts left to the worker);
- ``ours, no worker``: ETWINNING_RECORD_EVENTS_IN_WORKER=False (receipt, fact and outbox record);
- ``webhooks, 1 hook``: openedx-webhooks with one enabled webhook, which it POSTs synchronously to a
  loopback endpoint in another process that answers at once (its best case), or after
  ``--nss-latency-ms`` (an NSS some way off, or busy: ours never waits for it);
- ``webhooks, no hook``: openedx-webhooks with no enabled webhook (its SELECT alone);
- ``one small insert``: a receiver making one INSERT, the bar PRODUCT.md sets.

Not a test: it prints medians and ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SKILLSLAB_VAR_DIR", tempfile.mkdtemp(prefix="skillslab-bench-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings_peers"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from edx_django_utils.plugins import connect_plugin_receivers  # noqa: E402
from opaque_keys.edx.keys import CourseKey  # noqa: E402
from openedx_events.learning.data import CourseData, CourseEnrollmentData, UserData, UserPersonalData  # noqa: E402
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED as SIGNAL  # noqa: E402
from openedx_webhooks import receivers as webhooks_receivers  # noqa: E402
from openedx_webhooks.models import Webhook  # noqa: E402

import tests.celery_app  # noqa: E402, F401 - the Celery app (in-memory broker) our receiver asks for a worker run
from etwinning_plugin import receivers as our_receivers  # noqa: E402
from etwinning_plugin.models import PlatformEventReceipt  # noqa: E402
from tests.harness import only_plugin_apps  # noqa: E402

COURSE = CourseKey.from_string("course-v1:NSS+Bench+2027")
OURS = "etwinning_plugin.course_enrollment_created"
THEIRS = "openedx_webhooks.receivers.course_enrollment_created_receiver"
BAR = "bench.one_small_insert"


def one_small_insert(enrollment=None, metadata=None, **kwargs):
    PlatformEventReceipt.objects.create(event_id=str(metadata.id), event_type=metadata.event_type,
                                        recorded_at=timezone.now())


CONFIGURATIONS = {
    "signal alone": {},
    "ours": {"ours": True},
    "ours, no worker": {"ours": True, "in_worker": False},
    "webhooks, 1 hook": {"theirs": True},
    "webhooks, no hook": {"theirs": True, "hook_enabled": False},
    "one small insert": {"bar": True},
}


def configure(hook: Webhook, *, ours=False, theirs=False, bar=False, in_worker=True, hook_enabled=True):
    for uid in (OURS, THEIRS, BAR):
        SIGNAL.disconnect(dispatch_uid=uid)
    if ours:
        SIGNAL.connect(our_receivers.record_enrollment, dispatch_uid=OURS)
    if theirs:
        SIGNAL.connect(webhooks_receivers.course_enrollment_created_receiver, dispatch_uid=THEIRS)
    if bar:
        SIGNAL.connect(one_small_insert, dispatch_uid=BAR)
    settings.ETWINNING_RECORD_EVENTS_IN_WORKER = in_worker
    Webhook.objects.filter(pk=hook.pk).update(enabled=hook_enabled)


MODES = ("autocommit", "in the enrolment's transaction")


def send(mode: str, data: CourseEnrollmentData) -> None:
    if mode == "autocommit":
        SIGNAL.send_event(enrollment=data)
        return
    # change_enrollment's outer_atomic(): not nested in another atomic, committed at its end (durable)
    with transaction.atomic(durable=True):
        Group.objects.create(name=f"enrolment {data.user.id}")  # the platform's own enrolment row
        SIGNAL.send_event(enrollment=data)


def enrollment(n: int) -> CourseEnrollmentData:
    return CourseEnrollmentData(user=UserData(id=n, is_active=True, pii=UserPersonalData(username=f"u{n}",
                                                                                          email=f"u{n}@x.gr")),
                                course=CourseData(course_key=COURSE), mode="audit", is_active=True,
                                creation_date=timezone.now())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--nss-latency-ms", type=float, default=0.0,
                        help="the webhook endpoint waits this long before answering each POST")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    sink = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "sink_server.py"),
                             "--latency-ms", str(args.nss_latency_ms)], stdout=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{int(sink.stdout.readline())}/"
    try:
        Webhook.objects.all().delete()  # one webhook: none left by an earlier run on this database
        Group.objects.filter(name__startswith="enrolment ").delete()  # the stand-ins of an earlier run
        hook = Webhook.objects.create(event="COURSE_ENROLLMENT_CREATED", webhook_url=url, enabled=True)
        # both apps, from their plugin_app signals config (edx-completion, installed for the tests, needs edx-platform)
        with only_plugin_apps("etwinning_plugin", "webhooks"):
            connect_plugin_receivers("lms.djangoapp")
        connected = {entry[0][0] for entry in SIGNAL.receivers}
        assert {OURS, THEIRS} <= connected, connected
        samples = {(mode, name): [] for mode in MODES for name in CONFIGURATIONS}
        runs = list(samples)
        warm_up, learner = 20, 3_000_000
        for round_ in range(args.events + warm_up):
            for mode, name in runs[round_ % len(runs):] + runs[:round_ % len(runs)]:
                configure(hook, **CONFIGURATIONS[name])
                learner += 1
                data = enrollment(learner)
                start = time.perf_counter()
                send(mode, data)
                if round_ >= warm_up:
                    samples[mode, name].append(time.perf_counter() - start)
        posts = int(urllib.request.urlopen(url).read())  # noqa: S310 - our loopback endpoint
    finally:
        sink.terminate()
        sink.wait(10)
    assert posts == 2 * (args.events + warm_up), f"the webhook endpoint got {posts} POSTs"
    print(f"database: {connection.vendor}; Python {sys.version.split()[0]}; DEBUG={settings.DEBUG} (send_robust); "
          f"{args.events} events per configuration; the webhook endpoint answers after {args.nss_latency_ms:g} ms")
    for mode in MODES:
        report(mode, {name: samples[mode, name] for name in CONFIGURATIONS})
    return 0


def report(mode: str, samples: dict[str, list[float]]) -> None:
    """Medians and p90 of one way of sending; in a transaction, each receiver's cost over the signal's."""
    medians = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    p90 = {name: sorted(values)[int(len(values) * 0.9)] * 1000 for name, values in samples.items()}
    base = medians["signal alone"] if mode != "autocommit" else 0.0
    print(f"{mode}:" + (" (the transaction whole; + what the receiver adds to it)" if base else ""))
    for name, median in medians.items():
        added = f"   + {median - base:6.2f} ms" if base and name != "signal alone" else ""
        print(f"  {name:18} median {median:6.2f} ms   p90 {p90[name]:6.2f} ms{added}")
    ours, theirs, bar = (medians[name] - base for name in ("ours", "webhooks, 1 hook", "one small insert"))
    print(f"  ratio ours / webhooks (1 hook):   {ours / theirs:.3f} (webhooks / ours: {theirs / ours:.1f} times)")
    print(f"  ratio ours / one small insert:    {ours / bar:.2f}")


if __name__ == "__main__":
    sys.exit(main())
