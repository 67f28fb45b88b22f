"""
"Copy the plan", then paste into a rich-text editor (a ``contenteditable``, as TwinSpace's page
editor is), in Chromium with the real clipboard and real key presses: headings and lists stay.
"""

from __future__ import annotations

import pytest

from skillslab_xblock.scenarios import demo_course
from tests.harness import COMPLETE_WORKSHEET, WorkbenchScenario, make_partnership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course(transactional_db):
    made = WorkbenchScenario(demo_course("en"), "etwinning_project_plan")
    make_partnership(made.course_key, "anna", "luis")
    step = made.usage_ids("skillslab_activity")[0]
    made.post("save_draft", {"worksheet": COMPLETE_WORKSHEET, "base_version": 0}, student="anna", usage_id=step)
    made.post("submit", {"worksheet": {}, "base_version": 1}, student="anna", usage_id=step)
    made.post("save_plan", {"plan": {"title": "Our rivers #SkillsLabs", "aims": "- Compare rivers\n- Clean a bank"},
                            "base_version": 0}, student="anna")
    yield made
    made.close()


def test_the_copied_plan_pastes_with_its_headings_and_lists(live_server, browser, course):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{live_server.url}/scenario/{course.name}/?lang=en&student=luis")
    plan = page.locator(".skl-plan")
    plan.get_by_role("button", name="Copy the plan").click()
    plan.locator("[data-copy-status]").filter(has_text="Copied").wait_for()

    page.evaluate("""() => {
        const editor = document.createElement('div');
        editor.id = 'twinspace-editor';
        editor.contentEditable = 'true';
        document.body.appendChild(editor);
    }""")
    page.locator("#twinspace-editor").click()
    page.keyboard.press("Control+V")
    page.wait_for_function("document.querySelector('#twinspace-editor h1') !== null")
    pasted = page.evaluate("""() => {
        const editor = document.querySelector('#twinspace-editor');
        return {h1: Array.from(editor.querySelectorAll('h1')).map(e => e.textContent),
                h2: Array.from(editor.querySelectorAll('h2')).map(e => e.textContent),
                bullets: Array.from(editor.querySelectorAll('ul > li')).map(e => e.textContent),
                numbered: Array.from(editor.querySelectorAll('ol > li')).map(e => e.textContent)};
    }""")
    assert pasted["h1"] == ["Our rivers #SkillsLabs"]
    assert {"Partner schools", "Aims", "Joint products", "National Quality Label checklist"} <= set(pasted["h2"])
    assert {"Compare rivers", "Clean a bank"} <= set(pasted["bullets"])
    assert pasted["numbered"] and pasted["numbered"][0].startswith("Meeting our river")
    context.close()
