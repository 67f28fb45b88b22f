"""
The figures as pages people look at, in the request's language: a course run's
(``/etwinning/courses/<course_id>/figures/``, for its staff and the NSS's staff; the instructor
MFE's tab opens it) and a course's runs, a school year's or the site's (``/etwinning/figures/``,
for the NSS's staff). Charts with their tables (``reports.page``), the CSV, XLSX and JSON beside
them, and, for the NSS's staff, links from a run to its school year and its course's runs.

Who is refused gets a page that says why and how to sign in (the demo: ``?student=staff``), never
an empty 401.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from edx_rest_framework_extensions.permissions import NotJwtRestrictedApplication
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..reports.figures import figures
from ..reports.page import figures_section
from ..reports.scopes import Scope, ScopeError, school_year_of, scope_of
from ..reports.timeline import first_enrolment
from .courses import NOT_A_COURSE_ID, course_of_run, is_course_id, on_workbench
from .permissions import CanReadCourseFigures, IsNssStaff, is_nss_staff
from .views import CourseFiguresView

TEMPLATE = "etwinning_plugin/figures_page.html"


class FiguresPageRenderer(BaseRenderer):
    """The page (``figures_page.html``) from the context the view answered with."""

    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = {"language": translation.get_language() or settings.LANGUAGE_CODE, **(data or {})}
        return render_to_string(TEMPLATE, context).encode("utf-8")


def _with_query(url: str, **query: str) -> str:
    query = {name: value for name, value in query.items() if value}
    return f"{url}?{urlencode(query)}" if query else url


def year_views(course_id: str) -> list[dict]:
    """For the NSS's staff: a run's school year (that of its first enrolment, else this one) and its course's runs."""
    year = school_year_of(first_enrolment(Scope(run=course_id)) or timezone.now())
    page = reverse("etwinning:site-figures-page")
    links = [{"text": _("School year {year}, every course").format(year=year),
              "url": _with_query(page, school_year=year)}]
    course = course_of_run(course_id)
    if course:
        links += [{"text": _("Every run of {course}").format(course=course), "url": _with_query(page, course=course)},
                  {"text": _("Every run of {course} in {year}").format(course=course, year=year),
                   "url": _with_query(page, course=course, school_year=year)}]
    return [*links, {"text": _("The whole site"), "url": page}]


def _downloads(csv_url: str, xlsx_url: str, json_url: str, query: dict) -> list[dict]:
    return [{"text": "CSV", "url": _with_query(csv_url, **query)},
            {"text": "XLSX", "url": _with_query(xlsx_url, **query)},
            {"text": "JSON", "url": _with_query(json_url, **query)}]


class FiguresPage(APIView):
    """What both pages share: authentication as the API's, the page renderer, refusals as pages."""

    authentication_classes = CourseFiguresView.authentication_classes
    renderer_classes = (FiguresPageRenderer,)
    refused = ""  # what the page says to someone signed in who may not read it

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if response.status_code in (401, 403):
            response.data = self.refusal(response.status_code)
        return response

    def refusal(self, status: int) -> dict:
        """Why, and how to sign in: the demo signs in by ``?student=``; the LMS by its login page."""
        context = {"title": _("The figures"), "problem": _(self.refused) if status == 403 else
                   _("You are not signed in. These figures are for the course's staff and the NSS's staff.")}
        if on_workbench():
            context.update(sign_in_hint=_("In this demo you sign in with the workbench's student id: add "
                                          "?student=staff to the address."),
                           sign_in_url=f"{self.request.path}?{self._as_demo_staff()}",
                           sign_in_text=_("Open this page as the demo's staff"))
        else:
            context.update(sign_in_url=_with_query(settings.LOGIN_URL, next=self.request.get_full_path()),
                           sign_in_text=_("Sign in") if status == 401 else _("Sign in as someone else"))
        return context

    def _as_demo_staff(self) -> str:
        """This page's query (its course and school year) with the demo's staff student id."""
        query = self.request.GET.copy()
        query["student"] = "staff"
        return query.urlencode()

    def problem(self, message: str) -> Response:
        return Response({"title": _("The figures"), "problem": message}, status=400)


class CourseFiguresPage(FiguresPage):
    """``/etwinning/courses/<course_id>/figures/``: one course run's figures page."""

    permission_classes = (NotJwtRestrictedApplication, CanReadCourseFigures)
    refused = N_("Only the course's staff and the NSS's staff can read these figures.")

    def get(self, request, course_id: str):
        if not is_course_id(course_id):
            return self.problem(_(NOT_A_COURSE_ID))
        scope = Scope(run=course_id)
        found = figures(scope)
        ids = {"course_id": course_id}
        return Response({
            "title": _("The course in numbers: {course_id}").format(course_id=course_id),
            "subject": course_id,
            "downloads": _downloads(reverse("etwinning:course-figures-csv", kwargs=ids),
                                    reverse("etwinning:course-figures-xlsx", kwargs=ids),
                                    reverse("etwinning:course-figures", kwargs=ids), {}),
            "views": year_views(course_id) if is_nss_staff(request.user) else [],
            "section": figures_section(scope, found),
        })


def scope_title(scope: Scope) -> str:
    if scope.course and scope.school_year:
        return _("{course} in the school year {year}").format(course=scope.course, year=scope.school_year)
    if scope.course:
        return _("Every run of {course}").format(course=scope.course)
    if scope.school_year:
        return _("School year {year}, every course").format(year=scope.school_year)
    return _("The whole site")


class SiteFiguresPage(FiguresPage):
    """``/etwinning/figures/?course=NSS+SkillsLabs&school_year=2025-26``: beyond one run, for the NSS's staff."""

    permission_classes = (NotJwtRestrictedApplication, IsNssStaff)
    refused = N_("Only the NSS's staff can read figures beyond one course run.")

    def get(self, request):
        query = {"course": request.GET.get("course", "").strip(), "school_year": request.GET.get("school_year", "")
                 .strip()}
        try:
            scope = scope_of(**query)
        except ScopeError as error:
            return self.problem(_(str(error)))
        found = figures(scope)
        return Response({
            "title": _("Figures: {scope}").format(scope=scope_title(scope)),
            "subject": scope_title(scope),
            "downloads": _downloads(reverse("etwinning:site-figures-csv"), reverse("etwinning:site-figures-xlsx"),
                                    reverse("etwinning:site-figures"), query),
            "form": query,
            "section": figures_section(scope, found, title=scope_title(scope)),
        })
