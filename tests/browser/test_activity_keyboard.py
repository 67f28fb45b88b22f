"""
A learner fills and submits the worksheet with the keyboard only, in Chromium, in the workbench.

Every interaction is a key press: Tab to move, typing into fields, Space for checkboxes, arrow keys
inside a radio group, Enter on the submit button. The test then reads what the server stored.
"""

import pytest

from skillslab_xblock.scenarios import activity_olx
from tests.harness import WorkbenchScenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scenario(transactional_db):
    made = WorkbenchScenario(activity_olx("b1-river-keepers", "w1", "a1", "en"))
    yield made
    made.close()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id || ''")


def tab_to(page, element_id: str, limit: int = 300) -> None:
    """Press Tab until the element with ``element_id`` has the focus."""
    for _ in range(limit):
        if focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def fid(scenario, step, field, option=None) -> str:
    prefix = "skl-" + "".join(ch if ch.isalnum() else "-" for ch in scenario.usage_id)
    return f"{prefix}-{step}-{field}" + (f"-{option}" if option else "")


def type_into(page, scenario, step, field, text):
    tab_to(page, fid(scenario, step, field))
    page.keyboard.type(text)


def check(page, scenario, step, field, option):
    tab_to(page, fid(scenario, step, field, option))
    page.keyboard.press("Space")


def test_keyboard_only_learner_fills_and_submits_the_worksheet(live_server, page, scenario):
    page.goto(f"{live_server.url}/scenario/{scenario.name}/?student=keyboard&lang=en")
    page.wait_for_selector(".skl-form")

    type_into(page, scenario, "partners", "school_count", "3")
    check(page, scenario, "partners", "school_levels", "primary_upper")
    type_into(page, scenario, "partners", "countries", "Greece, Portugal")
    type_into(page, scenario, "partners", "roles", "Each school maps its river; Portugal edits the book.")
    type_into(page, scenario, "goal", "shared_goal", "Pupils compare their rivers and plan one joint action.")
    type_into(page, scenario, "goal", "curriculum_link", "Geography, year 5.")
    # a radio group takes the focus on its first option; arrows move to the rung we want
    tab_to(page, fid(scenario, "collaboration", "level", "communication"))
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert focused_id(page) == fid(scenario, "collaboration", "level", "joint_product")
    type_into(page, scenario, "collaboration", "how", "Mixed teams write each chapter together.")
    type_into(page, scenario, "joint_product", "description", "A shared e-book about three rivers.")
    check(page, scenario, "tools", "tools", "twinspace")
    check(page, scenario, "tools", "tools", "social_media")
    warning = page.locator("[data-unsuitable-warning]")
    assert warning.is_visible() and "Facebook" in warning.inner_text()
    check(page, scenario, "tools", "tools", "social_media")  # Space again: the unsuitable tool is dropped
    assert not warning.is_visible()
    check(page, scenario, "tools", "data_protection_checked", None)
    check(page, scenario, "twinspace", "practices", "page_per_workshop")
    check(page, scenario, "evaluation", "methods", "peer_assessment")

    page.locator("[data-save-status]").filter(has_text="Draft saved.").wait_for()
    block_prefix = fid(scenario, "x", "y").rsplit("-x-y", 1)[0]
    submit = page.locator(f"#{block_prefix} .skl-submit")
    for _ in range(50):
        if page.evaluate("document.activeElement.classList.contains('skl-submit')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    result = page.locator("[data-result]")
    result.filter(has_text="Submitted.").wait_for()
    assert result.inner_text() == "Submitted. 5 of the 5 Quality Label criteria this step asks for are addressed."
    assert page.evaluate("document.activeElement.hasAttribute('data-result')"), "focus moves to the result"
    assert page.locator("[data-feedback]").is_visible()
    assert submit.inner_text() == "Submit the revised worksheet"
    assert page.locator(".skl-progress-summary").inner_text() == "7 of 7 required steps done"

    stored = scenario.block("keyboard")
    assert stored.submitted_at
    assert stored.submitted_answers["collaboration"]["level"] == "joint_product"
    assert stored.submitted_answers["tools"]["tools"] == ["twinspace"]
    assert stored.submitted_answers["partners"]["school_count"] == 3


def test_an_incomplete_submission_moves_focus_to_the_first_missing_field(live_server, page, scenario):
    page.goto(f"{live_server.url}/scenario/{scenario.name}/?student=hasty&lang=el")
    page.wait_for_selector(".skl-form")
    type_into(page, scenario, "goal", "shared_goal", "Ένας κοινός στόχος.")
    for _ in range(300):
        if page.evaluate("document.activeElement.classList.contains('skl-submit')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("[data-result]").filter(has_text="Ορισμένα υποχρεωτικά βήματα").wait_for()
    assert focused_id(page) == fid(scenario, "partners", "school_count")
    assert page.get_attribute(f"#{fid(scenario, 'partners', 'school_count')}", "aria-invalid") == "true"
    assert page.locator(f"#{fid(scenario, 'partners', 'roles')}-error").inner_text()
    assert not scenario.block("hasty").submitted_at


def test_the_worksheet_fits_a_phone_screen(live_server, browser, scenario):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/view/{scenario.name}/?student=phone&lang=el")
    page.wait_for_selector(".skl-form")
    overflow = page.evaluate("""() => Array.from(document.querySelectorAll('.skl-activity, .skl-activity *'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.className || e.tagName)""")
    context.close()
    assert overflow == []
