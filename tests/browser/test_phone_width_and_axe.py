"""
Every block of the four-week demo course on a phone (390 px wide), in Greek and in English, as a
learner and as course staff (with the staff's results tables): nothing widens the page, every
checkbox and radio button is a touch target of at least 24 × 24 px (WCAG 2.2, 2.5.8), and axe-core
finds no violation.
"""

from __future__ import annotations

import pytest

from skillslab_xblock.scenarios import demo_course
from tests.browser.test_survey_keyboard_and_axe import axe_violations
from tests.harness import WorkbenchScenario, make_partnership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKS = ".skl-activity, .skl-partners, .skl-plan, .skl-survey, .skl-registration"
SURVEY_ANSWERS = dict.fromkeys(("satisfaction", "content_quality", "activities_helped", "tutors_expectations",
                                "practice_improvement", "ready_for_project", "would_recommend"), 4)


@pytest.fixture
def course(transactional_db):
    made = WorkbenchScenario(demo_course("el"), "etwinning_survey")
    make_partnership(made.course_key, "anna", "luis")
    for learner in ("anna", "luis", "staff"):
        made.post("submit", {"answers": SURVEY_ANSWERS, "comment": "Πολύ χρήσιμο μάθημα."}, student=learner)
    yield made
    made.close()


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("student", ["anna", "staff"])
def test_every_block_fits_a_phone_and_passes_axe(live_server, browser, course, language, student):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/scenario/{course.name}/?student={student}&lang={language}")
    page.locator(".skl-survey").first.wait_for()
    # the blocks and everything in them (the workbench's own page title is not ours); a wide table
    # scrolls inside its box
    wide = page.evaluate("""(blocks) => Array.from(document.querySelectorAll(blocks)).flatMap(
            b => [b, ...b.querySelectorAll('*')])
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                     && !(e.closest('.skl-table-wrap') && !e.classList.contains('skl-table-wrap')))
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40))""",
                         BLOCKS)
    assert wide == [], "elements wider than the phone"
    small = page.evaluate(f"""() => Array.from(document.querySelectorAll(
            '{BLOCKS.replace(", ", " input[type=checkbox], ")} input[type=checkbox], '
            + '.skl-activity input[type=radio], .skl-studio input[type=radio]'))
        .filter(e => e.getBoundingClientRect().width > 0)
        .filter(e => e.getBoundingClientRect().width < 24 || e.getBoundingClientRect().height < 24)
        .map(e => e.id).slice(0, 5)""")
    assert small == [], "touch targets under 24 px"
    assert axe_violations(page, BLOCKS) == []
    context.close()
