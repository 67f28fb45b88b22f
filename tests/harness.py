"""
The tests' one harness: blocks driven through the real XBlock SDK workbench as a browser does, the
platform's calls (a handler called on a block as the LMS runtime calls it, user states as the
problem-responses report passes them, openedx-events users), and the sample teachers, cards and
worksheet the tests share.

A ``WorkbenchScenario`` loads OLX into the workbench's runtime (the same parser and id manager the
demo uses), renders views through the workbench's Django views, and calls handlers with POSTs to
the workbench's handler URLs. Published events are read from the workbench runtime's own log of
``runtime.publish`` (it logs the event type, then the event data), not from a mock.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
from dataclasses import dataclass

from django.test import Client
from openedx_events.learning.data import UserData, UserPersonalData
from webob import Request
from workbench import scenarios as wb_scenarios
from workbench.models import XBlockState
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


@contextlib.contextmanager
def only_plugin_apps(*names: str):
    """
    The platform's plugin discovery (edx-django-utils) limited to ``names``: other plugin apps
    installed for the tests (edx-completion is an LMS plugin app too) need edx-platform's modules.
    """
    from edx_django_utils.plugins.registry import DjangoAppRegistry  # noqa: PLC0415

    found = DjangoAppRegistry.get_available_plugins.__func__

    def ours(cls, project_type):
        return {name: app for name, app in found(cls, project_type).items() if name in names}

    original = vars(DjangoAppRegistry).get("get_available_plugins")  # None: inherited from PluginManager
    DjangoAppRegistry.get_available_plugins = classmethod(ours)
    try:
        yield
    finally:
        if original is None:
            del DjangoAppRegistry.get_available_plugins
        else:
            DjangoAppRegistry.get_available_plugins = original


def handle(block, handler: str, body: dict):
    """Call ``handler`` on a block as the platform's runtime does (``runtime.handle`` with a POST)."""
    request = Request.blank("/", method="POST", body=json.dumps(body).encode())
    return block.runtime.handle(block, handler, request)


@dataclass
class UserState:
    """The shape edx-platform's user_state_iterator yields: a username and the block's user_state."""

    username: str
    state: dict


def stored_states(usage_id):
    """The learners' user_state as the workbench stored it (one row per learner and usage)."""
    for row in XBlockState.objects.filter(scope="usage", scope_id=usage_id).exclude(user_id=None):
        yield UserState(row.user_id, json.loads(row.state))


def platform_user(user_id: int, username: str = "", name: str = "") -> UserData:
    """A user as openedx-events carries it."""
    username = username or f"teacher{user_id}"
    return UserData(id=user_id, is_active=True,
                    pii=UserPersonalData(username=username, email=f"{username}@school.gr", name=name))


COMPLETE_WORKSHEET = {
    "partners": {"school_count": 3, "school_levels": ["primary_upper"], "countries": "Greece, Italy",
                 "roles": "Each school maps its own river; the Italian school builds the shared map."},
    "goal": {"shared_goal": "Pupils compare three rivers and propose one joint action.",
             "curriculum_link": "Geography (year 5), environmental education."},
    "collaboration": {"level": "joint_product", "how": "Mixed teams of pupils from all schools write each chapter."},
    "joint_product": {"description": "A shared e-book: Our three rivers."},
    "tools": {"tools": ["twinspace", "padlet"], "other_tools": "", "data_protection_checked": True},
    "twinspace": {"practices": ["page_per_workshop", "journal"], "details": ""},
    "evaluation": {"methods": ["pupil_self_assessment", "partner_survey"], "details": ""},
}

CARDS = {
    "anna": {"teacher_name": "Anna", "school_name": "1st Primary School of Patras", "school_level": "primary_upper",
             "country": "GR", "region": "Achaia", "languages": ["el", "en"], "cycles": ["B"],
             "sub_themes": ["B1"], "message": "We love rivers.", "published": True},
    "luis": {"teacher_name": "Luís", "school_name": "Escola Básica de Braga", "school_level": "primary_upper",
             "country": "PT", "region": "", "languages": ["pt", "en"], "cycles": ["B"],
             "sub_themes": ["B1", "B3"], "message": "", "published": True},
    "eva": {"teacher_name": "Eva", "school_name": "Gymnázium Brno", "school_level": "lower_secondary",
            "country": "CZ", "region": "", "languages": ["cs", "en"], "cycles": ["D"],
            "sub_themes": ["D1"], "message": "", "published": True},
}


def make_partnership(course_key: str, *learners: str, max_size: int = 6):
    """Cards for each learner, then the first invites the others, who accept (through the api)."""
    from etwinning_plugin import api

    for learner in learners:
        api.save_card(course_key, learner, CARDS[learner])
    for learner in learners[1:]:
        card = api.get_card(course_key, learner)
        api.invite(course_key, learners[0], card.id, "", max_size)
        received, _sent = api.invitations(course_key, learner)
        api.respond(course_key, learner, received[0].id, accept=True, max_size=max_size)
    return api.partnership_of(course_key, learners[0])
