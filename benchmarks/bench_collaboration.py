#!/usr/bin/env python3
"""
Partner search over 10,000 cards, and a shared-worksheet save, with the baselines beside them.

    .venv/bin/python benchmarks/bench_collaboration.py [--cards 10000] [--rounds 200]
    DJANGO_SETTINGS_MODULE=tests.settings_mariadb SKILLSLAB_MARIADB_SOCKET=... \\
        .venv/bin/python benchmarks/bench_collaboration.py      # the same on a MariaDB server

- ``partner search``: ``api.search_cards`` (filter, rank and page in SQL) against the obvious
  alternative, loading every card of the course into Python and ranking there, on the same cards;
  both return the same first page (checked).
- ``worksheet save``: the activity's ``save_draft`` handler through the workbench runtime in shared
  mode (row lock, merge, revision) against the same handler in individual mode (the learner's own
  state), a new field value each round.

Prints medians and 90th percentiles in milliseconds and the ratio ours / baseline. Not a test.
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
from webob import Request  # noqa: E402
from workbench import scenarios as wb_scenarios  # noqa: E402
from workbench.runtime import WorkbenchRuntime  # noqa: E402

from etwinning_plugin import api  # noqa: E402
from etwinning_plugin.models import PartnershipCard  # noqa: E402
from skillslab_xblock.domain.taxonomy import default_taxonomy  # noqa: E402
from skillslab_xblock.scenarios import activity_olx  # noqa: E402
from tests.harness import make_partnership  # noqa: E402

COURSE = "bench-course"


def make_cards(count: int) -> None:
    taxonomy = default_taxonomy()
    levels = [lv.code for lv in taxonomy.school_levels]
    subs = [(c.code, s.code) for c in taxonomy.cycles for s in c.sub_themes]
    languages = ["el", "en", "fr", "de", "it", "es", "pt", "pl", "ro", "cs"]
    rng = random.Random(7)
    rows = []
    for i in range(count):
        picked = rng.sample(subs, 2)
        rows.append(PartnershipCard(
            course_key=COURSE, learner_id=f"learner-{i}", teacher_name=f"Teacher {i}", school_name=f"School {i}",
            school_level=rng.choice(levels), country=rng.choice(["Greece", "Italy", "Spain", "Poland"]),
            languages=f" {' '.join(rng.sample(languages, 2))} ",
            cycles=f" {' '.join(sorted({c for c, _s in picked}))} ", sub_themes=f" {' '.join(s for _c, s in picked)} ",
            message="", published=rng.random() > 0.05))
    PartnershipCard.objects.bulk_create(rows, batch_size=1000)


def search_in_python(learner_id: str, limit: int = 20) -> list[str]:
    """The baseline: every published card of the course into Python, ranked there."""
    mine = PartnershipCard.objects.get(course_key=COURSE, learner_id=learner_id)
    my_subs, my_cycles, my_langs = mine.sub_themes.split(), mine.cycles.split(), mine.languages.split()
    scored = []
    for card in PartnershipCard.objects.filter(course_key=COURSE, published=True).exclude(learner_id=learner_id):
        score = (8 if card.school_level == mine.school_level else 0) \
            + 4 * len(set(my_subs) & set(card.sub_themes.split())) \
            + 2 * len(set(my_cycles) & set(card.cycles.split())) \
            + len(set(my_langs) & set(card.languages.split()))
        scored.append((-score, -card.updated_at.timestamp(), card.id, card.public_id))
    return [public_id for *_key, public_id in sorted(scored)[:limit]]


def timed(function, rounds: int) -> list[float]:
    samples = []
    for i in range(rounds + 10):
        start = time.perf_counter()
        function(i)
        if i >= 10:
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9) - 1]


def save_handler(usage_id: str, student: str, shared: bool):
    block = WorkbenchRuntime(student).get_block(usage_id)

    def run(i: int) -> None:
        body = {"worksheet": {"goal": {"shared_goal": f"Goal number {i}"}}}
        if shared:
            body["base_version"] = api.document_state(
                api.DocumentRef(block.course_key, block.usage_key,
                                api.partnership_of(block.course_key, student).owner_key), student).version
        request = Request.blank("/", method="POST", body=json.dumps(body).encode())
        response = block.runtime.handle(block, "save_draft", request)
        assert response.status_code == 200, response.body
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    PartnershipCard.objects.filter(course_key=COURSE).delete()
    make_cards(args.cards)

    learners = [f"learner-{i}" for i in range(0, args.cards, max(1, args.cards // 50))]
    for learner in learners[:5]:
        ours = [c.id for c in api.search_cards(COURSE, learner)[0]]
        assert ours == search_in_python(learner), "the SQL ranking and the baseline disagree"
    results = {"partner search": (
        timed(lambda i: api.search_cards(COURSE, learners[i % len(learners)]), args.rounds),
        timed(lambda i: search_in_python(learners[i % len(learners)]), max(20, args.rounds // 4)),
    )}

    shared_xml = activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared")
    wb_scenarios.add_xml_scenario("bench.shared", "bench shared", shared_xml)
    wb_scenarios.add_xml_scenario("bench.alone", "bench alone", activity_olx("b1-river-keepers", "w1", "a1", "en"))
    shared_usage = wb_scenarios.SCENARIOS["bench.shared"].usage_id
    alone_usage = wb_scenarios.SCENARIOS["bench.alone"].usage_id
    make_partnership(shared_usage.split(".", 1)[0], "anna", "luis")
    results["worksheet save"] = (timed(save_handler(shared_usage, "anna", True), args.rounds),
                                 timed(save_handler(alone_usage, "anna", False), args.rounds))

    print(f"{args.cards} cards; {args.rounds} rounds; database: {connection.vendor}; Python {sys.version.split()[0]}")
    print(f"{'operation':<18}{'ours median / p90':>22}{'baseline median / p90':>26}{'ratio':>8}   baseline")
    baselines = {"partner search": "all cards ranked in Python", "worksheet save": "individual save_draft"}
    for name, (ours, baseline) in results.items():
        (om, op), (bm, bp) = summary(ours), summary(baseline)
        print(f"{name:<18}{f'{om:.2f} / {op:.2f} ms':>22}{f'{bm:.2f} / {bp:.2f} ms':>26}{om / bm:>8.2f}   "
              f"{baselines[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
