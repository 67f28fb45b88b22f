"""Who may read a course's figures over the REST API: anonymous 401, learner 403, staff and NSS 200."""

import pytest
from django.contrib.auth.models import Group, User

from etwinning_plugin.rest_api.permissions import NSS_STAFF_GROUP

pytestmark = pytest.mark.django_db
COURSE = "course-v1:NSS+SkillsLabs+2027"
URL = f"/etwinning/api/v1/courses/{COURSE}/figures/"
COURSE_STAFF = {("maria", COURSE)}


def course_staff_stand_in(user, course_key):
    """edx-platform's CourseStaffRole is not installable here: the same question, answered from a set."""
    return (user.username, str(course_key)) in COURSE_STAFF


@pytest.fixture(autouse=True)
def roles(settings):
    settings.ETWINNING_COURSE_STAFF_CHECK = "tests.reporting.test_figures_api.course_staff_stand_in"


def login(client, username, **flags):
    user = User.objects.create_user(username=username, password="x", **flags)
    client.force_login(user)
    return user


def test_anonymous_gets_401(client):
    response = client.get(URL)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_a_learner_gets_403(client):
    login(client, "learner")
    assert client.get(URL).status_code == 403


def test_the_courses_staff_read_the_figures(client):
    login(client, "maria")
    response = client.get(URL)
    assert response.status_code == 200
    assert set(response.json()) >= {"course_id", "enrolled", "completed", "new_etwinning_teachers",
                                    "new_etwinning_schools", "survey"}
    assert set(response.json()["survey"]) == {"responses", "items"}
    assert client.get(URL.replace("2027", "2028")).status_code == 403  # another course's staff: no


def test_nss_staff_read_every_course(client):
    user = login(client, "nss")
    user.groups.add(Group.objects.create(name=NSS_STAFF_GROUP))
    assert client.get(URL).status_code == 200
    csv_response = client.get(URL, {"format": "csv"})
    assert csv_response.status_code == 200 and csv_response.content.decode().startswith("figure,count")


def test_a_malformed_course_id_is_refused(client):
    login(client, "global", is_staff=True)
    assert client.get("/etwinning/api/v1/courses/not-a-course/figures/").status_code == 400
