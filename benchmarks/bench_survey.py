#!/usr/bin/env python3
"""
The evaluation survey against xblock-poll's survey, and the staff results over 100,000 answers.

    .venv/bin/python benchmarks/bench_survey.py [--rounds 300] [--answers 100000]
    DJANGO_SETTINGS_MODULE=tests.settings_mariadb SKILLSLAB_MARIADB_SOCKET=... .venv/bin/python ...

- ``student_view render`` and ``submit``: ``etwinning_survey`` and xblock-poll's ``survey``, both with
  the NSS's seven items on a five-point scale, in one workbench process, interleaved, a new learner
  each round (xblock-poll keeps its tally in a shared field; ours stores one row per answer).
- ``staff results``: the staff view of a survey holding 100,000 stored answers (about 14,300
  responses), tallied in SQL, against the baseline of counting the same rows in Python.

Prints medians and 90th percentiles (ms) and the ratio ours / theirs. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SKILLSLAB_VAR_DIR", tempfile.mkdtemp(prefix="skillslab-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from webob import Request  # noqa: E402
from workbench import scenarios as wb_scenarios  # noqa: E402
from workbench.runtime import WorkbenchRuntime  # noqa: E402

from benchmarks.bench_blocks import NSS_ITEMS as POLL_ITEMS  # noqa: E402
from benchmarks.bench_blocks import SURVEY_OLX as POLL_SURVEY_OLX  # noqa: E402
from etwinning_plugin.models import SurveyAnswer, SurveyResponse  # noqa: E402
from skillslab_xblock.survey import NSS_ITEMS  # noqa: E402

KEYS = [item["key"] for item in NSS_ITEMS]


def load(name: str, xml: str) -> str:
    wb_scenarios.add_xml_scenario(name, name, xml)
    return wb_scenarios.SCENARIOS[name].usage_id


def post(block, handler: str, body: dict):
    request = Request.blank("/", method="POST", body=json.dumps(body).encode())
    return block.runtime.handle(block, handler, request)


def measure(make_ours, make_theirs, rounds: int) -> tuple[list[float], list[float]]:
    ours, theirs = [], []
    for i in range(rounds + 20):
        pairs = ((make_ours, ours), (make_theirs, theirs)) if i % 2 else ((make_theirs, theirs), (make_ours, ours))
        for make, out in pairs:
            run = make(f"bench-{i}")
            start = time.perf_counter()
            run()
            if i >= 20:
                out.append((time.perf_counter() - start) * 1000)
    return ours, theirs


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9) - 1]


def fill_answers(usage_key: str, answers: int) -> None:
    SurveyResponse.objects.filter(usage_key=usage_key).delete()  # a rerun on a kept database starts afresh
    rng = random.Random(3)
    now = timezone.now()
    responses = SurveyResponse.objects.bulk_create(
        [SurveyResponse(course_key="bench", usage_key=usage_key, learner_id=f"l{i}", submitted_at=now)
         for i in range(answers // len(KEYS))], batch_size=2000)
    rows = [SurveyAnswer(response=r, usage_key=usage_key, item_key=k, value=rng.choices((1, 2, 3, 4, 5),
                                                                                         (2, 3, 10, 40, 45))[0])
            for r in responses for k in KEYS]
    SurveyAnswer.objects.bulk_create(rows, batch_size=5000)


def python_tally(usage_key: str) -> dict:
    """The baseline: every answer row into Python, counted there."""
    counts: dict = {}
    for answer in SurveyAnswer.objects.filter(usage_key=usage_key):
        counts.setdefault(answer.item_key, {}).setdefault(answer.value, 0)
        counts[answer.item_key][answer.value] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    ours_usage = load("bench.survey.ours", "<etwinning_survey/>")
    poll_usage = load("bench.survey.poll", POLL_SURVEY_OLX)
    assert len(POLL_ITEMS) == len(KEYS)

    results = {}
    def render(usage_id):
        def make(student):
            block = WorkbenchRuntime(student).get_block(usage_id)
            return lambda: block.render("student_view", {})
        return make

    results["student_view render"] = measure(render(ours_usage), render(poll_usage), args.rounds)

    def ours_submit(student):
        block = WorkbenchRuntime(student).get_block(ours_usage)
        return lambda: post(block, "submit", {"answers": dict.fromkeys(KEYS, 4), "comment": "Useful"})

    def poll_submit(student):
        block = WorkbenchRuntime(student).get_block(poll_usage)
        return lambda: post(block, "vote", {f"q{i}": "a" for i in range(1, len(KEYS) + 1)})

    results["submit"] = measure(ours_submit, poll_submit, args.rounds)

    big = "bench.survey.big"
    big_usage = load(big, "<etwinning_survey/>")
    fill_answers(big_usage, args.answers)
    staff = WorkbenchRuntime("staff").get_block(big_usage)
    sql = []
    python = []
    for i in range(25):
        start = time.perf_counter()
        staff.render("student_view", {})
        sql.append((time.perf_counter() - start) * 1000)
        if i < 8:
            start = time.perf_counter()
            python_tally(big_usage)
            python.append((time.perf_counter() - start) * 1000)
    results[f"staff results ({args.answers:,} answers)"] = (sql, python)

    print(f"{args.rounds} rounds, interleaved; database: {connection.vendor}; Python {sys.version.split()[0]}")
    print(f"{'operation':<36}{'ours median / p90':>22}{'theirs median / p90':>24}{'ratio':>8}")
    for name, (ours, theirs) in results.items():
        (om, op), (tm, tp) = summary(ours), summary(theirs)
        print(f"{name:<36}{f'{om:.2f} / {op:.2f}':>22}{f'{tm:.2f} / {tp:.2f}':>24}{om / tm:>8.2f}")
    print("theirs: xblock-poll's survey for render and submit; counting the rows in Python for staff results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
