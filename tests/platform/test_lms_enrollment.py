"""
The LMS's enrolment, as it sends COURSE_ENROLLMENT_CREATED: inside the enrolment's own transaction.

openedx-platform, common/djangoapps/student/views/management.py::

    @transaction.non_atomic_requests
    @require_POST
    @outer_atomic()
    def change_enrollment(request, check_access=True):
        ...
        CourseEnrollment.enroll(user, course_id, check_access=check_access, mode=enroll_mode)

and common/djangoapps/student/models/course_enrollment.py, ``CourseEnrollment.enroll``::

    enrollment = cls.get_or_create_enrollment(user, course_key)
    enrollment.update_enrollment(is_active=True, mode=mode, enterprise_uuid=enterprise_uuid)
    enrollment.send_signal(EnrollStatusChange.enroll)

    # .. event_implemented_name: COURSE_ENROLLMENT_CREATED
    COURSE_ENROLLMENT_CREATED.send_event(enrollment=CourseEnrollmentData(...))

``outer_atomic`` (common/djangoapps/util/db.py) is an ``Atomic`` that may not be nested: the view's
transaction commits when it returns. So our receiver's receipt joins the enrolment's transaction: it
is kept exactly when the enrolment is, and the worker is asked for only once it is committed (a
worker asked earlier could run before the receipt is visible). That is also why the receipt's cost
to this request is one INSERT without a commit of its own (benchmarks/bench_receivers.py, "in the
enrolment's transaction").
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from edx_django_utils.plugins import connect_plugin_receivers
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.data import CourseData, CourseEnrollmentData
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

from etwinning_plugin.models import PlatformEventReceipt
from etwinning_plugin.reporting.outbox import WORKER_SCHEDULED_KEY
from tests.harness import platform_user

COURSE = CourseKey.from_string("course-v1:NSS+SkillsLabs+2027")


class EnrollmentNotAllowed(Exception):
    """What the view answers with a 400 after ``enroll`` raised: its transaction is rolled back."""


@pytest.fixture(autouse=True)
def in_worker(settings):
    import tests.celery_app  # noqa: F401 - the Celery app (in-memory broker) the receiver schedules with

    connect_plugin_receivers("lms.djangoapp")
    settings.ETWINNING_RECORD_EVENTS_IN_WORKER = True  # as in production
    cache.delete(WORKER_SCHEDULED_KEY)


def change_enrollment(user_id: int, *, after_the_event=None) -> None:
    """The view's transaction around ``CourseEnrollment.enroll``: the enrolment row, then the event."""
    with transaction.atomic(durable=True):  # outer_atomic(): never nested, committed at its end
        Group.objects.create(name=f"enrolment of {user_id}")  # stand-in for the student_courseenrollment row
        COURSE_ENROLLMENT_CREATED.send_event(enrollment=CourseEnrollmentData(
            user=platform_user(user_id, name="Μαρία"), course=CourseData(course_key=COURSE), mode="audit",
            is_active=True, creation_date=datetime(2027, 4, 1, 9, 0, tzinfo=UTC)))
        assert PlatformEventReceipt.objects.count() == 1  # inside the enrolment's transaction already
        assert cache.get(WORKER_SCHEDULED_KEY) is None  # no worker asked before the commit
        if after_the_event:
            after_the_event()


@pytest.mark.django_db(transaction=True)
def test_the_receipt_commits_with_the_enrolment_and_the_worker_is_asked_after():
    change_enrollment(42)
    receipt = PlatformEventReceipt.objects.get()
    assert receipt.payload["user_id"] == "42" and receipt.recorded_at is None
    assert cache.get(WORKER_SCHEDULED_KEY)  # on_commit: the worker will see the receipt


@pytest.mark.django_db(transaction=True)
def test_an_enrolment_rolled_back_leaves_no_receipt_and_asks_no_worker():
    def refused():
        raise EnrollmentNotAllowed

    with pytest.raises(EnrollmentNotAllowed):
        change_enrollment(42, after_the_event=refused)
    assert not Group.objects.exists() and not PlatformEventReceipt.objects.exists()
    assert cache.get(WORKER_SCHEDULED_KEY) is None
