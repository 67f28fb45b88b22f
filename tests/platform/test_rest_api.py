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
