"""
The pre/post self-assessment in Chromium: a teacher answers the start and the end with the keyboard
only, in Greek, sees their own levels before and now without reloading; a missing area is marked
next to it; axe finds nothing in Greek or English, before and after answering, nor in the staff's
growth table.
"""

import pytest

from etwinning_plugin.models import SelfAssessmentAnswer
from tests.browser.test_survey_keyboard_and_axe import axe_violations
from tests.harness import WorkbenchScenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AREAS = 6


@pytest.fixture
def pair(transactional_db):
    made = WorkbenchScenario('<vertical_demo><etwinning_self_assessment phase="before"/>'
                             '<etwinning_self_assessment phase="after"/></vertical_demo>', "etwinning_self_assessment")
    made.before, made.after = made.usage_ids("etwinning_self_assessment")
    yield made
    made.close()


def dom_id(usage_id: str) -> str:
    return "skl-" + "".join(ch if ch.isalnum() else "-" for ch in usage_id)


def answer_with_keyboard(page, usage_id: str, steps: int) -> None:
    """Tab to the block's first level of its first area, then in each area press → ``steps`` times."""
    first = f"{dom_id(usage_id)}-professional_engagement-1"
    for _ in range(300):
        if page.evaluate("document.activeElement && document.activeElement.id") == first:
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached the self-assessment")
    for _area in range(AREAS):
        for _ in range(steps):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")  # the next area's group; after the last, the button
    page.keyboard.press("Enter")
    page.locator(f"#{dom_id(usage_id)} [data-result]").filter(has_text="αποθηκεύτηκαν").wait_for()


def test_a_teacher_answers_start_and_end_with_the_keyboard_and_sees_their_growth(live_server, page, pair):
    page.goto(f"{live_server.url}/scenario/{pair.name}/?student=kb&lang=el")
    page.wait_for_selector("[data-survey-form]")
    answer_with_keyboard(page, pair.before, 1)  # the arrow moves from A1 and checks A2
    answer_with_keyboard(page, pair.after, 3)  # B2
    assert set(SelfAssessmentAnswer.objects.values_list("phase", "level")) == {("before", 2), ("after", 4)}
    assert SelfAssessmentAnswer.objects.count() == 2 * AREAS
    growth = page.locator(f"#{dom_id(pair.after)} [data-results] table")
    growth.wait_for()
    assert "Τα επίπεδά σας στην αρχή και τώρα" in growth.inner_text()
    assert "(ανέβηκε 2 επίπεδα)" in growth.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-result')")


def test_a_missing_area_is_marked_next_to_it_and_nothing_is_saved(live_server, page, pair):
    page.goto(f"{live_server.url}/scenario/{pair.name}/?student=gap&lang=en")
    block = page.locator(f"#{dom_id(pair.before)}")
    block.locator("[data-survey-form]").wait_for()
    for area in ("professional_engagement", "digital_resources", "teaching_learning", "assessment",
                 "empowering_learners"):
        block.locator(f"#{dom_id(pair.before)}-{area}-3").check()
    block.locator(".skl-submit").click()
    error = block.locator('[data-error-for="learners_digital_competence"]')
    error.filter(has_text="Please answer this item.").wait_for()
    assert page.evaluate("document.activeElement.id") == f"{dom_id(pair.before)}-learners_digital_competence-1"
    assert not SelfAssessmentAnswer.objects.exists()


@pytest.mark.parametrize("lang", ["el", "en"])
def test_axe_finds_no_violations_in_the_self_assessment(live_server, page, pair, lang):
    page.goto(f"{live_server.url}/scenario/{pair.name}/?student=axe&lang={lang}")
    page.wait_for_selector("[data-survey-form]")
    assert axe_violations(page, ".skl-self-assessment") == []
    for usage_id in (pair.before, pair.after):
        block = page.locator(f"#{dom_id(usage_id)}")
        for area in ("professional_engagement", "digital_resources", "teaching_learning", "assessment",
                     "empowering_learners", "learners_digital_competence"):
            block.locator(f"#{dom_id(usage_id)}-{area}-{3 if usage_id == pair.before else 5}").check()
        block.locator(".skl-submit").click()
        block.locator("[data-result]").filter(has_text=("αποθηκεύτηκαν" if lang == "el" else "saved")).wait_for()
    page.locator(f"#{dom_id(pair.after)} [data-results] table").wait_for()
    assert axe_violations(page, ".skl-self-assessment") == []
    page.goto(f"{live_server.url}/scenario/{pair.name}/?student=staff&lang={lang}")
    page.wait_for_selector(".skl-staff")
    assert axe_violations(page, ".skl-self-assessment") == []
