#!/usr/bin/env python3
"""
What recording a platform event costs the platform's request: our receiver side by side with
openedx-webhooks' (the peer PRODUCT.md names), both installed and connected as the LMS does
(``connect_plugin_receivers("lms.djangoapp")``), on the same COURSE_ENROLLMENT_CREATED events.

    benchmarks/peer_venv.sh          # once: .venv-bench, the test environment plus the peers
    .venv-bench/bin/python benchmarks/bench_receivers.py [--events 500] [--nss-latency-ms 50]
    SKILLSLAB_MARIADB_SOCKET=$PWD/var/mariadb/mysqld.sock .venv-bench/bin/python benchmarks/bench_receivers.py

Configurations, interleaved event by event, a new learner per event:

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
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
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
        hook = Webhook.objects.create(event="COURSE_ENROLLMENT_CREATED", webhook_url=url, enabled=True)
        # both apps, from their plugin_app signals config (edx-completion, installed for the tests, needs edx-platform)
        with only_plugin_apps("etwinning_plugin", "webhooks"):
            connect_plugin_receivers("lms.djangoapp")
        connected = {entry[0][0] for entry in SIGNAL.receivers}
        assert {OURS, THEIRS} <= connected, connected
        samples = {name: [] for name in CONFIGURATIONS}
        names = list(CONFIGURATIONS)
        warm_up, learner = 20, 3_000_000
        for round_ in range(args.events + warm_up):
            for name in names[round_ % len(names):] + names[:round_ % len(names)]:
                configure(hook, **CONFIGURATIONS[name])
                learner += 1
                data = enrollment(learner)
                start = time.perf_counter()
                SIGNAL.send_event(enrollment=data)
                if round_ >= warm_up:
                    samples[name].append(time.perf_counter() - start)
        posts = int(urllib.request.urlopen(url).read())  # noqa: S310 - our loopback endpoint
    finally:
        sink.terminate()
        sink.wait(10)
    assert posts == args.events + warm_up, f"the webhook endpoint got {posts} POSTs"
    medians = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    p90 = {name: sorted(values)[int(len(values) * 0.9)] * 1000 for name, values in samples.items()}
    print(f"database: {connection.vendor}; Python {sys.version.split()[0]}; DEBUG={settings.DEBUG} (send_robust); "
          f"{args.events} events per configuration; the webhook endpoint answers after {args.nss_latency_ms:g} ms")
    for name in names:
        print(f"  {name:18} median {medians[name]:6.2f} ms   p90 {p90[name]:6.2f} ms")
    print(f"ratio ours / webhooks (1 hook):   {medians['ours'] / medians['webhooks, 1 hook']:.3f} "
          f"(webhooks / ours: {medians['webhooks, 1 hook'] / medians['ours']:.1f} times)")
    print(f"ratio ours / one small insert:    {medians['ours'] / medians['one small insert']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
