"""
Figures across runs, courses and school years (issue 14, point 1), through the real events and the
real blocks: two runs of the Skills Labs course (2022-23 and 2023-24) and a second course
(2023-24). Teachers who take both runs, or two courses, are counted once wherever their runs meet.

Who does what (teachers t1 ... t9):

| teacher | Skills Labs 2022 (Oct 2022) | Skills Labs 2023 (Oct 2023) | Coding 2023 (Nov 2023) |
|---|---|---|---|
| t1 | enrolled, passed, registered (new teacher, school A), survey 5 | enrolled, passed | |
| t2 | enrolled, survey 2 | enrolled, passed, registered (new teacher, school B), survey 4 | |
| t3 | enrolled | | enrolled, passed, registered (school A again), survey 5 |
| t4 | | enrolled, passed | enrolled |
| t5 ... t9 | | enrolled (five more, doing nothing) | |
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning import signals
from openedx_events.learning.data import CourseData, CourseEnrollmentData, CoursePassingStatusData
from workbench.runtime import WorkbenchRuntime

from etwinning_plugin.reports.figures import figures
from etwinning_plugin.reports.scopes import Scope, ScopeError, school_year_of, scope_of
from skillslab_xblock.survey import NSS_ITEMS
from tests.harness import WorkbenchScenario, handle, only_plugin_apps, platform_user

pytestmark = pytest.mark.django_db
RUN_2022, RUN_2023 = "course-v1:NSS+SkillsLabs+2022", "course-v1:NSS+SkillsLabs+2023"
CODING = "course-v1:NSS+Coding+2023"
OCT_2022, OCT_2023, NOV_2023 = (datetime(2022, 10, 3, 9, tzinfo=UTC), datetime(2023, 10, 2, 9, tzinfo=UTC),
                                datetime(2023, 11, 6, 9, tzinfo=UTC))


def at(moment: datetime, monkeypatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def enrol(run: str, teacher: int, when: datetime) -> None:
    signals.COURSE_ENROLLMENT_CREATED.send_event(time=when, enrollment=CourseEnrollmentData(
        user=platform_user(teacher), course=CourseData(course_key=CourseKey.from_string(run)), mode="audit",
        is_active=True, creation_date=when))


def pass_(run: str, teacher: int, when: datetime) -> None:
    signals.COURSE_PASSING_STATUS_UPDATED.send_event(time=when, course_passing_status=CoursePassingStatusData(
        is_passing=True, course=CourseData(course_key=CourseKey.from_string(run)), user=platform_user(teacher)))


def lms_call(usage_id: str, run: str, teacher: int, handler: str, body: dict) -> None:
    runtime = WorkbenchRuntime(str(teacher))
    runtime.course_id = CourseKey.from_string(run)
    response = handle(runtime.get_block(usage_id), handler, body)
    assert response.status_code == 200, response.body


def register(blocks, run: str, teacher: int, school: str) -> None:
    blocks = blocks[run]
    lms_call(blocks.usage_ids("etwinning_registration")[0], run, teacher, "save_registration", {
        "profile_url": f"https://school-education.ec.europa.eu/en/people/t{teacher}", "school_name": school,
        "school_code": "", "region": "Attica", "teacher_registered_during_course": True,
        "school_registered_during_course": True, "consent_to_share_profile": False})


def answer(blocks, run: str, teacher: int, value: int) -> None:
    lms_call(blocks[run].usage_id, run, teacher, "submit", {"answers": {i["key"]: value for i in NSS_ITEMS}})


@pytest.fixture
def year_of_courses(monkeypatch):
    from edx_django_utils.plugins import connect_plugin_receivers

    with only_plugin_apps("etwinning_plugin"):
        connect_plugin_receivers("lms.djangoapp")
    # each run has its own blocks, as each course run has its own copy of the course's content
    blocks = {run: WorkbenchScenario("<vertical_demo><etwinning_survey/><etwinning_registration/></vertical_demo>",
                                     "etwinning_survey") for run in (RUN_2022, RUN_2023, CODING)}
    try:
        at(OCT_2022, monkeypatch)
        for teacher in (1, 2, 3):
            enrol(RUN_2022, teacher, OCT_2022)
        pass_(RUN_2022, 1, OCT_2022)
        register(blocks, RUN_2022, 1, "School A")
        answer(blocks, RUN_2022, 1, 5)
        answer(blocks, RUN_2022, 2, 2)
        at(OCT_2023, monkeypatch)
        for teacher in (1, 2, 4, 5, 6, 7, 8, 9):
            enrol(RUN_2023, teacher, OCT_2023)
        for teacher in (1, 2, 4):
            pass_(RUN_2023, teacher, OCT_2023)
        register(blocks, RUN_2023, 2, "School B")
        answer(blocks, RUN_2023, 2, 4)
        at(NOV_2023, monkeypatch)
        for teacher in (3, 4):
            enrol(CODING, teacher, NOV_2023)
        pass_(CODING, 3, NOV_2023)
        register(blocks, CODING, 3, "school a")  # the same school, typed otherwise
        answer(blocks, CODING, 3, 5)
        yield
    finally:
        for scenario in blocks.values():
            scenario.close()


def counts(scope: Scope) -> tuple:
    f = figures(scope)
    return (f["enrolled"], f["active"], f["completed"], f["new_etwinning_teachers"], f["new_etwinning_schools"],
            f["survey"]["responses"])


@pytest.mark.usefixtures("year_of_courses")
def test_each_run_course_school_year_and_the_site_count_teachers_once():
    #                                               enrolled active completed teachers schools responses
    assert counts(Scope(run=RUN_2022)) == (3, 2, 1, 1, 1, 2)
    assert counts(Scope(run=RUN_2023)) == (8, 3, 3, 1, 1, 1)
    assert counts(Scope(run=CODING)) == (2, 1, 1, 1, 1, 1)
    # the course: both runs, t1 and t2 once each: t1..t9 (t3 in 2022 only, t4..t9 in 2023 only)
    assert counts(Scope(course="NSS+SkillsLabs")) == (9, 3, 3, 2, 2, 3)  # active: t1, t2, t4
    # school years: 2022-23 is the first run; 2023-24 the second run and Coding, t4 once
    assert counts(Scope(school_year="2022-23")) == (3, 2, 1, 1, 1, 2)
    assert counts(Scope(school_year="2023-24")) == (9, 4, 4, 2, 2, 2)
    assert counts(Scope(course="NSS+SkillsLabs", school_year="2023-24")) == (8, 3, 3, 1, 1, 1)
    # the site: nine teachers, School A once though typed twice
    assert counts(Scope()) == (9, 4, 4, 3, 2, 4)  # active: t1..t4
    items = {i["key"]: i for i in figures(Scope())["survey"]["items"]}
    assert items["satisfaction"]["answered"] == 4 and items["satisfaction"]["positive"] == 3


@pytest.mark.usefixtures("year_of_courses")
def test_the_command_reports_the_site_a_course_and_a_school_year():
    out = io.StringIO()
    call_command("etwinning_report", "--all-courses", "--school-year", "2023-24", stdout=out)
    assert json.loads(out.getvalue()) == figures(Scope(school_year="2023-24"))
    out = io.StringIO()
    call_command("etwinning_report", "--course", "NSS+SkillsLabs", stdout=out)
    assert json.loads(out.getvalue())["enrolled"] == 9


def test_scopes_say_what_is_wrong_with_what_was_typed():
    for bad in ({"school_year": "2025-27"}, {"school_year": "25-26"}, {"course": "SkillsLabs"},
                {"run": "not a course"}):
        with pytest.raises(ScopeError):
            scope_of(**bad)
    assert scope_of(course="NSS+SkillsLabs", school_year="2025-26").period()[0] == datetime(2025, 9, 1, tzinfo=UTC)
    assert school_year_of(datetime(2026, 1, 15, tzinfo=UTC)) == "2025-26"
    assert school_year_of(datetime(2026, 9, 1, tzinfo=UTC)) == "2026-27"


@pytest.mark.usefixtures("year_of_courses")
def test_the_nss_receives_a_site_summary_per_school_year(monkeypatch):
    import jsonschema
    from django.core.cache import cache

    from etwinning_plugin.models import OutboxRecord
    from etwinning_plugin.reporting import contract
    from etwinning_plugin.reporting.summaries import queue_site_summary

    cache.clear()  # no summary counted earlier in this process
    later = datetime(2024, 3, 1, 9, tzinfo=UTC)
    at(later, monkeypatch)
    assert queue_site_summary()  # the current school year: 2023-24
    assert not queue_site_summary()  # again within ETWINNING_SITE_SUMMARY_INTERVAL: not counted again
    assert queue_site_summary(school_year="2022-23", interval=0)
    summaries = {r.payload["school_year"]: r.payload for r in OutboxRecord.objects.filter(record_type="site_summary")}
    assert set(summaries) == {"2022-23", "2023-24"}
    year = summaries["2023-24"]
    jsonschema.validate(year, contract.schema("site_summary"), format_checker=jsonschema.FormatChecker())
    assert (year["enrolled"], year["active"], year["completed"], year["new_etwinning_teachers"],
            year["new_etwinning_schools"], year["survey"]["responses"]) == (9, 4, 4, 2, 2, 2)
    assert "learner" not in year and year["course_id"] == ""
