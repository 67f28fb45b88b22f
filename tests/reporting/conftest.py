"""Fixtures of the reporting tests: the live reference NSS receiver, enrolments through real signals."""

import pytest
from edx_django_utils.plugins import connect_plugin_receivers
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning import signals
from openedx_events.learning.data import CourseData, CourseEnrollmentData, UserData, UserPersonalData

COURSE = CourseKey.from_string("course-v1:NSS+SkillsLabs+2027")


@pytest.fixture
def nss(live_server, settings):
    import tests.celery_app  # noqa: F401 - the Celery app (in-memory broker) queued records ask for a worker run on

    settings.ETWINNING_REPORTING_ENABLED = True
    settings.ETWINNING_NSS_URL = f"{live_server.url}/nss/records/"
    settings.ETWINNING_READ_TIMEOUT = 1
    settings.NSS_RECEIVER_FAULTS = []
    settings.NSS_RECEIVER_TIMEOUT_SLEEP = 2
    connect_plugin_receivers("lms.djangoapp")
    return settings


def enrol(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        signals.COURSE_ENROLLMENT_CREATED.send_event(enrollment=CourseEnrollmentData(
            user=UserData(id=n, is_active=True, pii=UserPersonalData(username=f"u{n}", email=f"u{n}@x.gr")),
            course=CourseData(course_key=COURSE), mode="audit", is_active=True, creation_date=None))


