"""
The survey with the keyboard only, in Chromium; and axe-core (from the npm registry, installed by
./dev test into tools/axe) finds no accessibility violations in the survey and registration blocks,
in Greek and English, before and after answering.
"""

from pathlib import Path

import pytest

from etwinning_plugin.models import SurveyAnswer
from tests.harness import WorkbenchScenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def blocks(transactional_db):
    made = WorkbenchScenario('<vertical_demo><etwinning_registration/><etwinning_survey show_results="true"/>'
                             "</vertical_demo>", "etwinning_survey")
    yield made
    made.close()


def axe_violations(page, selector: str) -> list[dict]:
    assert AXE.exists(), "axe-core is missing: ./dev test installs it (npm ci --prefix tools/axe)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async (selector) => {
        const results = await axe.run(document.querySelectorAll(selector), {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
        return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                             nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
    }""", selector)


def test_a_learner_answers_the_survey_with_the_keyboard_only(live_server, page, blocks):
    page.goto(f"{live_server.url}/scenario/{blocks.name}/?student=kb&lang=en")
    page.wait_for_selector("[data-survey-form]")
    prefix = "skl-" + "".join(ch if ch.isalnum() else "-" for ch in blocks.usage_id)
    first = f"{prefix}-satisfaction-1"
    for _ in range(200):  # Tab into the first item's radio group
        if page.evaluate("document.activeElement && document.activeElement.id") == first:
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached the survey")
    for item in range(7):  # in each group: arrows choose the point, Tab goes to the next item
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        if item < 6:
            page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the comment
    page.keyboard.type("Keyboard only, and it worked.")
    page.keyboard.press("Tab")  # the button
    page.keyboard.press("Enter")
    result = page.locator(f"#{prefix} [data-result]")
    result.filter(has_text="Thank you").wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-result')")
    values = set(SurveyAnswer.objects.filter(usage_key=blocks.usage_id).values_list("value", flat=True))
    assert values == {4} and SurveyAnswer.objects.filter(usage_key=blocks.usage_id).count() == 7


def test_the_axe_check_can_fail(live_server, page, blocks):
    """The check is real: an input without a label, added to the page, is reported."""
    page.goto(f"{live_server.url}/scenario/{blocks.name}/?student=axe&lang=en")
    page.wait_for_selector("[data-survey-form]")
    page.evaluate("document.querySelector('.skl-survey').insertAdjacentHTML('beforeend', '<input type=text>')")
    assert "label" in {v["id"] for v in axe_violations(page, ".skl-survey")}


@pytest.mark.parametrize("lang", ["el", "en"])
def test_axe_finds_no_violations_in_the_survey_and_registration(live_server, page, blocks, lang):
    page.goto(f"{live_server.url}/scenario/{blocks.name}/?student=axe&lang={lang}")
    page.wait_for_selector("[data-survey-form]")
    assert axe_violations(page, ".skl-survey, .skl-registration") == []
    # and after answering, with the results shown and the registration's errors displayed
    page.locator("[data-registration-form] .skl-submit").click()
    page.locator(".skl-registration [data-result]").filter(has_text="").wait_for()
    page.wait_for_function("document.querySelector('.skl-registration [data-error-for=\"profile_url\"]')"
                           ".textContent.length > 0")
    everything_agreed = {"answers": {key: 5 for key in ("satisfaction", "content_quality", "activities_helped",
                                                         "tutors_expectations", "practice_improvement",
                                                         "ready_for_project", "would_recommend")}}
    for student in ("t1", "t2", "t3", "axe"):  # four answers: results are not released yet
        blocks.post("submit", everything_agreed, student=student)
    page.reload()
    page.wait_for_selector("[data-results] .skl-notice")
    assert axe_violations(page, ".skl-survey, .skl-registration") == []
    blocks.post("submit", everything_agreed, student="t5")  # the fifth releases them
    page.reload()
    page.wait_for_selector(".skl-results")
    assert axe_violations(page, ".skl-survey, .skl-registration") == []
