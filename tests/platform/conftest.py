"""Fixtures for the platform's calls: a course with one block of each type, and its people."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from skillslab_xblock.scenarios import activity_olx

from .runtime import Course

BLOCK_OLX = {
    "skillslab_activity": activity_olx("b1-river-keepers", "w1", "a1", "en", weight="2.0"),
    "etwinning_partners": '<etwinning_partners display_name="Partners" max_schools="4"/>',
    "etwinning_project_plan": '<etwinning_project_plan display_name="Plan" collaboration_mode="individual" '
                              'required_sections="title aims"/>',
    "etwinning_survey": '<etwinning_survey display_name="Survey"/>',
    "etwinning_registration": '<etwinning_registration display_name="Registration"/>',
    "etwinning_self_assessment": '<etwinning_self_assessment display_name="Where I stand" phase="before"/>',
}
BLOCK_TYPES = sorted(BLOCK_OLX)


@pytest.fixture(autouse=True)
def english():
    """The platform activates the user's language for each request; English unless a test says otherwise."""
    with translation.override("en"):
        yield


@pytest.fixture
def course(db):
    return Course()


@pytest.fixture
def people(db):
    """An author (Studio write access), a fellow Studio user without it, and two learners."""
    return {name: User.objects.create_user(name, f"{name}@school.test", "x")
            for name in ("maria", "nikos", "anna", "luis")}


AUTHORS = {"maria"}
