"""
Open edX Teams as partnerships. edx-platform (where the ``teams`` service lives) is not installable
here, so a stand-in gives its documented interface: ``get_team(user, course_id, teamset_id)``
returning a team with ``team_id`` and ``users``, as lms/djangoapps/teams/services.py does.
"""

import json
from dataclasses import dataclass, field

import pytest
from workbench.runtime import WorkbenchRuntime
from xblock.reference.user_service import UserService, XBlockUser

from etwinning_plugin import api
from skillslab_xblock.scenarios import activity_olx
from tests.harness import CARDS, handle


@dataclass
class DjangoUser:
    id: int


@dataclass
class Team:
    team_id: str
    members: list = field(default_factory=list)

    @property
    def users(self):
        members = self.members

        class Manager:
            def all(self):
                return members
        return Manager()


class TeamsService:
    def __init__(self, teams):
        self.teams = teams
        self.calls = []

    def get_team(self, user, course_id, teamset_id):
        self.calls.append((user.id, course_id, teamset_id))
        return next((t for t in self.teams if any(u.id == user.id for u in t.members)), None)


class LmsUserService(UserService):
    def __init__(self, user_id):
        user = XBlockUser(is_current_user=True)
        user.opt_attrs.update({"edx-platform.user_id": user_id, "edx-platform.user_role": "student"})
        super().__init__(user=user)
        self.user_id = user_id

    def get_current_user(self):
        return self._user

    def get_user_by_anonymous_id(self, uid=None):
        return DjangoUser(self.user_id)


def lms_block(usage_id, user_id, teams):
    runtime = WorkbenchRuntime(str(user_id))
    runtime._services["user"] = LmsUserService(user_id)
    runtime._services["teams"] = teams
    return runtime.get_block(usage_id)


@pytest.fixture
def team_step(scenario_factory):
    return scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared",
                                         teamset_id="skills-labs-2027"))


def test_the_learners_team_is_their_partnership(team_step):
    team = Team("team-rivers", [DjangoUser(101), DjangoUser(202)])
    teams = TeamsService([team])
    api.save_card(team_step.course_key, "101", CARDS["anna"])
    api.save_card(team_step.course_key, "202", CARDS["luis"])
    first = handle(lms_block(team_step.usage_id, 101, teams), "save_draft",
                 {"worksheet": {"goal": {"shared_goal": "Our rivers"}}, "base_version": 0})
    assert first.status_code == 200
    assert teams.calls[-1] == (101, team_step.course_key, "skills-labs-2027")
    second = handle(lms_block(team_step.usage_id, 202, teams), "shared_state", {})
    state = json.loads(second.body)
    assert state["worksheet"]["goal"]["shared_goal"] == "Our rivers"
    assert state["shared"]["schools"] == ["1st Primary School of Patras", "Escola Básica de Braga"]
    partnership = api.partnership_of(team_step.course_key, "202")
    assert partnership.team_id == "team-rivers"


def test_team_changes_are_followed_and_team_members_cannot_leave_by_themselves(team_step, scenario_factory):
    team = Team("team-rivers", [DjangoUser(101), DjangoUser(202)])
    teams = TeamsService([team])
    handle(lms_block(team_step.usage_id, 101, teams), "shared_state", {})
    team.members = [DjangoUser(101), DjangoUser(303)]
    handle(lms_block(team_step.usage_id, 101, teams), "shared_state", {})
    assert api.partnership_of(team_step.course_key, "202") is None
    assert api.partnership_of(team_step.course_key, "303").team_id == "team-rivers"
    with pytest.raises(api.Refused, match="course team"):
        api.leave(team_step.course_key, "303")


def test_without_a_team_the_learner_is_asked_to_join_one(team_step):
    response = handle(lms_block(team_step.usage_id, 999, TeamsService([])), "save_draft",
                    {"worksheet": {}, "base_version": 0})
    assert response.status_code == 409
