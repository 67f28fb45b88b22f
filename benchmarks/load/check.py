"""
After a load test (benchmarks/load/locustfile.py) against ``./dev serve``: what the database holds.

- No lost save: for every field a simulated teacher wrote, the text of their last acknowledged save
  is what the shared document holds now (or a later save of theirs, sent before the run ended and
  answered after locust stopped waiting), and every acknowledged save is in the document's history
  (a DocumentRevision with that text).
- No doubled state: one workbench XBlockState row per scope, block and learner.
- Every record delivered: waits (``--wait`` seconds at most) until the outbox has no pending record,
  then checks that the reference NSS receiver holds every delivered record, and none is dead.
- No 5xx: the locust run's failures (``--csv PREFIX``: PREFIX_failures.csv), by status.

    SKILLSLAB_VAR_DIR=$PWD/var/serve DJANGO_SETTINGS_MODULE=demo.settings_production \
        .venv/bin/python benchmarks/load/check.py --saves var/serve/load --run RUN --csv var/serve/load/RUN

Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings_production")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from workbench.models import XBlockState  # noqa: E402

from etwinning_plugin.models import DocumentRevision, OutboxRecord, SharedDocument  # noqa: E402
from reference_receiver.models import ReceivedRecord  # noqa: E402


def acknowledged_saves(folder: str, run: str) -> list[dict]:
    saves = []
    for path in sorted(glob.glob(os.path.join(folder, f"saves-{run}-*.jsonl"))):
        with open(path, encoding="utf-8") as lines:
            saves.extend(json.loads(line) for line in lines if line.strip())
    return saves


def check_saves(saves: list[dict]) -> list[str]:
    """
    Each teacher's last acknowledged text per field is what the document holds, and every
    acknowledged text is in the document's history. A field has one writer, whose texts grow save by
    save, so the only other text the document may hold is a later save of the same teacher that the
    server stored after locust had stopped waiting for its answer (the run ends with saves in flight):
    in the history, never acknowledged. An earlier acknowledged text in the document is a lost save.
    """
    acknowledged = defaultdict(list)  # (teacher, block, section, field) -> texts, in order
    for save in saves:  # one teacher's saves are in one file, in the order they were acknowledged
        acknowledged[(save["teacher"], save["block"], save["section"], save["field"])].append(save["text"])
    usages = {save["block"] for save in saves}
    stored = defaultdict(list)  # (usage, section, field) -> values held by the documents
    for usage_key, content in SharedDocument.objects.filter(usage_key__in=usages).values_list("usage_key", "content"):
        for section, fields in content.items():
            for field, value in (fields or {}).items():
                if isinstance(value, str):
                    stored[(usage_key, section, field)].append(value)
    history = defaultdict(set)
    revisions = DocumentRevision.objects.filter(document__usage_key__in=usages)
    for usage_key, changes in revisions.values_list("document__usage_key", "changes").iterator(chunk_size=5000):
        for section, fields in changes.items():
            for field, value in (fields or {}).items():
                if isinstance(value, str):
                    history[(usage_key, section, field)].add(value)
    problems, in_flight = [], 0
    for (teacher, block, section, field), texts in acknowledged.items():
        held = [value for value in stored[(block, section, field)] if value.startswith(f"{teacher} ")]
        if held == [texts[-1]]:
            continue
        if len(held) == 1 and held[0] not in texts and held[0] in history[(block, section, field)]:
            in_flight += 1
            continue
        problems.append(f"lost: {teacher}'s last save of {section}.{field} in {block}: {texts[-1]!r}; "
                        f"the document holds {held!r}")
    lost = len(problems)
    for save in saves:
        if save["text"] not in history[(save["block"], save["section"], save["field"])]:
            problems.append(f"not in the history: {save['teacher']} {save['block']} {save['text']!r}")
    print(f"saves: {len(saves)} acknowledged by {len({s['teacher'] for s in saves})} teachers in "
          f"{len(acknowledged)} fields; the last one stored in {len(acknowledged) - in_flight - lost} "
          f"fields, a later one (sent, unanswered when the run ended) in {in_flight}")
    return problems


def check_state_rows() -> list[str]:
    doubled = (XBlockState.objects.values("scope", "scope_id", "user_id").annotate(n=Count("id"))
               .filter(n__gt=1).count())
    print(f"XBlockState: {XBlockState.objects.count()} rows, {doubled} keys with more than one row")
    return [f"{doubled} XBlockState keys have more than one row"] if doubled else []


def check_delivery(wait: float) -> list[str]:
    deadline = time.monotonic() + wait
    while OutboxRecord.objects.filter(state=OutboxRecord.PENDING).exists() and time.monotonic() < deadline:
        time.sleep(2)
    states = Counter(dict(OutboxRecord.objects.values_list("state").annotate(n=Count("id"))))
    delivered = set(OutboxRecord.objects.filter(state=OutboxRecord.DELIVERED).values_list("idempotency_key",
                                                                                       flat=True))
    received = set(ReceivedRecord.objects.values_list("idempotency_key", flat=True))
    missing = delivered - received
    print(f"outbox: {dict(states)}; the NSS receiver holds {len(received)} records, "
          f"{len(missing)} delivered ones missing")
    problems = []
    if states.get(OutboxRecord.PENDING):
        problems.append(f"{states[OutboxRecord.PENDING]} records still pending after {wait:.0f} s")
    if states.get(OutboxRecord.DEAD):
        problems.append(f"{states[OutboxRecord.DEAD]} dead records")
    if missing:
        problems.append(f"{len(missing)} delivered records are not at the receiver")
    return problems


def check_failures(prefix: str) -> list[str]:
    path = f"{prefix}_failures.csv"
    if not os.path.exists(path):
        return [f"no {path}"]
    statuses = Counter()
    with open(path, encoding="utf-8") as failures:
        for row in csv.DictReader(failures):
            match = re.search(r"\('(\d{1,3})[: ]", row["Error"])  # "409: message", or "500 Server Error"
            status = match[1] if match else row["Error"][:60]
            statuses[(row["Name"], status)] += int(row["Occurrences"])
    for (name, status), count in sorted(statuses.items()):
        print(f"failure: {name}: {status} × {count}")
    server_errors = sum(n for (_name, status), n in statuses.items() if status.startswith("5"))
    print(f"5xx answers: {server_errors}")
    return [f"{server_errors} answers with a 5xx status"] if server_errors else []


def print_latencies(prefix: str) -> None:
    """The run's latencies per handler (locust's PREFIX_stats.csv), as a Markdown table."""
    path = f"{prefix}_stats.csv"
    if not os.path.exists(path):
        return
    print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    with open(path, encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
            print(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
                  f"| {row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", default="var/serve/load", help="the folder of the locust run's saves-*.jsonl")
    parser.add_argument("--run", required=True, help="the run's id (SKILLSLAB_LOAD_RUN)")
    parser.add_argument("--csv", help="the locust run's --csv prefix")
    parser.add_argument("--wait", type=float, default=600, help="seconds to wait for the outbox to empty")
    args = parser.parse_args()
    problems = check_saves(acknowledged_saves(args.saves, args.run)) + check_state_rows()
    problems += check_delivery(args.wait)
    if args.csv:
        problems += check_failures(args.csv)
        print_latencies(args.csv)
    for problem in problems[:50]:
        print("PROBLEM:", problem)
    print("all checks passed" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
