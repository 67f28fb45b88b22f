"""Who may read a course's figures: the course's staff and instructors, global staff, and NSS staff."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from rest_framework.permissions import BasePermission

NSS_STAFF_GROUP = "etwinning_nss_staff"


def platform_course_staff(user, course_key: CourseKey) -> bool:
    """The platform's own roles (edx-platform's CourseStaffRole and CourseInstructorRole)."""
    try:
        from common.djangoapps.student.roles import CourseInstructorRole, CourseStaffRole  # noqa: PLC0415
    except ImportError:  # not inside edx-platform: nobody is course staff by that rule
        return False
    return CourseStaffRole(course_key).has_user(user) or CourseInstructorRole(course_key).has_user(user)


def is_course_staff(user, course_key: CourseKey) -> bool:
    check = import_string(settings.ETWINNING_COURSE_STAFF_CHECK)
    return bool(check(user, course_key))


def is_nss_staff(user) -> bool:
    """Global staff, and the members of the NSS staff group: they read every course and the site."""
    return bool(user and user.is_authenticated and (user.is_staff or user.groups.filter(name=NSS_STAFF_GROUP)
                                                    .exists()))


def can_read_course_figures(user, course_key: CourseKey | str) -> bool:
    """Global staff, members of the NSS staff group, and the course's own staff (a malformed key: no)."""
    if not user or not user.is_authenticated:
        return False
    if is_nss_staff(user):
        return True
    try:
        key = course_key if isinstance(course_key, CourseKey) else CourseKey.from_string(str(course_key))
    except InvalidKeyError:
        return False
    return is_course_staff(user, key)


class CanReadCourseFigures(BasePermission):
    """``can_read_course_figures`` for the view's ``course_id``."""

    message = "Only the course's staff and the NSS can read its figures."

    def has_permission(self, request, view) -> bool:
        return can_read_course_figures(request.user, view.kwargs.get("course_id", ""))


class IsNssStaff(BasePermission):
    """Figures beyond one course run (a course's runs, a school year, the site): the NSS's staff only."""

    message = "Only the NSS's staff can read figures beyond one course run."

    def has_permission(self, request, view) -> bool:
        return is_nss_staff(request.user)
