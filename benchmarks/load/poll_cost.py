"""
What one poll costs the served demo (``./dev serve start``), request by request, on a quiet server:
the change feed's request for a whole page (its four polling blocks' tokens at once) against each
block's own poll handler, and an autosave. Two teachers form a partnership through the handlers, the first opens the
course page (its blocks' tokens are in their arguments), then each kind of request is sent
``--rounds`` times one after another; the CPU seconds gunicorn and MariaDB used meanwhile come from
/proc, as in run.sh.

    flock /tmp/skillslab-bench.lock .venv/bin/python benchmarks/load/poll_cost.py --rounds 300
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SLUG = "etwinning-skills-labs-four-week-demo-course-english"
SCENARIO = "skillslab_activity.1"
INIT_ARGS = re.compile(r'<script type="json/xblock-args" class="xblock_json_init_args">(.*?)</script>', re.S)
CARD = {"teacher_name": "T", "school_level": "primary_upper", "region": "", "cycles": ["B"], "sub_themes": ["B1"],
        "message": "", "published": True, "languages": ["en"]}


def cpu_seconds(pidfile: Path) -> float:
    """User and system CPU seconds of the process in ``pidfile`` and its children, from /proc."""
    pid = pidfile.read_text().strip()
    children = subprocess.run(["pgrep", "-P", pid], check=False, capture_output=True, text=True).stdout.split()
    ticks = 0
    for each in [pid, *children]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


class Teacher:
    def __init__(self, host: str, name: str):
        self.host, self.name, self.session = host, name, requests.Session()

    def headers(self) -> dict:
        return {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), "Content-Type": "application/json"}

    def page(self) -> str:
        response = self.session.get(f"{self.host}/scenario/{SCENARIO}/", params={"student": self.name, "lang": "en"})
        response.raise_for_status()
        return response.text

    def call(self, block: str, handler: str, body: dict) -> dict:
        response = self.session.post(f"{self.host}/handler/{SLUG}.{block}/{handler}/?student={self.name}&lang=en",
                                     data=json.dumps(body), headers=self.headers())
        return response.json() if response.content else {}

    def post(self, url: str, body: dict) -> requests.Response:
        return self.session.post(f"{self.host}{url}", data=json.dumps(body), headers=self.headers())


def partners(host: str) -> Teacher:
    """Two teachers in one partnership, each with a first save in both steps and the plan; the first."""
    run = uuid.uuid4().hex[:6]
    first, second = Teacher(host, f"cost-{run}-a"), Teacher(host, f"cost-{run}-b")
    for teacher, country in ((first, "IS"), (second, "MT")):
        teacher.page()
        teacher.call("etwinning_partners.d0.u0", "save_card",
                     {**CARD, "school_name": f"School {teacher.name}", "country": country})
    found = first.call("etwinning_partners.d0.u0", "search", {"country": "MT", "page": 0})["html"]
    card = re.search(r'data-card="([0-9a-f]+)">\s*<h4 class="skl-card-school">School ' + second.name, found)[1]
    first.call("etwinning_partners.d0.u0", "invite", {"card": card, "message": ""})
    invitation = re.search(r'data-respond="([0-9a-f]+)" data-accept="true"',
                           second.call("etwinning_partners.d0.u0", "current", {"stamp": ""})["sections"]["invitations"])
    second.call("etwinning_partners.d0.u0", "respond", {"invitation": invitation[1], "accept": True})
    for teacher in (first, second):
        for step in ("d0.u0", "d1.u0"):
            version = teacher.call(f"skillslab_activity.{step}", "shared_state", {})["shared"]["version"]
            teacher.call(f"skillslab_activity.{step}", "save_draft",
                         {"worksheet": {"goal": {"shared_goal": teacher.name}}, "base_version": version})
    first.call("etwinning_project_plan.d0.u0", "save_plan", {"plan": {"aims": "Rivers"}, "base_version": 0})
    return first


def measure(label: str, send, rounds: int, serve: Path) -> dict:
    send()  # warm
    gunicorn, mariadb = serve / "gunicorn.pid", serve / "mariadb" / "mysqld.pid"
    cpu = cpu_seconds(gunicorn), cpu_seconds(mariadb)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = send()
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (label, response.status_code, response.text[:200])
    used = cpu_seconds(gunicorn) - cpu[0], cpu_seconds(mariadb) - cpu[1]
    return {"request": label, "median ms": round(statistics.median(times) * 1000, 2),
            "gunicorn CPU ms": round(used[0] * 1000 / rounds, 2), "MariaDB CPU ms": round(used[1] * 1000 / rounds, 2)}


def autosave(teacher: Teacher, version: int):
    """An autosave of the teacher's field in the first step, on the version the last one returned."""
    state = {"version": version, "count": 0}

    def send() -> requests.Response:
        state["count"] += 1
        response = teacher.post(f"/handler/{SLUG}.skillslab_activity.d0.u0/save_draft/?student={teacher.name}&lang=en",
                                {"worksheet": {"goal": {"shared_goal": f"{teacher.name} {state['count']}"}},
                                 "base_version": state["version"]})
        state["version"] = response.json()["shared"]["version"]
        return response

    return send


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=f"http://{os.environ.get('SKILLSLAB_SERVE_ADDRESS', '127.0.0.1:8010')}")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--serve-dir", default=str(ROOT / "var" / "serve"))
    options = parser.parse_args()
    serve = Path(options.serve_dir)
    teacher = partners(options.host)
    feeds = [args["feed"] for args in map(json.loads, INIT_ARGS.findall(teacher.page())) if args.get("feed")]
    assert len(feeds) == 4, f"the page should watch 4 blocks, not {len(feeds)}"
    tokens = {"tokens": [feed["token"] for feed in feeds]}
    stamp = teacher.call("etwinning_partners.d0.u0", "current", {"stamp": ""})["stamp"]
    version = teacher.call("skillslab_activity.d0.u0", "shared_state", {})["shared"]["version"]
    rows = [
        measure("change feed, the page's 4 tokens", lambda: teacher.post(feeds[0]["url"], tokens), options.rounds,
                serve),
        measure("etwinning_partners current (unchanged)", lambda: teacher.post(
            f"/handler/{SLUG}.etwinning_partners.d0.u0/current/?student={teacher.name}&lang=en", {"stamp": stamp}),
            options.rounds, serve),
        measure("skillslab_activity shared_state (unchanged)", lambda: teacher.post(
            f"/handler/{SLUG}.skillslab_activity.d0.u0/shared_state/?student={teacher.name}&lang=en",
            {"known_version": version}), options.rounds, serve),
        measure("etwinning_project_plan current_plan", lambda: teacher.post(
            f"/handler/{SLUG}.etwinning_project_plan.d0.u0/current_plan/?student={teacher.name}&lang=en", {}),
            options.rounds, serve),
        measure("skillslab_activity save_draft (an autosave)", autosave(teacher, version), options.rounds, serve),
    ]
    print("| request | median ms | gunicorn CPU ms | MariaDB CPU ms |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row['request']} | {row['median ms']} | {row['gunicorn CPU ms']} | {row['MariaDB CPU ms']} |")


if __name__ == "__main__":
    main()
