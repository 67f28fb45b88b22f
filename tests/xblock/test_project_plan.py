"""The etwinning_project_plan block: gathering steps, saving together, checklist, downloads."""

import pytest

from etwinning_plugin import api
from skillslab_xblock.scenarios import demo_course
from tests.harness import capture_events, make_partnership, published_events


@pytest.fixture
def course(scenario_factory, complete_worksheet):
    """The demo course with Anna and Luís in a partnership that submitted the week-2 step."""
    scenario = scenario_factory(demo_course("en"), "etwinning_project_plan")
    make_partnership(scenario.course_key, "anna", "luis")
    step = scenario.usage_ids("skillslab_activity")[0]
    scenario.post("save_draft", {"worksheet": complete_worksheet, "base_version": 0}, student="anna", usage_id=step)
    assert scenario.post("submit", {"worksheet": {}, "base_version": 1}, student="anna", usage_id=step).status == 200
    return scenario


def plan_save(course, student, version, **sections):
    return course.post("save_plan", {"plan": sections, "base_version": version}, student=student)


def test_the_plan_gathers_the_partnerships_submitted_steps(course):
    state = course.post("current_plan", {}, student="luis").body
    assert state["schools"] == ["1st Primary School of Patras", "Escola Básica de Braga"]
    assert [s["title"] for s in state["steps"]] == ["1. Meeting our river"]
    assert state["suggestions"]["title"].endswith("#SkillsLabs")
    assert "Pupils compare three rivers" in state["suggestions"]["aims"]
    assert "TwinSpace" in state["suggestions"]["tools"] and "Padlet" in state["suggestions"]["tools"]
    html = course.render(student="luis")
    assert "Suggested from your submitted steps." in html and "Escola Básica de Braga" in html


def test_partners_fill_the_plan_together_and_the_checklist_follows(course, caplog):
    capture_events(caplog)
    plan_save(course, "anna", 0, title="Three rivers #SkillsLabs", aims="Pupils compare rivers (curriculum: geography)")
    state = plan_save(course, "luis", 1, timeline="Oct: maps; Nov: e-book", tools="TwinSpace, Padlet",
                      safety="TwinSpace accounts only", evaluation="Self-assessment", dissemination="").body
    checklist = {item["key"]: item for item in state["checklist"]}
    assert checklist["title"]["ok"] and checklist["collaboration"]["ok"] and checklist["technology"]["ok"]
    assert not checklist["results"]["ok"]
    assert checklist["results"]["missing"] == ["Say how the results are disseminated (journal, school site, events)."]
    assert not state["complete"] and state["required_missing"] == ["Dissemination"]
    assert not [e for e in published_events(caplog) if e[0] == "completion"]
    done = plan_save(course, "anna", 2, dissemination="School site and open day").body
    assert done["complete"]
    assert ("completion", {"completion": 1.0}) in published_events(caplog)


def test_a_title_without_the_tag_is_flagged(course):
    state = plan_save(course, "anna", 0, title="Three rivers").body
    title = next(item for item in state["checklist"] if item["key"] == "title")
    assert title["missing"] == ["Add the tag the NSS follows to the title."]


def test_plan_collisions_show_both_versions(course):
    plan_save(course, "anna", 0, aims="Compare rivers")
    collided = plan_save(course, "luis", 0, aims="Clean a river")
    assert collided.status == 409
    assert collided.body["conflicts"][0]["label"] == "Aims"
    assert collided.body["conflicts"][0]["theirs"] == "Compare rivers"


def test_downloads_name_both_schools_and_escape_learner_text(course):
    assert plan_save(course, "anna", 0, title="Rivers & co <3 #SkillsLabs").status == 200
    assert plan_save(course, "anna", 1, aims="a < b & *stars* [link](http://x)").status == 200
    response = course.client.get(f"/handler/{course.usage_id}/download/html?student=luis")
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.html"')
    assert "1st Primary School of Patras" in html and "Escola Básica de Braga" in html
    assert "a &lt; b &amp; *stars*" in html and "<title>Rivers &amp; co &lt;3 #SkillsLabs</title>" in html
    markdown = course.client.get(f"/handler/{course.usage_id}/download/md?student=luis").content.decode()
    # no escaping noise: "&", "<3" and "a < b" are plain text in Markdown; what would act is escaped
    assert "- Escola Básica de Braga (Portugal; Luís)" in markdown
    assert markdown.startswith("# Rivers & co <3 #SkillsLabs\n")
    assert r"a < b & \*stars\* \[link\](http://x)" in markdown


@pytest.mark.parametrize(("text", "markdown"), [
    ("Pupils' self-assessment, 1st term (2027)", "Pupils' self-assessment, 1st term (2027)"),
    ("<script>alert(1)</script> &amp;", "&lt;script>alert(1)&lt;/script> &amp;amp;"),
    ("# not a heading", r"\# not a heading"),
    ("> not a quote", r"\> not a quote"),
    ("snake_case_name and *bold*", r"snake_case_name and \*bold\*"),
    ("`code`", r"\`code\`"),
])
def test_markdown_escapes_only_what_would_act(text, markdown):
    from skillslab_xblock.domain.plan_export import markdown_text

    assert markdown_text(text) == markdown


def test_markup_in_a_plan_section_is_refused(course):
    result = plan_save(course, "anna", 0, aims="<img src=x onerror=alert(1)>")
    assert result.status == 400 and "aims" in result.body["field_errors"]


def test_another_partnership_sees_only_its_own_plan(course):
    plan_save(course, "anna", 0, aims="Our private aims")
    from tests.harness import CARDS

    api.save_card(course.course_key, "eva", CARDS["eva"])
    html = course.client.get(f"/handler/{course.usage_id}/download/md?student=eva").content.decode()
    assert "Our private aims" not in html
    assert course.post("current_plan", {}, student="eva").status == 409  # no partnership: nothing to read
    assert course.post("save_plan", {"plan": {"aims": "x"}, "base_version": 1, "owner_key": "partnership:x"},
                       student="eva").status == 400


@pytest.mark.parametrize("body", [
    {"plan": {"budget": "1000"}, "base_version": 0},
    {"plan": "all", "base_version": 0},
    {"plan": {"aims": "x" * 4001}, "base_version": 0},
    {"plan": {"aims": "ok"}},
])
def test_bad_plan_saves_change_nothing(course, body):
    assert course.post("save_plan", body, student="anna").status == 400
    assert course.post("current_plan", {}, student="anna").body["version"] == 0


def test_olx_round_trip_and_settings(course, scenario_factory):
    from tests.xblock.test_activity_olx import export

    plan = scenario_factory('<etwinning_project_plan project_tag="#SkillsLabs2027" required_sections="title aims"'
                            ' collaboration_mode="individual"/>', "etwinning_project_plan")
    first = export(plan.block())
    again = scenario_factory(first.decode().split("?>", 1)[1], "etwinning_project_plan")
    assert export(again.block()) == first
    assert again.block().required_sections == ["title", "aims"]
    assert plan.post("studio_submit", {"required_sections": ["budget"]}).status == 400


def test_individual_plan_for_a_learner_alone(scenario_factory):
    plan = scenario_factory('<etwinning_project_plan collaboration_mode="individual" required_sections="title"/>',
                            "etwinning_project_plan")
    saved = plan.post("save_plan", {"plan": {"title": "Solo #SkillsLabs"}, "base_version": 0}, student="solo")
    assert saved.status == 200 and saved.body["complete"]


def test_the_operators_tag_is_the_default(scenario_factory, settings):
    settings.ETWINNING_PROJECT_TAG = "#SkillsLabs2027"
    plan = scenario_factory('<etwinning_project_plan collaboration_mode="individual"/>', "etwinning_project_plan")
    state = plan.post("save_plan", {"plan": {"title": "Rivers #SkillsLabs"}, "base_version": 0}, student="solo").body
    assert next(i for i in state["checklist"] if i["key"] == "title")["missing"]
    authored = scenario_factory('<etwinning_project_plan collaboration_mode="individual" project_tag="#Mine"/>',
                                "etwinning_project_plan")
    assert authored.post("current_plan", {}, student="solo").body["suggestions"]["title"] == "#Mine"


def test_the_report_has_a_row_per_learner_with_the_plan_and_honours_the_limit(course):
    from tests.harness import stored_states

    plan_save(course, "anna", 0, title="Three rivers #SkillsLabs")
    plan_save(course, "luis", 1, timeline="Oct: maps")  # the same, shared plan
    block = course.block()
    rows = dict(block.generate_report_data(stored_states(course.usage_id)))
    assert set(rows) == {"anna", "luis"}
    assert rows["luis"]["title"] == "Three rivers #SkillsLabs" and rows["anna"]["timeline"] == "Oct: maps"
    assert rows["luis"]["Complete"] is False
    assert rows["anna"]["Partner schools"] == "1st Primary School of Patras; Escola Básica de Braga"
    assert len(list(block.generate_report_data(stored_states(course.usage_id), limit_responses=1))) == 1


def test_the_word_document_holds_the_whole_plan(course):
    """Opened with python-docx: every section, the partner schools with their countries, the steps week by week,
    the joint product, the tools with their pupil-data ratings, the checklist and #SkillsLabs; lists as lists."""
    import io

    from docx import Document

    plan_save(course, "anna", 0, title="Our rivers", aims="- Compare three rivers\n- Clean one bank together",
              dissemination="School site and the eTwinning journal.")
    response = course.client.get(f"/handler/{course.usage_id}/download/docx?student=luis&lang=el")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    by_style = [(p.style.name, p.text) for p in document.paragraphs]
    headings = [text for style, text in by_style if style.startswith("Heading")]
    assert headings[0] == "Our rivers"
    assert {"Σχολεία-εταίροι", "Στόχοι", "Χρονοδιάγραμμα δραστηριοτήτων", "Αξιολόγηση", "Διάχυση",
            "Κοινά προϊόντα", "Λίστα ελέγχου για την Εθνική Ετικέτα Ποιότητας"} <= set(headings)
    assert ("Normal", "#SkillsLabs") in by_style  # the tag the NSS follows, when the title lacks it
    bullets = [text for style, text in by_style if style == "List Bullet"]
    assert "Compare three rivers" in bullets and "Clean one bank together" in bullets
    assert "1st Primary School of Patras (Ελλάδα; Anna, συντονισμός)" in bullets
    assert "Escola Básica de Braga (Πορτογαλία; Luís)" in bullets
    assert any(text.startswith("TwinSpace: ") for text in bullets)
    assert any(text.startswith("Padlet: ") for text in bullets)
    steps = [text for style, text in by_style if style == "List Number"]
    assert steps and steps[0].startswith("Meeting our river")  # numbered by Word, not "1. 1."
