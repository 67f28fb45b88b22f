"""
The figures API and page under the LMS's own Django REST Framework settings.

openedx/envs/common.py (master), ``REST_FRAMEWORK``, copied below without the two classes that live
in edx-platform itself (``DEFAULT_AUTHENTICATION_CLASSES``: our views name theirs;
``EXCEPTION_HANDLER``: it only drops some errors from monitoring)::

    'DEFAULT_PAGINATION_CLASS': 'edx_rest_framework_extensions.paginators.DefaultPagination',
    'DEFAULT_RENDERER_CLASSES': ('rest_framework.renderers.JSONRenderer',),
    'PAGE_SIZE': 10,
    'URL_FORMAT_OVERRIDE': None,
    'DEFAULT_THROTTLE_RATES': {...},

``URL_FORMAT_OVERRIDE = None`` is the one that bites: DRF then ignores ``?format=csv``.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

COURSE = "course-v1:NSS+SkillsLabs+2027"

LMS_REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "edx_rest_framework_extensions.paginators.DefaultPagination",
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
    "PAGE_SIZE": 10,
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_RATES": {
        "user": "60/minute",
        "service_user": "800/minute",
        "registration_validation": "30/minute",
        "high_service_user": "2000/minute",
    },
}


@pytest.fixture
def lms_staff_client(client, settings):
    settings.REST_FRAMEWORK = LMS_REST_FRAMEWORK  # DRF reloads its api_settings on setting_changed
    client.force_login(User.objects.create_user("global-staff", password="x", is_staff=True))
    return client


def test_the_csv_url_answers_csv_in_the_lms(lms_staff_client):
    response = lms_staff_client.get(f"/etwinning/api/v1/courses/{COURSE}/figures/csv/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="course-figures.csv"'
    assert response.content.decode().startswith("figure,count")


def test_the_figures_pages_csv_link_downloads_csv_in_the_lms(lms_staff_client):
    page = lms_staff_client.get(f"/etwinning/courses/{COURSE}/figures/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    link = re.search(r'<a href="([^"]+)">CSV</a>', page.content.decode()).group(1)
    download = lms_staff_client.get(link)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv"), link


def test_the_json_api_stays_json_in_the_lms(lms_staff_client):
    response = lms_staff_client.get(f"/etwinning/api/v1/courses/{COURSE}/figures/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["course_id"] == COURSE
    site = lms_staff_client.get("/etwinning/api/v1/figures/", {"format": "csv", "school_year": "2025-26"})
    assert site.status_code == 200 and site["Content-Type"] == "application/json"
    assert site.json()["school_year"] == "2025-26"


def lms_jwt_auth(test_settings) -> dict:
    """
    openedx/envs/common.py ``JWT_AUTH`` (master), with the issuer, audience and keys a deployment sets
    (Tutor writes them into the LMS's settings) taken from this test run's settings.
    """
    deployment = test_settings.JWT_AUTH
    return {
        "JWT_VERIFY_EXPIRATION": True,
        "JWT_PAYLOAD_GET_USERNAME_HANDLER": lambda d: d.get("username"),
        "JWT_LEEWAY": 1,
        "JWT_DECODE_HANDLER": "edx_rest_framework_extensions.auth.jwt.decoder.jwt_decode_handler",
        "JWT_AUTH_COOKIE": "edx-jwt-cookie",
        "JWT_EXPIRATION": 30,
        "JWT_IN_COOKIE_EXPIRATION": 60 * 60,
        "JWT_LOGIN_CLIENT_ID": "login-service-client-id",
        "JWT_LOGIN_SERVICE_USERNAME": "login_service_user",
        "JWT_SUPPORTED_VERSION": "1.2.0",
        "JWT_ALGORITHM": "HS256",
        "JWT_SECRET_KEY": deployment["JWT_SECRET_KEY"],
        "JWT_SIGNING_ALGORITHM": "RS512",
        "JWT_PRIVATE_SIGNING_JWK": None,
        "JWT_PUBLIC_SIGNING_JWK_SET": deployment["JWT_PUBLIC_SIGNING_JWK_SET"],
        "JWT_ISSUER": deployment["JWT_ISSUER"],
        "JWT_AUDIENCE": deployment["JWT_AUDIENCE"],
        "JWT_ISSUERS": deployment["JWT_ISSUERS"],
        "JWT_AUTH_COOKIE_HEADER_PAYLOAD": "edx-jwt-cookie-header-payload",
        "JWT_AUTH_COOKIE_SIGNATURE": "edx-jwt-cookie-signature",
        "JWT_AUTH_HEADER_PREFIX": "JWT",
    }


@pytest.mark.parametrize(("username", "nss_staff", "status"), [("nss-service", True, 200), ("learner", False, 403)])
def test_the_nss_service_reads_the_csv_with_a_jwt_under_the_lms_settings(client, settings, username, nss_staff,
                                                                        status):
    from django.contrib.auth.models import Group

    from etwinning_plugin.rest_api.permissions import NSS_STAFF_GROUP
    from tests.reporting.test_figures_api import jwt_for

    settings.REST_FRAMEWORK = LMS_REST_FRAMEWORK
    settings.JWT_AUTH = lms_jwt_auth(settings)
    user = User.objects.create_user(username)
    if nss_staff:
        user.groups.add(Group.objects.get_or_create(name=NSS_STAFF_GROUP)[0])
    for url in (f"/etwinning/api/v1/courses/{COURSE}/figures/csv/", "/etwinning/api/v1/figures/csv/"):
        response = client.get(url, {"school_year": "2025-26"}, HTTP_AUTHORIZATION=f"JWT {jwt_for(username)}")
        assert response.status_code == status, url
        if status == 200:
            assert response.content.decode().startswith("figure,count")
