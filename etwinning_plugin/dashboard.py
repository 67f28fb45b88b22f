"""
The course figures in the instructor dashboard, through openedx-filters pipeline steps:
``InstructorDashboardRenderStarted`` adds a section to the legacy dashboard, and
``InstructorDashboardTabsRequested`` a tab to the instructor MFE, which opens the figures page.
"""

from __future__ import annotations

from crum import get_current_user
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from openedx_filters import PipelineStep
from web_fragments.fragment import Fragment

from .reports.figures import figures
from .reports.page import figures_section
from .reports.scopes import Scope
from .rest_api.pages import year_views
from .rest_api.permissions import can_read_course_figures, is_nss_staff

SECTION_KEY = "etwinning_figures"


class AddCourseFiguresSection(PipelineStep):
    """``org.openedx.learning.instructor.dashboard.render.started.v1``."""

    def run_filter(self, context, template_name):  # pylint: disable=arguments-differ
        course = context.get("course")
        if course is None:
            return {"context": context, "template_name": template_name}
        course_key = str(course.id)
        context.setdefault("sections", []).append({
            "section_key": SECTION_KEY,
            "section_display_name": _("eTwinning Skills Labs"),
            "course_id": course_key,
            "fragment": Fragment(section_html(course_key)),
            # the Mako template etwinning_plugin/templates/etwinning_plugin/etwinning_figures.html
            "template_path_prefix": "/etwinning_plugin/",
        })
        return {"context": context, "template_name": template_name}


def section_html(course_key: str) -> str:
    """
    The run's figures with their charts and, for the NSS's staff (the dashboard's user, as the
    platform's request holds it: django-crum, which edx-platform installs), links to the run's
    school year and its course's runs.
    """
    links = year_views(course_key) if is_nss_staff(get_current_user()) else []
    nav = render_to_string("etwinning_plugin/figures_links.html", {"views": links}) if links else ""
    scope = Scope(run=course_key)
    return nav + figures_section(scope, figures(scope))


class AddCourseFiguresTab(PipelineStep):
    """``org.openedx.learning.instructor.dashboard.tabs.requested.v1`` (the instructor MFE)."""

    def run_filter(self, tabs, user, course_key):  # pylint: disable=arguments-differ
        tabs = list(tabs or [])
        # The MFE shows the tab to everyone who may open the instructor dashboard (limited staff,
        # data researchers, ...); only those who may read the figures get it.
        if can_read_course_figures(user, course_key) and not any(tab.get("tab_id") == SECTION_KEY for tab in tabs):
            # Absolute: the MFE routes a URL starting with "/" inside itself, and opens others as links.
            page = reverse("etwinning:course-figures-page", kwargs={"course_id": str(course_key)})
            tabs.append({"tab_id": SECTION_KEY, "title": _("eTwinning Skills Labs"), "sort_order": 120,
                         "url": getattr(settings, "LMS_ROOT_URL", "").rstrip("/") + page})
        return {"tabs": tabs, "user": user, "course_key": course_key}
