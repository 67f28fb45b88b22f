"""
The figures page in Chromium, as the demo serves it (issue 14, point 4): three teachers work in the
four-week demo course, then the staff open the course's figures page with ``?student=staff``. In
Greek and in English: the charts are there, each an image with its title and followed by its table,
axe-core finds no violation, and the XLSX link downloads a workbook openpyxl reads. A visitor who is
not signed in is told how to sign in, and the link there opens the page.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from skillslab_xblock.domain.selfie import SELFIE_AREAS
from skillslab_xblock.scenarios import demo_course
from tests.browser.test_phone_width_and_axe import SURVEY_ANSWERS
from tests.browser.test_survey_keyboard_and_axe import axe_violations
from tests.harness import WorkbenchScenario, make_partnership
from tests.plugin.test_figures_page_demo import demo_scenarios_loaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLES = {"el": ("Το μάθημα σε αριθμούς", "Εγγραφές ανά εβδομάδα", "Αριθμοί"),
          "en": ("The course in numbers", "Enrolments per week", "Figures")}


@pytest.fixture
def course(transactional_db):
    """
    The demo course after three teachers worked: two formed a partnership, one answered the survey,
    and two answered the self-assessment at the start and at the end (one moved up to B1).
    """
    made = WorkbenchScenario(demo_course("el"), "etwinning_survey")
    for student in ("anna", "luis", "eva"):
        assert made.client.get(f"/scenario/{made.name}/", {"student": student}).status_code == 200  # enrols them
    make_partnership(made.course_key, "anna", "luis")
    assert made.post("submit", {"answers": SURVEY_ANSWERS, "comment": ""}, student="eva").status == 200
    before, after = made.usage_ids("etwinning_self_assessment")
    for student, start, end in (("anna", 2, 3), ("luis", 3, 3)):
        for usage_id, level in ((before, start), (after, end)):
            answers = dict.fromkeys((area["key"] for area in SELFIE_AREAS), level)
            assert made.post("submit", {"answers": answers}, student=student, usage_id=usage_id).status == 200
    yield made
    made.close()


@pytest.mark.parametrize("language", ["el", "en"])
def test_the_staff_read_the_charts_with_their_tables_and_download_the_xlsx(live_server, page, course, language):
    page.goto(f"{live_server.url}/etwinning/courses/{course.course_key}/figures/?student=staff&lang={language}")
    title, enrolment, sheet = TITLES[language]
    assert page.locator("h1").inner_text().startswith(title)
    assert page.evaluate("document.documentElement.lang") == language
    charts = page.locator("section.chart")
    # enrolment per week, completion, survey items, the self-assessment before and after
    assert charts.count() == 4
    for index in range(charts.count()):
        chart = charts.nth(index)
        svg = chart.locator("svg[role=img]")
        assert svg.count() == 1 and svg.locator("title").text_content()
        assert chart.locator("table caption").count() == 1 and chart.locator("table tbody tr").count() >= 1
        # the chart is drawn and has room: not a zero-size image
        box = svg.bounding_box()
        assert box["width"] > 200 and box["height"] > 20
    assert charts.nth(0).locator("h3").inner_text() == enrolment
    assert page.locator("svg#chart-enrolment rect").count() >= 1  # the three teachers' week
    growth = charts.nth(3).locator("tbody tr").last.inner_text()  # overall: 1 of 2 at B1 before, 2 of 2 after
    assert "(1 / 2)" in growth and "(2 / 2)" in growth and "+50" in growth
    figures = page.locator("table").first.inner_text()
    assert "3" in figures.split("\n")[1]  # enrolled: the three who opened the course
    assert axe_violations(page, "html") == []
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == "course-figures.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))  # the saved file has no suffix
    assert book.sheetnames[0] == sheet
    assert book.worksheets[0]["B2"].value == 3


def test_a_visitor_not_signed_in_is_told_how_and_the_link_opens_the_page(live_server, page, course):
    page.goto(f"{live_server.url}/etwinning/courses/{course.course_key}/figures/?lang=en")
    alert = page.get_by_role("alert")
    assert "You are not signed in" in alert.inner_text() and "?student=staff" in alert.inner_text()
    assert axe_violations(page, "html") == []
    page.get_by_role("link", name="Open this page as the demo's staff").click()
    page.locator("svg#chart-completion").wait_for()
    assert page.locator("h1").inner_text().startswith("The course in numbers")


def test_the_front_page_leads_the_staff_to_the_figures(live_server, page):
    demo_scenarios_loaded()
    page.goto(f"{live_server.url}/?lang=en")
    page.locator("a[href*='/figures/?student=staff']").first.click()
    page.locator("svg#chart-enrolment").wait_for()
    assert page.get_by_role("link", name="CSV").is_visible()


@pytest.mark.parametrize("language", ["el", "en"])
def test_the_staff_go_from_the_run_to_its_school_year(live_server, page, course, language):
    """The demo's staff are the site's staff: the run's page links to its school year's page, every course."""
    page.goto(f"{live_server.url}/etwinning/courses/{course.course_key}/figures/?student=staff&lang={language}")
    page.locator("nav.etwinning-figures-views a").first.click()
    page.locator("svg#chart-runs").wait_for()
    runs = page.locator("section.chart").filter(has=page.locator("svg#chart-runs")).locator("tbody tr")
    assert any(row.startswith(course.course_key) for row in runs.all_inner_texts())
    assert page.locator("form.scope input[name=school_year]").input_value()  # the year shown, to change
    assert axe_violations(page, "html") == []


def test_the_page_fits_a_phone(live_server, browser, course):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/etwinning/courses/{course.course_key}/figures/?student=staff&lang=el")
    page.locator("svg#chart-survey").wait_for()
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                     && !(e.closest('.table-wrap') && !e.classList.contains('table-wrap')))
        .slice(0, 5).map(e => e.tagName + '.' + e.className.baseVal ?? e.className)""")
    assert wide == [], "elements wider than the phone"
    assert axe_violations(page, "html") == []
    context.close()
