"""
The platform's start-up, for the LMS and for Studio, through the real edx-django-utils plugin
framework and the installed entry points (as edx-platform finds the bundle after ``pip install``).

Each call below is copied from the upstream file named beside it (openedx/openedx-platform, master).
"""

from __future__ import annotations

import sys
import types

import pytest
from django.urls import clear_url_caches, include, path, reverse
from edx_django_utils.plugins import add_plugins, connect_plugin_receivers, get_plugin_apps, get_plugin_url_patterns
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED, PERSISTENT_GRADE_SUMMARY_CHANGED

# openedx/core/djangoapps/plugins/constants.py: ProjectType and SettingsType
LMS, CMS = "lms.djangoapp", "cms.djangoapp"
SETTINGS_TYPES = ("common", "production", "devstack", "test")

PROJECTS = pytest.mark.parametrize("project_type", [LMS, CMS], ids=["lms", "cms"])



@PROJECTS
def test_installed_apps_include_the_plugin(project_type):
    # lms/envs/common.py and cms/envs/common.py:
    #     INSTALLED_APPS.extend(get_plugin_apps(ProjectType.LMS))
    assert "etwinning_plugin.apps.EtwinningPluginConfig" in get_plugin_apps(project_type)


@PROJECTS
def test_every_settings_type_applies(project_type, monkeypatch):
    # lms/envs/common.py:      add_plugins(__name__, ProjectType.LMS, SettingsType.COMMON)
    # lms/envs/production.py:  add_plugins(__name__, ProjectType.LMS, SettingsType.PRODUCTION)
    # cms/envs/devstack.py:    add_plugins(__name__, ProjectType.CMS, SettingsType.DEVSTACK)
    # cms/envs/test.py:        add_plugins(__name__, ProjectType.CMS, SettingsType.TEST)
    # Each settings file runs the earlier ones first (production.py starts with ``from .common import *``).
    for index, settings_type in enumerate(SETTINGS_TYPES):
        module = types.ModuleType(f"platform_{project_type[:3]}_{settings_type}")
        module.OPEN_EDX_FILTERS_CONFIG = {}
        module.XBLOCK_SETTINGS = {}
        module.ENV_TOKENS = {}
        monkeypatch.setitem(sys.modules, module.__name__, module)
        add_plugins(module.__name__, project_type, "common")
        if index:
            add_plugins(module.__name__, project_type, settings_type)
        assert module.ETWINNING_PROJECT_TAG == "#SkillsLabs"
        assert "org.openedx.learning.instructor.dashboard.tabs.requested.v1" in module.OPEN_EDX_FILTERS_CONFIG


@PROJECTS
def test_the_plugins_receivers_connect(project_type):
    """
    openedx/core/djangoapps/plugins/apps.py, ``PluginsConfig.ready``::

        if settings.ROOT_URLCONF == 'lms.urls':
            project_type = ProjectType.LMS
        else:
            project_type = ProjectType.CMS
        connect_plugin_receivers(project_type)

    Studio, its Celery worker, ``cms migrate`` and the image build's ``cms compile_xblock_translations``
    all run this: an exception here stops every one of them.
    """
    connect_plugin_receivers(project_type)
    if project_type == LMS:
        # the learning events reach our receivers (dispatch uids as the plugin declares them)
        assert COURSE_ENROLLMENT_CREATED.has_listeners()
        assert PERSISTENT_GRADE_SUMMARY_CHANGED.has_listeners()


@PROJECTS
def test_the_plugins_urls_mount_under_etwinning(project_type, settings):
    # lms/urls.py:  urlpatterns.extend(get_plugin_url_patterns(ProjectType.LMS))
    # cms/urls.py:  urlpatterns.extend(get_plugin_url_patterns(ProjectType.CMS))
    urlconf = types.ModuleType(f"platform_{project_type[:3]}_urls")
    urlconf.urlpatterns = [path("unrelated/", include([]))]
    urlconf.urlpatterns.extend(get_plugin_url_patterns(project_type))
    sys.modules[urlconf.__name__] = urlconf
    try:
        settings.ROOT_URLCONF = urlconf.__name__
        clear_url_caches()
        assert reverse("etwinning:taxonomy") == "/etwinning/api/v1/taxonomy/"
        assert reverse("etwinning:changes") == "/etwinning/changes/"  # the blocks' change feed (collaboration.py)
        assert reverse("etwinning:course-figures", kwargs={"course_id": "course-v1:NSS+SL+2027"}) == \
            "/etwinning/api/v1/courses/course-v1:NSS+SL+2027/figures/"
    finally:
        del sys.modules[urlconf.__name__]
        clear_url_caches()
