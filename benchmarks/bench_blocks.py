#!/usr/bin/env python3
"""
skillslab_activity against xblock-poll's survey, side by side in one workbench process.

    .venv/bin/python benchmarks/bench_blocks.py [--rounds 300]

Both blocks run in the same XBlock SDK workbench runtime, on the same SQLite database, in the
same process, with the measurements interleaved (ours, theirs, ours, ...) so that warm-up, caches
and machine noise fall on both alike. It prints the median and 90th percentile per operation and
the ratio ours / theirs (below 1.0: ours is faster):

- ``student_view``: rendering the learner's view through the runtime (``block.render``), the
  activity with its seven-step worksheet against a survey of the NSS's seven five-point items;
- submit: the learner's submission through ``runtime.handle`` (JSON in, state saved, events
  published), the complete worksheet against a vote on all seven items, a new learner each round.

This is a benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SKILLSLAB_VAR_DIR", tempfile.mkdtemp(prefix="skillslab-bench-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "demo.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from webob import Request  # noqa: E402
from workbench import scenarios as wb_scenarios  # noqa: E402
from workbench.runtime import WorkbenchRuntime  # noqa: E402

from skillslab_xblock.scenarios import activity_olx  # noqa: E402
from tests.harness import COMPLETE_WORKSHEET  # noqa: E402

NSS_ITEMS = [
    "I am satisfied with taking part in the course.",
    "The content and material were of excellent quality.",
    "The activities helped me understand and absorb the new knowledge.",
    "The tutors lived up to my expectations.",
    "Taking part will improve my teaching practice.",
    "I feel ready to run an eTwinning project within the Skills Labs.",
    "I would recommend the course to colleagues.",
]
SURVEY_OLX = (
    "<survey questions='{questions}' answers='{answers}' feedback='Thank you.'/>".format(
        questions=json.dumps([[f"q{i}", {"label": label, "img": None, "img_alt": None}]
                              for i, label in enumerate(NSS_ITEMS, 1)]),
        answers=json.dumps([["sa", "Strongly agree"], ["a", "Agree"], ["n", "Neutral"], ["d", "Disagree"],
                            ["sd", "Strongly disagree"]]),
    )
)


def load(name: str, xml: str) -> str:
    wb_scenarios.add_xml_scenario(name, name, xml)
    return wb_scenarios.SCENARIOS[name].usage_id


def json_request(body: dict) -> Request:
    request = Request.blank("/", method="POST", body=json.dumps(body).encode("utf-8"))
    request.content_type = "application/json"
    return request


def render(usage_id: str, student: str):
    block = WorkbenchRuntime(student).get_block(usage_id)
    return lambda: block.render("student_view", {})


def submit_activity(usage_id: str, student: str):
    block = WorkbenchRuntime(student).get_block(usage_id)
    request = json_request({"worksheet": COMPLETE_WORKSHEET})

    def run():
        response = block.runtime.handle(block, "submit", request)
        assert response.status_code == 200, response.body
    return run


def submit_survey(usage_id: str, student: str):
    block = WorkbenchRuntime(student).get_block(usage_id)
    request = json_request({f"q{i}": "a" for i in range(1, len(NSS_ITEMS) + 1)})

    def run():
        response = block.runtime.handle(block, "vote", request)
        assert json.loads(response.body)["success"], response.body
    return run


def measure(make_ours, make_theirs, rounds: int) -> tuple[list[float], list[float]]:
    ours, theirs = [], []
    for i in range(rounds + 20):  # the first 20 rounds warm up and are not counted
        for make, out in ((make_ours, ours), (make_theirs, theirs)) if i % 2 else \
                ((make_theirs, theirs), (make_ours, ours)):
            run = make(f"bench-{i}")
            start = time.perf_counter()
            run()
            elapsed = time.perf_counter() - start
            if i >= 20:
                out.append(elapsed * 1000)
    return ours, theirs


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    activity = load("bench.activity", activity_olx("b1-river-keepers", "w1", "a1", "en"))
    survey = load("bench.survey", SURVEY_OLX)

    results = {}
    for operation, make_ours, make_theirs in (
        ("student_view render", lambda s: render(activity, s), lambda s: render(survey, s)),
        ("submit handler", lambda s: submit_activity(activity, s), lambda s: submit_survey(survey, s)),
    ):
        ours, theirs = measure(make_ours, make_theirs, args.rounds)
        (our_median, our_p90), (their_median, their_p90) = summary(ours), summary(theirs)
        results[operation] = {
            "skillslab_activity_median_ms": round(our_median, 3), "skillslab_activity_p90_ms": round(our_p90, 3),
            "xblock_poll_survey_median_ms": round(their_median, 3), "xblock_poll_survey_p90_ms": round(their_p90, 3),
            "ratio_median": round(our_median / their_median, 3),
        }

    print(f"{args.rounds} rounds each, interleaved, one workbench process, SQLite, Python {sys.version.split()[0]}")
    print(f"{'operation':<22}{'skillslab_activity':>22}{'xblock-poll survey':>22}{'ratio':>8}")
    print(f"{'':<22}{'median / p90 (ms)':>22}{'median / p90 (ms)':>22}{'':>8}")
    for operation, r in results.items():
        ours = f"{r['skillslab_activity_median_ms']:.2f} / {r['skillslab_activity_p90_ms']:.2f}"
        theirs = f"{r['xblock_poll_survey_median_ms']:.2f} / {r['xblock_poll_survey_p90_ms']:.2f}"
        print(f"{operation:<22}{ours:>22}{theirs:>22}{r['ratio_median']:>8.2f}")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
