"""
The figures page in the demo, as people meet it (issue 14, point 4): the workbench's ``?student=``
signs in on the plugin's pages, a workbench course's id is accepted, and a student opening the course
is enrolled through openedx-events as the LMS would, so that the teachers who worked are counted.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from etwinning_plugin.models import EnrollmentFact, PlatformEventReceipt
from skillslab_xblock.scenarios import demo_course
from tests.harness import WorkbenchScenario, make_partnership

pytestmark = pytest.mark.django_db
ANSWERS = dict.fromkeys(("satisfaction", "content_quality", "activities_helped", "tutors_expectations",
                         "practice_improvement", "ready_for_project", "would_recommend"), 5)


@pytest.fixture
def course():
    made = WorkbenchScenario(demo_course("en"), "etwinning_survey")
    yield made
    made.close()


def figure(page: str, name: str) -> str:
    return re.search(rf"{name}</th><td>(\d+)", page).group(1)


def test_opening_the_course_enrols_a_student_once_through_openedx_events(client, course):
    for _ in range(2):
        assert client.get(f"/scenario/{course.name}/", {"student": "anna"}).status_code == 200
    fact = EnrollmentFact.objects.get(course_key=course.course_key, user_id="anna")
    assert fact.is_active and fact.enrolled_at is not None
    receipts = PlatformEventReceipt.objects.filter(event_type="org.openedx.learning.course.enrollment.created.v1")
    assert receipts.count() == 1  # the second visit found the enrolment and sent nothing
    assert client.get(f"/scenario/{course.name}/studio_view/", {"student": "luis"}).status_code == 200
    assert not EnrollmentFact.objects.filter(user_id="luis").exists()  # only the course's learner view enrols


def test_three_teachers_work_and_the_staff_see_them_counted(client, course):
    for student in ("anna", "luis", "eva", "staff"):
        client.get(f"/scenario/{course.name}/", {"student": student})
    make_partnership(course.course_key, "anna", "luis")
    assert course.post("submit", {"answers": ANSWERS, "comment": ""}, student="eva").status == 200
    page = client.get(f"/etwinning/courses/{course.course_key}/figures/", {"student": "staff"},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert figure(text, "Teachers enrolled") == "4" and figure(text, "Teachers active in the course") == "3"
    assert 'id="chart-survey"' in text and "chart-runs" not in text
    # signed in by the session: the page's downloads open without ?student=
    assert client.get(f"/etwinning/api/v1/courses/{course.course_key}/figures/xlsx/").status_code == 200
    assert User.objects.get(username="staff").is_staff


def test_a_learner_signed_in_by_student_id_is_refused_and_told_how(client, course):
    page = client.get(f"/etwinning/courses/{course.course_key}/figures/", {"student": "anna"},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 403 and "add ?student=staff to the address" in page.content.decode()
    assert not User.objects.get(username="anna").is_staff


def test_an_id_that_is_no_course_and_no_workbench_scenario_is_a_400(client, course):
    page = client.get("/etwinning/courses/no-such-scenario/figures/", {"student": "staff"})
    assert page.status_code == 400


@pytest.mark.parametrize("student", ["", "a b", "<x>", "x" * 151])
def test_a_student_id_that_is_no_username_signs_nobody_in(client, course, student):
    page = client.get(f"/etwinning/courses/{course.course_key}/figures/", {"student": student})
    assert page.status_code == 401 and not User.objects.exists()


def test_the_front_page_links_the_demo_courses_figures_for_staff(client):
    demo_scenarios_loaded()
    page = client.get("/").content.decode()
    links = re.findall(r'href="(/etwinning/courses/[^"]+/figures/\?student=staff)"', page)
    assert len(links) == 2  # the demo course in Greek and in English
    assert client.get(links[0]).status_code == 200


def demo_scenarios_loaded() -> None:
    """
    The workbench loads its scenarios once per process, and the tests' own scenarios come and go in
    the same registry: load the demo's again, as the demo's server does when it starts.
    """
    from workbench.scenarios import init_scenarios

    init_scenarios()
