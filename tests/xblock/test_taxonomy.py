"""The Skills Labs taxonomy and programme catalogues shipped with, and loaded by, the package."""

import json

import pytest

from skillslab_xblock.domain.taxonomy import (
    CatalogueError,
    default_taxonomy,
    load_catalogue_text,
    parse_taxonomy,
    sample_catalogue,
)


def test_the_four_cycles_and_their_sub_themes_in_greek_and_english():
    taxonomy = default_taxonomy()
    assert [c.code for c in taxonomy.cycles] == ["A", "B", "C", "D"]
    assert [s.code for c in taxonomy.cycles for s in c.sub_themes] == \
        ["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3", "D1", "D2"]
    assert taxonomy.cycle("B").label("el") == "Φροντίζω το Περιβάλλον"
    assert taxonomy.sub_theme("D1").label("en") == "STEM, educational robotics"
    for term in [*taxonomy.cycles, *taxonomy.skills, *taxonomy.school_levels, *taxonomy.skill_categories]:
        assert term.title.get("el") and term.title.get("en"), term.code


def test_skills_belong_to_categories_and_one_may_belong_to_several():
    taxonomy = default_taxonomy()
    assert taxonomy.skill("digital_literacy").categories == ("skills_21c", "tech_science")
    assert {s.code for s in taxonomy.skills if "skills_21c" in s.categories} >= \
        {"communication", "collaboration", "critical_thinking", "creativity"}


def test_the_sample_catalogue_is_valid_and_bilingual():
    catalogue = sample_catalogue()
    assert {p.cycle for p in catalogue.programmes} == {"A", "B", "C", "D"}
    for programme in catalogue.programmes:
        for workshop in programme.workshops:
            for activity in workshop.activities:
                assert activity.text.get("el") and activity.text.get("en")


def test_a_catalogue_with_every_kind_of_mistake_reports_each_one():
    document = {
        "format": "something-else",
        "version": 2,
        "programmes": [
            {"id": "bad id!", "title": "not an object", "cycle": "E", "sub_theme": "Z9",
             "school_levels": "primary", "skills": ["telepathy"],
             "workshops": [{"id": "w1", "number": 0, "title": {"fr": "Atelier"},
                            "activities": [{"id": "a1", "title": {"el": "Α"}, "text": {"el": 7},
                                            "duration_minutes": 9999}]}]},
            {"id": "dup", "title": {"el": "Α"}, "cycle": "A", "sub_theme": "A1", "school_levels": ["kindergarten"],
             "skills": [], "workshops": [{"id": "w1", "number": 1, "title": {"el": "Ε"}, "activities": [
                 {"id": "a1", "title": {"el": "Δ"}, "text": {"el": "Κ"}}]}]},
            {"id": "dup", "title": {"el": "Β"}, "cycle": "A", "sub_theme": "A1", "school_levels": ["kindergarten"],
             "skills": [], "workshops": [{"id": "w1", "number": 1, "title": {"el": "Ε"}, "activities": [
                 {"id": "a1", "title": {"el": "Δ"}, "text": {"el": "Κ"}}]}]},
        ],
    }
    with pytest.raises(CatalogueError) as error:
        load_catalogue_text(json.dumps(document))
    messages = error.value.messages(lambda s: s)
    expected = [
        "format: must be skillslab-catalogue",
        "version: must be 1",
        "programmes[0].cycle: unknown thematic cycle E",
        "programmes[0].sub_theme: unknown sub-theme Z9",
        "programmes[0].school_levels: must be a list",
        "programmes[0].skills: unknown skill telepathy",
        "programmes[0].workshops[0].number: must be a whole number from 1",
        "programmes[0].workshops[0].title.fr: unknown language; use one of: el, en",
        "programmes[0].workshops[0].activities[0].duration_minutes: must be a whole number of minutes from 1 to 600",
        "programmes[0].workshops[0].activities[0].text.el: must be text",
        "programmes[0].id: must be at most 64 letters, digits, dots, dashes or underscores",
        "programmes: the identifier dup is used twice",
    ]
    for message in expected:
        assert message in messages, message


def test_catalogue_errors_are_translated_when_shown():
    from skillslab_xblock.support.i18n import BlockTranslator

    with pytest.raises(CatalogueError) as error:
        load_catalogue_text('{"format": "skillslab-catalogue", "version": 1, "programmes": []}')
    [message] = error.value.messages(BlockTranslator("el").gettext)
    assert message.startswith("programmes: ") and "κεν" in message


@pytest.mark.parametrize("text", ["", "[", "null", "[]", '"text"', b"\xff"])
def test_what_is_not_a_catalogue_object_is_refused_clearly(text):
    with pytest.raises(CatalogueError):
        load_catalogue_text(text)


def test_a_broken_taxonomy_is_refused():
    with pytest.raises(CatalogueError, match="cycles"):
        parse_taxonomy({"format": "skillslab-taxonomy", "cycles": [], "skill_categories": [], "skills": [],
                        "school_levels": []})
