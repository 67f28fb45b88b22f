"""
The LMS, as edx-platform calls the blocks: a learner's handlers with the LMS's services, grades and
completion handled as the LMS handles them (completion stored by the real edx-completion),
instructors' rescoring and score override, the mobile apps' data collected at publish time, and the
instructor's problem-responses report.
"""

from __future__ import annotations

from collections import namedtuple

import pytest
from completion.models import BlockCompletion
from completion.services import CompletionService
from django.utils import translation
from waffle.testutils import override_switch
from xblock.fields import Scope
from xblock.scorable import Score

from tests.harness import COMPLETE_WORKSHEET

from .conftest import BLOCK_OLX, BLOCK_TYPES
from .runtime import PlatformRuntime, call_handler, lms_runtime

# completion/waffle.py: ENABLE_COMPLETION_TRACKING_SWITCH (Tutor's init turns it on: jobs/init/lms.sh)
COMPLETION_TRACKING = "completion.enable_completion_tracking"


SELFIE_AREA_KEYS = ("professional_engagement", "digital_resources", "teaching_learning", "assessment",
                    "empowering_learners", "learners_digital_competence")
SURVEY_ITEMS = ("satisfaction", "content_quality", "activities_helped", "tutors_expectations",
                "practice_improvement", "ready_for_project", "would_recommend")
VALID_SUBMISSIONS = {
    "skillslab_activity": ("submit", {"worksheet": COMPLETE_WORKSHEET}),
    "etwinning_partners": ("save_card", {"teacher_name": "Anna", "school_name": "1st Primary School of Patras",
                                         "school_level": "primary_upper", "country": "Greece", "languages": ["el"]}),
    "etwinning_project_plan": ("save_plan", {"plan": {"title": "Rivers", "aims": "Compare"}, "base_version": 0}),
    "etwinning_survey": ("submit", {"answers": dict.fromkeys(SURVEY_ITEMS, 5)}),
    "etwinning_self_assessment": ("submit", {"answers": dict.fromkeys(SELFIE_AREA_KEYS, 3)}),
    "etwinning_registration": ("save_registration", {
        "profile_url": "https://school-education.ec.europa.eu/en/people/anna", "school_name": "1st Primary",
        "teacher_registered_during_course": True, "school_registered_during_course": False,
        "consent_to_share_profile": False}),
}


def learner(course, user, usage_id, **options):
    runtime = lms_runtime(course, user, completion=CompletionService(user, course.key), **options)
    return runtime, runtime.load(usage_id, user.id)


@override_switch(COMPLETION_TRACKING, active=True)
def test_a_submission_is_graded_and_completed_where_the_lms_keeps_them(course, people):
    """
    xmodule/services.py ``EventPublishingService``: ``grade`` → SCORE_PUBLISHED(raw_earned=event['value'],
    raw_possible=event['max_value'], only_if_higher=...); ``completion`` →
    ``completion_service.submit_completion(block.scope_ids.usage_id, event['completion'])``.
    """
    usage_id = course.import_olx(BLOCK_OLX["skillslab_activity"])
    anna = people["anna"]
    runtime, block = learner(course, anna, usage_id)
    with translation.override("el"):
        status, state = call_handler(runtime, block, "submit", {"worksheet": COMPLETE_WORKSHEET})
    assert status == 200 and state["submitted"]
    assert runtime._services["publish"].scores == [  # noqa: SLF001
        {"block": usage_id, "raw_earned": 5.0, "raw_possible": 5.0, "only_if_higher": None}]
    stored = BlockCompletion.objects.get(user=anna, block_key=usage_id)
    assert stored.completion == 1.0 and stored.context_key == course.key


@pytest.mark.parametrize("block_type", ["etwinning_survey", "etwinning_registration"])
@override_switch(COMPLETION_TRACKING, active=True)
def test_every_completing_block_reaches_the_completion_store(course, people, block_type):
    usage_id = course.import_olx(BLOCK_OLX[block_type])
    runtime, block = learner(course, people["anna"], usage_id)
    handler, body = VALID_SUBMISSIONS[block_type]
    status, answer = call_handler(runtime, block, handler, body)
    assert status == 200, answer
    assert BlockCompletion.objects.get(user=people["anna"], block_key=usage_id).completion == 1.0


def test_rescoring_as_the_instructor_task_does(course, people):
    """
    lms/djangoapps/instructor_task/tasks_helper/module_state.py ``rescore_problem_module_state``::

        if not hasattr(instance, 'rescore'): ...
        if not instance.has_submitted_answer(): return UPDATE_STATUS_SKIPPED
        instance.rescore(only_if_higher=task_input['only_if_higher'])
        instance.save()
    """
    usage_id = course.import_olx(BLOCK_OLX["skillslab_activity"])
    anna, luis = people["anna"], people["luis"]
    runtime, block = learner(course, anna, usage_id)
    call_handler(runtime, block, "submit", {"worksheet": COMPLETE_WORKSHEET})
    runtime, instance = learner(course, anna, usage_id)  # the task loads the block for the learner
    assert hasattr(instance, "rescore") and instance.has_submitted_answer()
    instance.rescore(only_if_higher=False)
    instance.save()
    assert runtime._services["publish"].scores == [  # noqa: SLF001
        {"block": usage_id, "raw_earned": 5.0, "raw_possible": 5.0, "only_if_higher": False}]
    _runtime, untouched = learner(course, luis, usage_id)
    assert not untouched.has_submitted_answer()  # the task skips learners who never submitted


def test_overriding_a_score_as_the_instructor_task_does(course, people):
    """
    module_state.py ``override_score_module_state``::

        if not hasattr(instance, 'set_score'): raise UpdateProblemModuleStateError(...)
        weighted_override_score = float(task_input['score'])
        if not (0 <= weighted_override_score <= instance.max_score()): raise ...
        problem_weight = instance.weight if instance.weight is not None else 1
        instance.set_score(Score(raw_earned=weighted_override_score / problem_weight,
                                 raw_possible=instance.max_score() / problem_weight))
        instance.publish_grade()
        instance.save()
    """
    usage_id = course.import_olx(BLOCK_OLX["skillslab_activity"])
    anna = people["anna"]
    runtime, block = learner(course, anna, usage_id)
    call_handler(runtime, block, "submit", {"worksheet": COMPLETE_WORKSHEET})
    runtime, instance = learner(course, anna, usage_id)
    weighted_override_score = 5.0
    assert hasattr(instance, "set_score") and 0 <= weighted_override_score <= instance.max_score()
    problem_weight = instance.weight if instance.weight is not None else 1
    instance.set_score(Score(raw_earned=weighted_override_score / problem_weight,
                             raw_possible=instance.max_score() / problem_weight))
    instance.publish_grade()
    instance.save()
    assert runtime._services["publish"].scores[-1] == {  # noqa: SLF001
        "block": usage_id, "raw_earned": 2.5, "raw_possible": 2.5, "only_if_higher": None}
    _runtime, reloaded = learner(course, anna, usage_id)
    assert reloaded.get_score() == Score(2.5, 2.5)  # kept in the learner's state


# --- the mobile apps: StudentViewTransformer.collect ---------------------------------------------


@pytest.mark.parametrize("block_type", BLOCK_TYPES)
def test_the_mobile_apps_get_every_block_at_publish_time(course, people, block_type):
    """
    lms/djangoapps/course_api/blocks/transformers/student_view.py ``StudentViewTransformer.collect``::

        student_view = getattr(block.__class__, 'student_view', None)
        supports_multi_device = block.has_support(student_view, 'multi_device')
        ...
        if getattr(block, 'student_view_data', None):
            student_view_data = block.student_view_data()

    on the block as the modulestore loads it: no user, in whatever language the publishing process
    runs; the result is cached and served to every learner.
    """
    usage_id = course.import_olx(BLOCK_OLX[block_type])
    collected = {}
    for language in ("el", "en"):
        with translation.override(language):
            block = PlatformRuntime(course, {}).load(usage_id)
            student_view = getattr(block.__class__, "student_view", None)
            assert block.has_support(student_view, "multi_device")
            collected[language] = block.student_view_data()
    assert collected["el"] == collected["en"], "the same data whatever language the publishing process has"
    assert course.student_state(usage_id) == {}, "collecting writes no learner state"


def test_the_mobile_data_carries_both_languages(course):
    usage_id = course.import_olx(BLOCK_OLX["skillslab_activity"])
    data = PlatformRuntime(course, {}).load(usage_id).student_view_data()
    assert data["texts"]["el"]["steps"][0]["title"] == "Σχολεία-εταίροι και ο ρόλος τους"
    assert data["texts"]["en"]["steps"][0]["title"].startswith("Partner schools")


# --- the instructor's problem-responses report ----------------------------------------------------

# lms/djangoapps/courseware/user_state_client.py
XBlockUserState = namedtuple("XBlockUserState", ["username", "block_key", "state", "updated", "scope"])


def iter_all_for_block(course, usage_id, users):
    """``DjangoXBlockUserStateClient.iter_all_for_block``: one decoded state per learner with one."""
    for user in users:
        state = course.student_state(usage_id, user.id)
        if state:
            yield XBlockUserState(user.username, usage_id, state, None, Scope.user_state)


@pytest.mark.parametrize("block_type", BLOCK_TYPES)
def test_the_problem_responses_report_calls_generate_report_data(course, people, block_type):
    """
    lms/djangoapps/instructor_task/tasks_helper/grades.py ``ProblemResponses._build_student_data``::

        block = store.get_item(block_key)
        if hasattr(block, 'generate_report_data'):
            user_state_iterator = user_state_client.iter_all_for_block(block_key)
            for username, state in block.generate_report_data(user_state_iterator, max_count):
                generated_report_data[username].append(state)
    """
    usage_id = course.import_olx(BLOCK_OLX[block_type])
    anna = people["anna"]
    handler, body = VALID_SUBMISSIONS[block_type]
    runtime, block = learner(course, anna, usage_id)
    status, answer = call_handler(runtime, block, handler, body)
    assert status == 200, answer
    block = PlatformRuntime(course, {}).load(usage_id)  # store.get_item: no user
    rows = list(block.generate_report_data(iter_all_for_block(course, usage_id, people.values()), None))
    assert [username for username, _row in rows] == ["anna"]
    assert all(isinstance(key, str) for key in rows[0][1])


# --- teams: the LMS's TeamsService ---------------------------------------------------------------


class TeamsStandIn:
    """
    lms/djangoapps/teams/services.py ``TeamsService.get_team(user, course_id, topic_id)``, which returns
    ``api.get_team_for_user_course_topic(user, course_id, topic_id)``: the learner's ``CourseTeam`` in
    the teamset (``team_id``, ``users``), else None. The teams' table is edx-platform's: here, a dict.
    """

    def __init__(self, teams: dict[str, list]):
        self.teams = teams
        self.asked = []

    def get_team(self, user, course_id, topic_id):
        from types import SimpleNamespace

        self.asked.append((user.username, course_id, topic_id))
        for team_id, members in self.teams.items():
            if user in members:
                return SimpleNamespace(team_id=team_id, users=SimpleNamespace(all=lambda members=members: members))
        return None


def test_an_open_edx_team_shares_the_worksheet(course, people):
    """
    The block asks the user service for the Django user (``get_user_by_anonymous_id()``: the current
    learner) and the teams service for their team in the author's teamset, with the course's key.
    """
    olx = BLOCK_OLX["skillslab_activity"].replace('weight="2.0"', 'weight="2.0" collaboration_mode="shared" '
                                                                   'teamset_id="rivers"')
    usage_id = course.import_olx(olx)
    anna, luis = people["anna"], people["luis"]
    teams = TeamsStandIn({"team-1": [anna, luis]})
    runtime = lms_runtime(course, anna, teams=teams)
    status, state = call_handler(runtime, runtime.load(usage_id, anna.id), "save_draft",
                                 {"worksheet": {"goal": {"shared_goal": "Compare our rivers"}}, "base_version": 0})
    assert status == 200, state
    runtime = lms_runtime(course, luis, teams=teams)
    status, state = call_handler(runtime, runtime.load(usage_id, luis.id), "shared_state", {})
    assert state["worksheet"]["goal"]["shared_goal"] == "Compare our rivers"
    assert {course_id for _user, course_id, _topic in teams.asked} == {course.key}


def test_in_the_lms_a_shared_step_links_to_the_partner_blocks_unit(course, people):
    """lms/urls.py: ``courses/<course_key>/jump_to/<location>`` opens the unit a block is in."""
    partners = course.import_olx(BLOCK_OLX["etwinning_partners"])
    step = course.import_olx(BLOCK_OLX["skillslab_activity"].replace('weight="2.0"', 'collaboration_mode="shared"'))
    runtime, block = learner(course, people["luis"], partners)
    assert call_handler(runtime, block, *VALID_SUBMISSIONS["etwinning_partners"])[0] == 200
    runtime, block = learner(course, people["anna"], step)
    state = call_handler(runtime, block, "shared_state", {})[1]
    assert state["shared"]["partners_url"] == f"/courses/{course.key}/jump_to/{partners}"


@pytest.mark.parametrize(("block_type", "handler", "body"), [
    ("skillslab_activity", "submit", {"worksheet": COMPLETE_WORKSHEET}),
    ("etwinning_survey", "submit", {"answers": dict.fromkeys(SURVEY_ITEMS, 5)}),
    ("etwinning_self_assessment", "submit", {"answers": dict.fromkeys(SELFIE_AREA_KEYS, 3)}),
])
def test_a_self_paced_learners_own_due_date_closes_a_block_without_its_own_deadline(course, people, block_type,
                                                                                       handler, body):
    """
    In the LMS a block's ``due`` is xmodule's inherited field (xmodule/modulestore/inheritance.py
    ``InheritanceMixin.due``: the subsection's due date), which edx-when's field override
    (``edx_when.field_data.DateOverrideTransformer``/``DateLookupFieldData``) replaces with the
    learner's own date in a self-paced run. A block without its own deadline follows it; the
    author's own deadline wins where set (issue 14, point 3).
    """
    from datetime import UTC, datetime, timedelta

    usage_id = course.import_olx(BLOCK_OLX[block_type])
    runtime, block = learner(course, people["anna"], usage_id)
    block.due = datetime.now(UTC) - timedelta(days=1)  # what the override gives this learner
    status, answer = call_handler(runtime, block, handler, body)
    assert status == 403 and "deadline" in answer["error"] and "passed" in answer["error"]
    runtime, block = learner(course, people["luis"], usage_id)
    block.due = datetime.now(UTC) + timedelta(days=7)  # another learner's date is still ahead
    status, _answer = call_handler(runtime, block, handler, body)
    assert status == 200
    block.deadline, block.due = datetime.now(UTC) + timedelta(days=1), datetime.now(UTC) - timedelta(days=1)
    assert block.deadline_passed() is False  # the author's own deadline wins
