"""The author's side of skillslab_activity: Studio editor, preview, catalogue loading, validation."""

import json

import pytest

from skillslab_xblock.domain.taxonomy import sample_catalogue

VALID = {
    "display_name": "Το νερό μας",
    "programme_id": "b1-river-keepers",
    "programme_title": "Φύλακες του ποταμού μας",
    "cycle": "B",
    "sub_theme": "B1",
    "school_level": "primary_upper",
    "skills": ["collaboration", "critical_thinking"],
    "workshop_title": "1. Γνωριμία με το ποτάμι μας",
    "activity_text": "Πρώτη παράγραφος.\n\nΔεύτερη παράγραφος.",
    "required_steps": ["goal", "partners"],
    "deadline": "2027-05-03T21:00",
    "weight": "1.5",
}


def _settings(block):
    return {name: getattr(block, name) for name in VALID}


def test_studio_view_offers_the_catalogue_and_the_taxonomy(activity):
    html = activity.render("studio_view", lang="el")
    assert "Θεματικός κύκλος" in html
    assert "B1. Οικολογία" in html
    assert "SkillsLabActivityStudio" in html
    init = json.loads(html.split('class="xblock_json_init_args">')[1].split("</script>")[0])
    assert [p["id"] for p in init["catalogue"]] == [p.id for p in sample_catalogue().programmes]
    assert init["catalogue"][1]["workshops"][0]["activities"][0]["text"].startswith("Σε ζευγάρια")


def test_author_view_previews_the_activity_with_its_settings(activity):
    html = activity.render("author_view")
    assert "Required worksheet steps" in html
    assert "Conversion worksheet" in html


def test_studio_submit_saves_valid_settings(activity):
    result = activity.post("studio_submit", VALID)
    assert result.status == 200, result.body
    block = activity.block()
    assert block.display_name == "Το νερό μας"
    assert block.required_steps == ["partners", "goal"]  # the worksheet's order, not the request's
    assert block.deadline.isoformat() == "2027-05-03T21:00:00+00:00"
    assert block.weight == 1.5 and block.has_score
    assert block.activity_text == "Πρώτη παράγραφος.\n\nΔεύτερη παράγραφος."


BAD_SETTINGS = [
    ("empty display name", {"display_name": "  "}, "display_name"),
    ("display name of the wrong type", {"display_name": ["x"]}, "display_name"),
    ("markup in the activity", {"activity_text": "<script>alert(1)</script>"}, "activity_text"),
    ("huge activity text", {"activity_text": "x" * 20_001}, "activity_text"),
    ("no workshop title", {"workshop_title": ""}, "workshop_title"),
    ("unknown cycle", {"cycle": "E"}, "cycle"),
    ("sub-theme of another cycle", {"cycle": "A", "sub_theme": "B1"}, "sub_theme"),
    ("unknown school level", {"school_level": "university"}, "school_level"),
    ("unknown skill", {"skills": ["telepathy"]}, "skills"),
    ("skills of the wrong type", {"skills": "collaboration"}, "skills"),
    ("no required step", {"required_steps": []}, "required_steps"),
    ("unknown step", {"required_steps": ["goal", "payment"]}, "required_steps"),
    ("bad deadline", {"deadline": "next Friday"}, "deadline"),
    ("deadline of the wrong type", {"deadline": 20270503}, "deadline"),
    ("negative weight", {"weight": -1}, "weight"),
    ("weight as text", {"weight": "heavy"}, "weight"),
    ("weight NaN", {"weight": "nan"}, "weight"),
    ("weight as a boolean", {"weight": True}, "weight"),
    ("unknown setting", {"has_score": True}, "_"),
]


@pytest.mark.parametrize(("what", "change", "field"), BAD_SETTINGS, ids=[c[0] for c in BAD_SETTINGS])
def test_studio_submit_refuses_bad_settings_and_changes_nothing(activity, what, change, field):
    before = _settings(activity.block())
    result = activity.post("studio_submit", {**VALID, **change})
    assert result.status == 400
    assert result.error == "The settings were not saved. Please check the marked fields."
    assert field in result.body["field_errors"]
    assert _settings(activity.block()) == before


def test_studio_errors_come_in_the_authors_language(activity):
    result = activity.post("studio_submit", {**VALID, "weight": "heavy"}, lang="el")
    assert result.status == 400
    assert result.error.startswith("Οι ρυθμίσεις δεν αποθηκεύτηκαν")
    assert "0" in result.body["field_errors"]["weight"] and "100" in result.body["field_errors"]["weight"]


def test_an_authors_own_catalogue_is_validated_and_offered(activity):
    own = {
        "format": "skillslab-catalogue", "version": 1,
        "programmes": [{
            "id": "my-programme", "title": {"el": "Το πρόγραμμά μου"}, "cycle": "D", "sub_theme": "D2",
            "school_levels": ["lower_secondary"], "skills": ["initiative"],
            "workshops": [{"id": "w1", "number": 1, "title": {"el": "Εργαστήριο"},
                           "activities": [{"id": "a1", "title": {"el": "Δραστηριότητα"}, "text": {"el": "Κείμενο"}}]}],
        }],
    }
    result = activity.post("load_catalogue", {"catalogue": json.dumps(own)}, lang="el")
    assert result.status == 200
    assert result.body["programmes"][0]["workshops"][0]["activities"][0]["text"] == "Κείμενο"


def test_a_broken_catalogue_lists_every_problem_with_its_place(activity):
    broken = {"format": "skillslab-catalogue", "version": 1, "programmes": [
        {"id": "x", "title": {"el": "X"}, "cycle": "A", "sub_theme": "B1", "school_levels": ["nursery"],
         "skills": [], "workshops": []},
    ]}
    result = activity.post("load_catalogue", {"catalogue": json.dumps(broken)})
    assert result.status == 400
    problems = result.body["field_errors"]["catalogue"]
    assert "programmes[0].sub_theme: sub-theme B1 belongs to cycle B" in problems
    assert "programmes[0].school_levels: unknown school level nursery" in problems
    assert "programmes[0].workshops: must not be empty" in problems


@pytest.mark.parametrize("body", [{"catalogue": "{not json"}, {"catalogue": ""}, {"catalogue": 5},
                                  {"catalogue": "x" * (2 * 1024 * 1024 + 1)}])
def test_load_catalogue_refuses_what_is_not_a_catalogue(activity, body):
    before = _settings(activity.block())
    result = activity.post("load_catalogue", body)
    assert result.status in (400, 413)
    assert result.error
    assert _settings(activity.block()) == before


def test_validation_warns_about_an_unconfigured_block(scenario_factory):
    scenario = scenario_factory("<skillslab_activity/>")
    messages = scenario.block().validate().messages
    assert [m.type for m in messages] == ["warning"]
    assert "This activity is not configured yet." in scenario.render()


def test_a_large_catalogue_within_the_documented_limit_is_accepted(activity):
    """The catalogue limit is 2 MiB; the handler's request limit leaves room for it."""
    text = "Μια μεγάλη δραστηριότητα. " * 700  # about 18,900 characters, under the 20,000 limit
    programmes = [{
        "id": f"p{i}", "title": {"el": f"Πρόγραμμα {i}"}, "cycle": "B", "sub_theme": "B1",
        "school_levels": ["primary_upper"], "skills": ["collaboration"],
        "workshops": [{"id": "w1", "number": 1, "title": {"el": "Εργαστήριο"},
                       "activities": [{"id": "a1", "title": {"el": "Δραστηριότητα"}, "text": {"el": text}}]}],
    } for i in range(9)]
    body = json.dumps({"format": "skillslab-catalogue", "version": 1, "programmes": programmes}, ensure_ascii=False)
    assert 256 * 1024 < len(body.encode()) < 2 * 1024 * 1024
    result = activity.post("load_catalogue", {"catalogue": body})
    assert result.status == 200, result.error
    assert len(result.body["programmes"]) == 9


def test_the_editor_shows_an_imported_deadline_in_utc(scenario_factory):
    scenario = scenario_factory('<skillslab_activity deadline="2027-05-04T00:00:00+03:00"/>')
    assert 'value="2027-05-03T21:00"' in scenario.render("studio_view")
