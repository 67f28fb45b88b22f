"""
Which course ids the figures' URLs accept: an Open edX course key and, on the XBlock SDK workbench
(the demo), the course of a workbench scenario, which is the scenario's name (the workbench has no
course keys: ``skillslab_xblock.collaboration.course_key_of``).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

NOT_A_COURSE_ID = N_("This is not a course id, such as course-v1:NSS+SkillsLabs+2027.")


def workbench_courses() -> set[str] | None:
    """The workbench scenarios' courses, or None when this is not the workbench (the LMS, Studio)."""
    try:
        from workbench.scenarios import get_scenarios  # noqa: PLC0415 - only the demo has the workbench
    except ImportError:
        return None
    return {str(scenario.usage_id).split(".", 1)[0] for scenario in get_scenarios().values()}


def on_workbench() -> bool:
    return workbench_courses() is not None


def is_course_id(course_id: str) -> bool:
    """An Open edX course key, or a workbench scenario's course in the demo."""
    try:
        CourseKey.from_string(course_id)
    except InvalidKeyError:
        return course_id in (workbench_courses() or ())
    return True


def course_of_run(course_id: str) -> str:
    """"NSS+SkillsLabs" for course-v1:NSS+SkillsLabs+2027 (every run of it); empty for a workbench course."""
    try:
        key = CourseKey.from_string(course_id)
    except InvalidKeyError:
        return ""
    return f"{key.org}+{key.course}"
