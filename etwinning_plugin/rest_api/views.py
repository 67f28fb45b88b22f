"""The course figures over HTTP, for course staff and the NSS (session or JWT authentication)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from edx_rest_framework_extensions.permissions import NotJwtRestrictedApplication
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..reports.figures import figures, figures_csv_rows
from ..reports.scopes import Scope, ScopeError, scope_of
from .courses import NOT_A_COURSE_ID, is_course_id
from .permissions import CanReadCourseFigures, IsNssStaff
from .workbook import figures_workbook


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


class FiguresXLSXRenderer(BaseRenderer):
    """The figures as a spreadsheet (``workbook.figures_workbook``); a refusal stays a short text."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if "survey" not in (data or {}):  # an error: {"error": ...} or {"detail": ...}
            renderer_context["response"]["Content-Type"] = "text/plain; charset=utf-8"
            return str(next(iter((data or {}).values()), "")).encode("utf-8")
        return figures_workbook(data, data.get("scope") or data.get("course_id", ""))


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
        if not is_course_id(course_id):
            return Response({"error": _(NOT_A_COURSE_ID)}, status=400)
        return _download(Response(figures(Scope(run=course_id))), request, "course-figures")


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
        return _download(Response(figures(scope)), request, "figures")


def _download(response: Response, request, name: str) -> Response:
    """A CSV or XLSX answer is a file to save, named after what it holds."""
    extension = request.accepted_renderer.format
    if extension in ("csv", "xlsx"):
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


class SiteFiguresCSV(SiteFiguresView):
    """``GET /etwinning/api/v1/figures/csv/``: the same figures, always as CSV."""

    renderer_classes = (FiguresCSVRenderer,)


class CourseFiguresCSV(CourseFiguresView):
    """``GET /etwinning/api/v1/courses/<course_id>/figures/csv/``: the same figures, always as CSV."""

    renderer_classes = (FiguresCSVRenderer,)


class SiteFiguresXLSX(SiteFiguresView):
    """``GET /etwinning/api/v1/figures/xlsx/``: the same figures as a spreadsheet."""

    renderer_classes = (FiguresXLSXRenderer,)


class CourseFiguresXLSX(CourseFiguresView):
    """``GET /etwinning/api/v1/courses/<course_id>/figures/xlsx/``: the same figures as a spreadsheet."""

    renderer_classes = (FiguresXLSXRenderer,)
