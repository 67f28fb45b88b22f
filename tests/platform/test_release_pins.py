"""
Tutor 22's image installs the bundle into the platform's virtualenv after the platform's own pins
(tutor/templates/build/openedx/Dockerfile, verawood: ``$PIP_COMMAND install -r requirements/edx/base.txt``,
then ``{{ patch("openedx-dockerfile-post-python-requirements") }}`` and one
``$PIP_COMMAND install '{{ extra_requirements }}'`` per OPENEDX_EXTRA_PIP_REQUIREMENTS item). A
requirement of ours that excludes a pinned version makes pip replace the platform's copy.
"""

from __future__ import annotations

from importlib.metadata import requires

import pytest
from packaging.requirements import Requirement

# openedx/openedx-platform requirements/edx/base.txt (master, 2026; the release branch verawood pins
# XBlock from git at its version 6.0.0: ``xblock[django] @ git+https://github.com/openedx/xblock.git@...``)
RELEASE_PINS = {
    "django": "5.2.12",
    "xblock": "6.0.0",
    "web-fragments": "4.0.0",
    "openedx-events": "11.1.1",
    "openedx-filters": "3.1.0",
    "edx-django-utils": "8.0.1",
    "edx-drf-extensions": "10.6.0",
    "celery": "5.6.3",
}


def run_time_requirements() -> dict[str, Requirement]:
    found = {}
    for line in requires("etwinning-skillslabs") or []:
        requirement = Requirement(line)
        if requirement.marker is None:  # the extras (tests) are not installed into the platform
            found[requirement.name.lower()] = requirement
    return found


@pytest.mark.parametrize(("name", "pinned"), sorted(RELEASE_PINS.items()))
def test_the_bundle_accepts_the_releases_pin(name, pinned):
    requirement = run_time_requirements().get(name)
    if requirement is None:
        assert name != "web-fragments", "the code imports web_fragments: declare it"
        return
    assert requirement.specifier.contains(pinned, prereleases=True), f"{requirement} excludes the release's {pinned}"


def test_what_the_code_imports_is_declared():
    assert {"xblock", "web-fragments", "openedx-events", "openedx-filters", "edx-django-utils"} <= \
        set(run_time_requirements())
