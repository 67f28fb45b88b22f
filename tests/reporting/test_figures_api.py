"""Who may read a course's figures over the REST API: anonymous 401, learner 403, staff and NSS 200."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
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
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("JWT")  # the LMS prefix


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
    user.groups.add(Group.objects.get_or_create(name=NSS_STAFF_GROUP)[0])
    assert client.get(URL).status_code == 200
    csv_response = client.get(URL + "csv/")
    assert csv_response.status_code == 200 and csv_response.content.decode().startswith("figure,count")


def test_a_malformed_course_id_is_refused(client):
    login(client, "global", is_staff=True)
    assert client.get("/etwinning/api/v1/courses/not-a-course/figures/").status_code == 400


# --- JWT authentication (edx-drf-extensions' JwtAuthentication, as the NSS's services would call) ---


def jwt_for(username: str, *, expires_in: int = 600, key=None, audience: str = "lms-key") -> str:
    """A token shaped like the LMS's (issuer, audience, preferred_username, version), signed RS512."""
    from django.conf import settings
    from jwt.algorithms import RSAAlgorithm

    now = int(time.time())
    payload = {"iss": "http://lms.test/oauth2", "aud": audience, "preferred_username": username,
               "email": f"{username}@nss.test", "iat": now, "exp": now + expires_in, "scopes": [],
               "version": "1.2.0", "filters": [], "is_restricted": False}
    signing_key = key or RSAAlgorithm.from_jwk(settings.JWT_PRIVATE_SIGNING_JWK)
    return jwt.encode(payload, signing_key, algorithm="RS512")


def get_with_jwt(client, token: str):
    return client.get(URL, HTTP_AUTHORIZATION=f"JWT {token}")


def test_a_jwt_of_nss_staff_or_course_staff_reads_the_figures(client):
    nss = User.objects.create_user(username="nss-service")
    nss.groups.add(Group.objects.get_or_create(name=NSS_STAFF_GROUP)[0])
    User.objects.create_user(username="maria")
    for username in ("nss-service", "maria"):
        response = get_with_jwt(client, jwt_for(username))
        assert response.status_code == 200 and response.json()["course_id"] == COURSE


def test_a_learners_jwt_gets_403(client):
    User.objects.create_user(username="learner")
    assert get_with_jwt(client, jwt_for("learner")).status_code == 403


@pytest.mark.parametrize("token", [
    pytest.param(lambda: jwt_for("maria", expires_in=-60), id="expired"),
    pytest.param(lambda: jwt_for("maria", key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
                 id="signed-by-another-key"),
    pytest.param(lambda: jwt_for("maria", audience="another-service"), id="another-audience"),
    pytest.param(lambda: "not.a.token", id="malformed"),
])
def test_a_bad_jwt_gets_401_even_for_staff(client, token):
    User.objects.create_user(username="maria")
    response = get_with_jwt(client, token())
    assert response.status_code == 401 and "figures" not in response.content.decode()


def test_the_malformed_course_id_error_is_in_the_users_language(client):
    login(client, "global", is_staff=True)
    response = client.get("/etwinning/api/v1/courses/<script>/figures/", HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 400 and "αναγνωριστικό μαθήματος" in response.json()["error"]


def test_a_restricted_applications_jwt_gets_403_even_for_staff(client):
    """A JWT of a restricted OAuth application (is_restricted, limited scopes and org filters), as
    edx-drf-extensions flags it, is refused, as the platform's own APIs refuse it."""
    from django.conf import settings
    from jwt.algorithms import RSAAlgorithm

    nss = User.objects.create_user(username="nss-service")
    nss.groups.add(Group.objects.get_or_create(name=NSS_STAFF_GROUP)[0])
    now = int(time.time())
    payload = {"iss": "http://lms.test/oauth2", "aud": "lms-key", "preferred_username": "nss-service",
               "email": "nss@nss.test", "iat": now, "exp": now + 600, "version": "1.2.0",
               "is_restricted": True, "scopes": ["profile"], "filters": ["content_org:OtherOrg"]}
    token = jwt.encode(payload, RSAAlgorithm.from_jwk(settings.JWT_PRIVATE_SIGNING_JWK), algorithm="RS512")
    assert get_with_jwt(client, token).status_code == 403
    assert client.get(URL + "csv/", HTTP_AUTHORIZATION=f"JWT {token}").status_code == 403


SITE = "/etwinning/api/v1/figures/"


def test_figures_beyond_one_run_are_for_the_nss_staff_only(client):
    """Anonymous 401, a learner and a course's own staff 403, the NSS's staff 200 (issue 14, point 1)."""
    from etwinning_plugin.reports.figures import figures
    from etwinning_plugin.reports.scopes import Scope

    assert client.get(SITE).status_code == 401
    login(client, "learner")
    assert client.get(SITE).status_code == 403
    login(client, "maria")  # staff of one course: not the site's figures
    assert client.get(SITE).status_code == 403
    user = login(client, "nss")
    user.groups.add(Group.objects.get_or_create(name=NSS_STAFF_GROUP)[0])
    response = client.get(SITE, {"course": "NSS+SkillsLabs", "school_year": "2025-26"})
    assert response.status_code == 200
    assert response.json() == figures(Scope(course="NSS+SkillsLabs", school_year="2025-26"))
    assert client.get(SITE + "csv/").content.decode().startswith("figure,count")
    refused = client.get(SITE, {"school_year": "2025-2026"}, HTTP_ACCEPT_LANGUAGE="el")
    assert refused.status_code == 400 and refused.json()["error"].startswith("Ένα σχολικό έτος γράφεται ως 2025-26")
