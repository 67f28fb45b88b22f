"""The instructor dashboard's figures: the openedx-filters steps called directly, and the page."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from opaque_keys.edx.keys import CourseKey
from openedx_filters.learning.filters import InstructorDashboardRenderStarted, InstructorDashboardTabsRequested

from etwinning_plugin.dashboard import AddCourseFiguresSection, AddCourseFiguresTab
from tests.reporting.test_figures_api import COURSE, roles  # noqa: F401 - the course-staff stand-in

pytestmark = pytest.mark.django_db


def test_the_legacy_dashboard_gets_a_figures_section():
    step = AddCourseFiguresSection(InstructorDashboardRenderStarted.filter_type, [])
    context = {"course": SimpleNamespace(id=CourseKey.from_string(COURSE)), "sections": [{"section_key": "x"}]}
    from django.utils import translation

    with translation.override("en"):
        result = step.run_filter(context=context, template_name="instructor_dashboard_2.html")
    section = result["context"]["sections"][-1]
    assert section["section_key"] == "etwinning_figures" and section["course_id"] == COURSE
    assert "The course in numbers" in section["fragment"].body_html()
    assert result["context"]["sections"][0] == {"section_key": "x"}  # others' sections are kept


def test_the_section_renders_through_the_platforms_mako_include():
    """
    instructor_dashboard_2.html includes each section with the line quoted below, through the Mako
    lookup over MAKO_TEMPLATE_DIRS_BASE, which the plugin's settings extend with its templates.
    """
    from mako.lookup import TemplateLookup
    from mako.template import Template

    from etwinning_plugin.settings import common

    platform = SimpleNamespace(MAKO_TEMPLATE_DIRS_BASE=["/edx/app/edxapp/edx-platform/lms/templates"])
    common.plugin_settings(platform)
    common.plugin_settings(platform)  # every settings type applies it: listed once
    assert platform.MAKO_TEMPLATE_DIRS_BASE[1:] == [common.TEMPLATES_DIR]
    lookup = TemplateLookup(directories=[str(d) for d in platform.MAKO_TEMPLATE_DIRS_BASE])
    dashboard = Template(
        "% for section_data in sections:\n"
        "<section id=\"${ section_data['section_key'] }\" class=\"idash-section\">\n"
        "<%include file=\"${ section_data.get('template_path_prefix', '') }${ section_data['section_key'] }.html\" "
        "args=\"section_data=section_data\" />\n"
        "</section>\n% endfor\n", lookup=lookup)
    context = {"course": SimpleNamespace(id=CourseKey.from_string(COURSE)), "sections": []}
    sections = AddCourseFiguresSection(InstructorDashboardRenderStarted.filter_type, []) \
        .run_filter(context=context, template_name="instructor_dashboard_2.html")["context"]["sections"]
    html = dashboard.render(sections=sections)
    assert html.count('class="idash-section"') == 1 and '<div class="etwinning-figures">' in html
    assert "<table" in html  # the fragment's markup, not escaped text


def test_the_instructor_mfe_gets_a_tab_once(settings):
    settings.LMS_ROOT_URL = "https://mooc.etwinning.gr"
    step = AddCourseFiguresTab(InstructorDashboardTabsRequested.filter_type, [])
    course_key = CourseKey.from_string(COURSE)
    maria = User.objects.create_user("maria", password="x")  # the course's staff (the stand-in's set)
    tabs = step.run_filter(tabs=[{"tab_id": "grading"}], user=maria, course_key=course_key)["tabs"]
    again = step.run_filter(tabs=tabs, user=maria, course_key=course_key)["tabs"]
    assert [t["tab_id"] for t in again] == ["grading", "etwinning_figures"]
    # absolute: the MFE routes a URL starting with "/" inside itself (InstructorNav's tab.url.startsWith('/'))
    assert again[1]["url"] == f"https://mooc.etwinning.gr/etwinning/courses/{COURSE}/figures/"


@pytest.mark.parametrize(("username", "flags", "shown"), [
    ("maria", {}, True),  # the course's staff
    ("global", {"is_staff": True}, True),
    ("limited", {}, False),  # may open the dashboard (limited staff, data researcher), not the figures
])
def test_the_tab_is_only_for_those_who_may_read_the_figures(username, flags, shown):
    """Through the real openedx-filters pipeline, as the platform runs it."""
    from django.conf import settings

    from etwinning_plugin.settings.common import FILTER_STEPS, merge_filters_config

    merge_filters_config(settings, FILTER_STEPS)
    user = User.objects.create_user(username, password="x", **flags)
    tabs, _user, _key = InstructorDashboardTabsRequested.run_filter(
        tabs=[], user=user, course_key=CourseKey.from_string(COURSE))
    assert [t["tab_id"] for t in tabs] == (["etwinning_figures"] if shown else [])


def test_the_figures_page_is_for_staff(client):
    assert client.get(f"/etwinning/courses/{COURSE}/figures/").status_code == 401
    client.force_login(User.objects.create_user("maria", password="x"))
    page = client.get(f"/etwinning/courses/{COURSE}/figures/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "The course in numbers" in page.content.decode()


def test_the_figures_section_speaks_greek():
    from django.utils import translation

    step = AddCourseFiguresSection(InstructorDashboardRenderStarted.filter_type, [])
    with translation.override("el"):
        result = step.run_filter(context={"course": SimpleNamespace(id=CourseKey.from_string(COURSE))},
                                 template_name="t")
    section = result["context"]["sections"][-1]
    assert "Το μάθημα σε αριθμούς" in section["fragment"].body_html()
    assert section["section_display_name"] == "eTwinning και Εργαστήρια Δεξιοτήτων"
