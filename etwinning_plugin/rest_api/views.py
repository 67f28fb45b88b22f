"""The course figures over HTTP, for course staff and the NSS (session or JWT authentication)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from edx_rest_framework_extensions.permissions import NotJwtRestrictedApplication
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..reports.figures import course_figures, figures, figures_csv_rows
from ..reports.scopes import ScopeError, scope_of
from .permissions import CanReadCourseFigures, IsNssStaff


class FiguresCSVRenderer(BaseRenderer):
    """The figures as the CSV of ``etwinning_report --format csv``."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        rows = figures_csv_rows(data) if "survey" in (data or {}) else [[key, value] for key, value in
                                                                          (data or {}).items()]
        csv.writer(out).writerows(rows)
        return out.getvalue().encode("utf-8")


class CourseFiguresView(APIView):
    """
    ``GET /etwinning/api/v1/courses/<course_id>/figures/``: enrolled, completed, new eTwinning
    teachers and schools, and the survey items with counts and shares, as JSON.

    The CSV has its own URL (``CourseFiguresCSV``): the LMS sets ``REST_FRAMEWORK["URL_FORMAT_OVERRIDE"]
    = None``, so DRF's ``?format=csv`` does nothing there.
    """

    # JWT first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    authentication_classes = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)
    # A restricted OAuth application's token (is_restricted: limited scopes and org filters) is
    # refused, as the platform's own APIs refuse it unless they check its scopes and filters.
    permission_classes = (NotJwtRestrictedApplication, CanReadCourseFigures)
    renderer_classes = (JSONRenderer, FiguresCSVRenderer)

    def get(self, request, course_id: str):
        try:
            CourseKey.from_string(course_id)
        except InvalidKeyError:
            return Response({"error": _("This is not a course id, such as course-v1:NSS+SkillsLabs+2027.")},
                            status=400)
        response = Response(course_figures(course_id))
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = 'attachment; filename="course-figures.csv"'
        return response


class SiteFiguresView(APIView):
    """
    ``GET /etwinning/api/v1/figures/?course=NSS+SkillsLabs&school_year=2025-26``: the figures of the
    whole site, of every run of one course, or of a school year (September to August), each teacher
    counted once across runs; for the NSS's staff only. The CSV: ``.../figures/csv/``.
    """

    authentication_classes = CourseFiguresView.authentication_classes
    permission_classes = (NotJwtRestrictedApplication, IsNssStaff)
    renderer_classes = (JSONRenderer, FiguresCSVRenderer)

    def get(self, request):
        try:
            scope = scope_of(course=request.GET.get("course", ""), school_year=request.GET.get("school_year", ""))
        except ScopeError as error:
            return Response({"error": _(str(error))}, status=400)
        response = Response(figures(scope))
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = 'attachment; filename="figures.csv"'
        return response


class SiteFiguresCSV(SiteFiguresView):
    """``GET /etwinning/api/v1/figures/csv/``: the same figures, always as CSV."""

    renderer_classes = (FiguresCSVRenderer,)


class CourseFiguresCSV(CourseFiguresView):
    """``GET /etwinning/api/v1/courses/<course_id>/figures/csv/``: the same figures, always as CSV."""

    renderer_classes = (FiguresCSVRenderer,)


class FiguresHTMLRenderer(BaseRenderer):
    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from django.template.loader import render_to_string  # noqa: PLC0415

        from ..reports.figures import figures_html  # noqa: PLC0415

        course_id = renderer_context["kwargs"]["course_id"]
        section = figures_html(data) if "survey" in (data or {}) else ""
        return render_to_string("etwinning_plugin/figures_page.html",
                                {"course_id": course_id, "section": section}).encode("utf-8")


class CourseFiguresPage(CourseFiguresView):
    """``/etwinning/courses/<course_id>/figures/``: the figures page the instructor MFE's tab opens."""

    renderer_classes = (FiguresHTMLRenderer,)
