"""
The figures pages (a run's, and beyond one run for the NSS's staff) and their downloads: who may
read them, what a refused visitor is told, bad input, both languages, the charts with their tables,
the links from a run to its school year and its course's runs, and the XLSX read back with openpyxl.

The figures come from the platform's events (openedx-events, through the plugin's receivers) and
from the real blocks in the workbench.
"""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from edx_django_utils.plugins import connect_plugin_receivers
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning import signals
from openedx_events.learning.data import CourseData, CourseEnrollmentData, CoursePassingStatusData

from etwinning_plugin.rest_api.permissions import NSS_STAFF_GROUP
from tests.harness import platform_user
from tests.reporting.test_figures_api import COURSE, roles  # noqa: F401 - the course-staff stand-in

pytestmark = pytest.mark.django_db
RUN = COURSE  # "maria" is its staff (the course-staff stand-in of the API's tests)
OTHER_RUN = "course-v1:NSS+SkillsLabs+2028"
PAGE = f"/etwinning/courses/{RUN}/figures/"
SITE_PAGE = "/etwinning/figures/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module", autouse=True)
def connected():
    connect_plugin_receivers("lms.djangoapp")


def enrol(run: str, teacher: int, when: datetime) -> None:
    signals.COURSE_ENROLLMENT_CREATED.send_event(time=when, enrollment=CourseEnrollmentData(
        user=platform_user(teacher), course=CourseData(course_key=CourseKey.from_string(run)), mode="audit",
        is_active=True, creation_date=when))


def pass_(run: str, teacher: int) -> None:
    signals.COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
        is_passing=True, course=CourseData(course_key=CourseKey.from_string(run)), user=platform_user(teacher)))


@pytest.fixture
def two_runs():
    """Run 2027: four teachers over three weeks of 2025 (none in the second), one passed; run 2028: two, in 2026-27."""
    for teacher, day in ((1, 1), (2, 2), (3, 16), (4, 17)):
        enrol(RUN, teacher, datetime(2025, 9, day, 9, tzinfo=UTC))
    pass_(RUN, 1)
    for teacher in (4, 5):
        enrol(OTHER_RUN, teacher, datetime(2026, 10, 5, 9, tzinfo=UTC))


def login(client, username: str, **flags) -> User:
    user = User.objects.create_user(username=username, password="x", **flags)
    client.force_login(user)
    return user


def nss(client) -> User:
    user = login(client, "nss")
    user.groups.add(Group.objects.get_or_create(name=NSS_STAFF_GROUP)[0])
    return user


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


# --- who may read the page, and what the others are told ---


def test_anonymous_visitors_are_told_how_to_sign_in_not_given_an_empty_401(client):
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and response["Content-Type"].startswith("text/html")
    assert response["WWW-Authenticate"].startswith("JWT")
    # the tests run on the workbench, as the demo does: the demo's way to sign in
    assert "add ?student=staff to the address" in text_of(response)
    assert f'href="/etwinning/courses/{RUN}/figures/?student=staff"' in response.content.decode()


def test_anonymous_visitors_in_the_lms_get_a_link_to_the_login_page(client, settings, monkeypatch):
    from etwinning_plugin.rest_api import pages

    monkeypatch.setattr(pages, "on_workbench", lambda: False)  # edx-platform has no workbench
    settings.LOGIN_URL = "/login"
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 401
    assert 'href="/login?next=%2Fetwinning%2Fcourses%2Fcourse-v1%3ANSS%2BSkillsLabs%2B2027%2Ffigures%2F"' in \
        response.content.decode()
    assert "Δεν έχετε συνδεθεί" in text_of(response)


def test_a_learner_is_told_who_may_read_the_figures(client, two_runs):
    login(client, "learner")
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Only the course's staff and the NSS's staff can read these figures." in text_of(response)
    assert "<svg" not in response.content.decode()


def test_a_malformed_course_id_is_a_400_page_in_the_users_language(client):
    login(client, "global", is_staff=True)
    response = client.get("/etwinning/courses/not-a-course/figures/", HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 400 and "αναγνωριστικό μαθήματος" in text_of(response)
    response = client.get("/etwinning/courses/%3Cscript%3E/figures/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "<script>" not in response.content.decode()


# --- the page itself ---


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["The course in numbers", "Enrolments per week", "Completion", "Survey items", "Week starting"]),
    ("el", ["Το μάθημα σε αριθμούς", "Εγγραφές ανά εβδομάδα", "Ολοκλήρωση", "Εβδομάδα από"]),
])
def test_the_course_staff_read_charts_each_with_its_table_in_their_language(client, two_runs, language, words):
    login(client, "maria")
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200 and f'<html lang="{language}"' in page
    for word in words:
        assert word in page, word
    charts = re.findall(r'<section class="chart" aria-labelledby="([^"]+)-heading">(.*?)</section>', page, re.S)
    assert [chart_id for chart_id, _body in charts] == ["chart-enrolment", "chart-completion", "chart-survey"]
    for chart_id, body in charts:
        assert f'<svg xmlns="http://www.w3.org/2000/svg" class="etwinning-chart" id="{chart_id}" role="img"' in body
        assert body.index("</svg>") < body.index("<table>")  # each chart followed by its numbers
    weeks = re.search(r'id="chart-enrolment".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    cells = re.findall(r"<td class=\"num\">([^<]*)</td>", weeks)
    assert cells == ["2", "0", "2"]  # weeks of 1, 8 and 15 September 2025 (none in the second)
    assert "runs side by side" not in page  # one run: nothing to set beside it


def test_the_downloads_sit_beside_the_page(client, two_runs):
    login(client, "maria")
    page = client.get(PAGE).content.decode()
    links = dict((text, url) for url, text in re.findall(r'<li><a href="([^"]+)">(CSV|XLSX|JSON)</a></li>', page))
    assert set(links) == {"CSV", "XLSX", "JSON"}
    assert client.get(links["CSV"])["Content-Type"].startswith("text/csv")
    assert client.get(links["XLSX"])["Content-Type"] == XLSX
    assert client.get(links["JSON"]).json()["enrolled"] == 4


def test_the_nss_staff_go_from_a_run_to_its_school_year_and_its_courses_runs(client, two_runs):
    nss(client)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/etwinning/figures/?school_year=2025-26"' in page  # the year of the run's first enrolment
    assert 'href="/etwinning/figures/?course=NSS%2BSkillsLabs"' in page
    assert 'href="/etwinning/figures/?course=NSS%2BSkillsLabs&amp;school_year=2025-26"' in page
    client.force_login(User.objects.create_user("maria", password="x"))
    assert "/etwinning/figures/?" not in client.get(PAGE).content.decode()  # a course's staff: not theirs to see


def test_the_page_of_a_course_and_year_shows_the_runs_side_by_side(client, two_runs):
    nss(client)
    response = client.get(SITE_PAGE, {"course": "NSS+SkillsLabs"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200 and "Every run of NSS+SkillsLabs" in page
    runs = re.search(r'id="chart-runs".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    rows = [re.findall(r">([^<]+)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", runs, re.S)]
    assert rows == [[RUN, "4", "1", "1"], [OTHER_RUN, "2", "0", "0"]]  # enrolled, active, completed
    year = client.get(SITE_PAGE, {"school_year": "2026-27"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"Teachers enrolled</th><td>2<", year)
    assert 'name="school_year" value="2026-27"' in year
    assert 'href="/etwinning/api/v1/figures/xlsx/?school_year=2026-27"' in year


def test_beyond_one_run_is_for_the_nss_staff_only(client):
    assert client.get(SITE_PAGE).status_code == 401
    login(client, "maria")
    response = client.get(SITE_PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and "Only the NSS's staff" in text_of(response)


@pytest.mark.parametrize("query", [{"school_year": "2025-2026"}, {"school_year": "2025-27"},
                                   {"course": "<b>NSS</b>"}])
def test_a_bad_scope_is_a_400_page_in_the_users_language(client, query):
    nss(client)
    response = client.get(SITE_PAGE, query, HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "<b>NSS" not in response.content.decode()
    assert re.search("σχολικό έτος|οργανισμός", text_of(response))


# --- pre/post growth, with hand-made figures (reports/figures.py carries them when a course has any) ---


SELFIE = {
    "key": "selfie", "title": {"el": "SELFIE για εκπαιδευτικούς", "en": "SELFIE for Teachers"},
    "level_names": ["A1", "A2", "B1", "B2", "C1", "C2"], "threshold": 3, "threshold_name": "B1",
    "pre_responses": 110, "post_responses": 100, "paired": 100,
    "areas": [{"key": "professional_engagement", "text": "Professional <engagement>", "paired": 100,
               "before": 37, "after": 54, "percent_before": 37.0, "percent_after": 54.0, "growth_points": 17.0,
               "moved_up": 20},
              {"key": "empty", "text": "Nobody answered", "paired": 0, "before": 0, "after": 0,
               "percent_before": None, "percent_after": None, "growth_points": None, "moved_up": 0}],
    "overall": {"key": "overall", "paired": 100, "before": 37, "after": 54, "percent_before": 37.0,
                "percent_after": 54.0, "growth_points": 17.0, "moved_up": 20},
}


def figures_with(**extra) -> dict:
    return {"course_id": RUN, "enrolled": 120, "ever_enrolled": 120, "active": 110, "completed": 90,
            "completion_rate": 75.0, "new_etwinning_teachers": 3, "new_etwinning_schools": 2,
            "survey": {"responses": 2, "items": [{"key": "=HYPERLINK(\"http://x\")", "answered": 2, "positive": 1,
                                                  "percent_positive": 50.0}]}, **extra}


def test_pre_post_growth_is_a_chart_with_its_table():
    from django.utils import translation

    from etwinning_plugin.reports.page import figures_section
    from etwinning_plugin.reports.scopes import Scope

    with translation.override("en"):
        section = figures_section(Scope(run=RUN), figures_with(self_assessments=[SELFIE]))
    assert 'id="chart-growth-1" role="img"' in section
    assert "SELFIE for Teachers: at or above B1, before and after" in section
    assert "Professional &lt;engagement&gt;" in section and "<engagement>" not in section
    growth = re.search(r'id="chart-growth-1".*?<tbody>(.*?)</tbody>', section, re.S).group(1)
    rows = [re.findall(r">([^<]+)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", growth, re.S)]
    assert rows[0] == ["Professional &lt;engagement&gt;", "100", "37.00% (37 / 100)", "54.00% (54 / 100)", "+17.00",
                       "20"]
    assert rows[1][2:5] == ["— (0 / 0)", "— (0 / 0)", "—"]
    assert rows[2][0] == "Overall"
    with translation.override("el"):
        greek = figures_section(Scope(run=RUN), figures_with(self_assessments=[SELFIE]))
    assert "SELFIE για εκπαιδευτικούς" in greek and "37,00%" in greek
    # absent or empty: no growth chart, nothing breaks
    for figures in (figures_with(), figures_with(self_assessments=[])):
        assert "chart-growth" not in figures_section(Scope(run=RUN), figures)


# --- the XLSX ---


def workbook_of(response) -> openpyxl.Workbook:
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_course_xlsx_has_the_figures_and_the_survey_items(client, two_runs):
    login(client, "maria")
    response = client.get(f"/etwinning/api/v1/courses/{RUN}/figures/xlsx/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Disposition"] == 'attachment; filename="course-figures.xlsx"'
    book = workbook_of(response)
    assert book.sheetnames == ["Figures", "Survey items"]
    rows = list(book["Figures"].iter_rows(values_only=True))
    assert rows[0] == ("Figure", "Count", "Percent", "Denominator")
    assert rows[1] == ("Teachers enrolled", 4, None, None)
    assert rows[3] == ("Teachers who completed the course", 1, 25.0, 4)
    assert ("Scope", RUN, None, None) in rows


def test_the_xlsx_speaks_greek_and_keeps_formulas_out():
    from django.utils import translation

    from etwinning_plugin.rest_api.workbook import figures_workbook

    with translation.override("el"):
        book = openpyxl.load_workbook(io.BytesIO(figures_workbook(figures_with(self_assessments=[SELFIE]), "=1+1")))
    assert book.sheetnames[0] == "Αριθμοί" and len(book.sheetnames) == 3
    item = book.worksheets[1]["A2"]
    assert item.data_type == "s" and item.value == "'=HYPERLINK(\"http://x\")"
    assert book.worksheets[0]["B9"].value == "'=1+1"
    growth = list(book.worksheets[2].iter_rows(values_only=True))
    assert growth[1] == ("SELFIE για εκπαιδευτικούς", "Professional <engagement>", "B1", 100, 37, 37.0, 54, 54.0,
                         17.0, 20)
    assert growth[-1][1] == "Συνολικά"


def test_xlsx_permissions_are_the_csvs(client):
    course_xlsx, site_xlsx = f"/etwinning/api/v1/courses/{RUN}/figures/xlsx/", "/etwinning/api/v1/figures/xlsx/"
    assert client.get(course_xlsx).status_code == 401 and client.get(site_xlsx).status_code == 401
    login(client, "learner")
    assert client.get(course_xlsx).status_code == 403 and client.get(site_xlsx).status_code == 403
    login(client, "maria")
    assert client.get(course_xlsx).status_code == 200 and client.get(site_xlsx).status_code == 403
    nss(client)
    book = workbook_of(client.get(site_xlsx, {"school_year": "2025-26"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert ("Scope", "site, school year 2025-26", None, None) in list(book.worksheets[0].iter_rows(values_only=True))
    bad = client.get(site_xlsx, {"school_year": "2025"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and bad["Content-Type"].startswith("text/plain")
    assert "school year" in bad.content.decode()
    assert client.get("/etwinning/api/v1/courses/nope/figures/xlsx/").status_code == 400


# --- the legacy dashboard's section, and the weeks' limit ---


def test_the_dashboard_section_links_the_nss_staff_to_the_year_views(client, two_runs):
    from crum import impersonate
    from django.utils import translation
    from openedx_filters.learning.filters import InstructorDashboardRenderStarted

    from etwinning_plugin.dashboard import AddCourseFiguresSection

    step = AddCourseFiguresSection(InstructorDashboardRenderStarted.filter_type, [])

    def section_for(user) -> str:
        with impersonate(user), translation.override("en"):
            context = step.run_filter(context={"course": type("Course", (), {"id": CourseKey.from_string(RUN)})},
                                      template_name="t")["context"]
        return context["sections"][-1]["fragment"].body_html()

    nss_section = section_for(nss(client))
    assert 'href="/etwinning/figures/?school_year=2025-26"' in nss_section
    assert 'id="chart-enrolment"' in nss_section and 'id="chart-completion"' in nss_section
    maria = section_for(User.objects.create_user("maria", password="x"))
    assert "/etwinning/figures/" not in maria and 'id="chart-completion"' in maria


def test_a_long_timeline_shows_its_latest_two_years_of_weeks():
    from etwinning_plugin.reports.scopes import Scope
    from etwinning_plugin.reports.timeline import MAX_WEEKS, enrolments_per_week

    enrol(RUN, 1, datetime(2022, 1, 3, 9, tzinfo=UTC))
    enrol(RUN, 2, datetime(2025, 1, 6, 9, tzinfo=UTC))  # a Monday, three years later
    enrol(RUN, 3, datetime(2025, 1, 12, 23, tzinfo=UTC))  # the Sunday of the same week
    weeks = enrolments_per_week(Scope(run=RUN))
    assert len(weeks) == MAX_WEEKS and weeks[-1].enrolments == 2 and sum(w.enrolments for w in weeks) == 2
    assert weeks[-1].starts.isoformat() == "2025-01-06" and all(w.starts.weekday() == 0 for w in weeks)
    assert [w.enrolments for w in enrolments_per_week(Scope(run=RUN, school_year="2021-22"))] == [1]
    assert enrolments_per_week(Scope(run=OTHER_RUN)) == []


def test_the_demos_sign_in_link_keeps_the_pages_course_and_year(client):
    response = client.get(SITE_PAGE, {"course": "NSS+SkillsLabs", "school_year": "2025-26"})
    assert response.status_code == 401
    assert 'href="/etwinning/figures/?course=NSS%2BSkillsLabs&amp;school_year=2025-26&amp;student=staff"' in \
        response.content.decode()


@pytest.mark.parametrize(("language", "words"), [
    ("en", "I am satisfied with taking part in the course."),
    ("el", "Είμαι ικανοποιημένος/η από τη συμμετοχή μου στο μάθημα."),
])
def test_survey_items_show_by_the_words_the_survey_asked_them_with_their_key(client, two_runs, language, words):
    """The survey block hands its items' words with each submission; the page and the XLSX show them."""
    from tests.harness import WorkbenchScenario
    from tests.reporting.test_figures_across_runs import lms_call

    olx = """<vertical_demo><etwinning_survey>
      <item key="satisfaction">
        <text lang="el">Είμαι ικανοποιημένος/η από τη συμμετοχή μου στο μάθημα.</text>
        <text lang="en">I am satisfied with taking part in the course.</text>
      </item>
      <item key="own"><text lang="el">R&amp;D "ours"</text><text lang="en">R&amp;D "ours"</text></item>
    </etwinning_survey></vertical_demo>"""
    survey = WorkbenchScenario(olx, "etwinning_survey")
    try:
        lms_call(survey.usage_id, RUN, 1, "submit", {"answers": {"satisfaction": 5, "own": 4}})
    finally:
        survey.close()
    login(client, "maria")
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    table = re.search(r'id="chart-survey-caption".*?</table>', page, re.S).group(0)
    rows = [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    assert any(html.unescape(words) in html.unescape(row) and "|satisfaction|" in row for row in rows), rows
    assert "<td>satisfaction</td>" in table  # the key is words, aligned as words; the counts as numbers
    assert re.search(r'<td class="num">[^<]*100', table)
    assert "R&amp;D &quot;ours&quot;" in page and 'R&D "ours"' not in page  # the words are escaped where shown
    book = workbook_of(client.get(f"/etwinning/api/v1/courses/{RUN}/figures/xlsx/", HTTP_ACCEPT_LANGUAGE=language))
    items = list(book.worksheets[1].iter_rows(values_only=True))
    assert (words, "satisfaction", 1, 100.0, 1) in items
