"""
Drive blocks through the real XBlock SDK workbench, as a browser does.

A ``WorkbenchScenario`` loads OLX into the workbench's runtime (the same parser and id manager the
demo uses), renders views through the workbench's Django views, and calls handlers with POSTs to
the workbench's handler URLs. Published events are read from the workbench runtime's own log of
``runtime.publish`` (it logs the event type, then the event data), not from a mock.
"""

from __future__ import annotations

import itertools
import json
import logging
from dataclasses import dataclass

from django.test import Client
from workbench import scenarios as wb_scenarios
from workbench.runtime import WorkbenchRuntime

_counter = itertools.count()


@dataclass
class HandlerResult:
    status: int
    body: dict

    @property
    def error(self) -> str:
        return self.body.get("error", "")


class WorkbenchScenario:
    def __init__(self, xml: str, block_type: str = "skillslab_activity"):
        self.name = f"test.{next(_counter)}"
        wb_scenarios.add_xml_scenario(self.name, f"test scenario {self.name}", xml)
        self.root_usage_id = wb_scenarios.SCENARIOS[self.name].usage_id
        self.usage_id = next(iter(self.usage_ids(block_type)), "")
        self.client = Client()

    def usage_ids(self, block_type: str) -> list[str]:
        """The usage ids of every block of ``block_type`` in the scenario, in document order."""
        found = []

        def walk(usage_id):
            block = WorkbenchRuntime("staff").get_block(usage_id)
            if block.scope_ids.block_type == block_type:
                found.append(usage_id)
            for child in getattr(block, "children", []):
                walk(child)

        walk(self.root_usage_id)
        return found

    @property
    def course_key(self) -> str:
        """The course of the scenario's blocks, as the blocks see it (the scenario's slug)."""
        return self.root_usage_id.split(".", 1)[0]

    def close(self) -> None:
        wb_scenarios.remove_scenario(self.name)

    def block(self, student: str = "student_1", usage_id: str | None = None):
        return WorkbenchRuntime(student).get_block(usage_id or self.usage_id)

    def render(self, view: str = "student_view", student: str = "student_1", lang: str = "en") -> str:
        response = self.client.get(f"/view/{self.name}/{view}/", {"student": student, "lang": lang})
        assert response.status_code == 200, response.status_code
        return response.content.decode("utf-8")

    def post(self, handler: str, body, student: str = "student_1", lang: str = "en", method: str = "post",
             raw: bool = False, usage_id: str | None = None) -> HandlerResult:
        """Call a handler as the block's JavaScript does (``raw``: send ``body`` as it is, unencoded)."""
        url = f"/handler/{usage_id or self.usage_id}/{handler}/?student={student}&lang={lang}"
        if method == "get":
            response = self.client.get(url)
        else:
            data = body if raw else json.dumps(body)
            response = self.client.post(url, data=data, content_type="application/json")
        try:
            parsed = json.loads(response.content.decode("utf-8"))
        except ValueError:
            parsed = {}
        return HandlerResult(response.status_code, parsed)


def published_events(caplog) -> list[tuple[str, dict]]:
    """(event type, data) pairs from the workbench runtime's log of ``publish``."""
    records = [r for r in caplog.records if r.name == "workbench.runtime"]
    events = []
    for record, following in zip(records, records[1:], strict=False):
        if isinstance(record.msg, str) and record.msg.startswith("XBlock event"):
            events.append((record.args[0], following.msg))
    return events


def capture_events(caplog) -> None:
    caplog.set_level(logging.INFO, logger="workbench.runtime")
