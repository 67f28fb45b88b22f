"""
A property-based fuzz of every JSON handler of every block (Hypothesis): bodies generated from what
each handler accepts (its example below, with any value swapped for hostile JSON, keys dropped or
added) and from arbitrary JSON. Whatever comes, the handler never answers 5xx, and after every 4xx
nothing stored has changed: not the plugin's tables, not the learner's XBlock state.

The number of examples is bounded (``FUZZ_EXAMPLES``, 25 per handler unless the environment says
otherwise) and derandomised, so the suite stays fast and every run tries the same bodies.
"""

from __future__ import annotations

import json
import os

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbench.models import XBlockState

from tests.harness import CARDS, COMPLETE_WORKSHEET, make_partnership
from tests.xblock.test_hostile_bodies import BLOCKS, json_handlers

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
AUTHOR_HANDLERS = {"studio_submit", "load_catalogue"}

# Strings a hostile learner would try, besides Hypothesis's own text (lone surrogates included).
NASTY_TEXT = ["<script>alert(1)</script>", "</script><img src=x onerror=alert(1)>", "=HYPERLINK(\"http://x\")",
              "\ud800", "x\udfff", "²", "①", "٣", "0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00", ":99999",
              "[", "../../etc/passwd", "a" * 70_000, "\x00", "NaN", "true", "-1", "1e309"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2 ** 80, max_value=2 ** 80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=40),
    st.sampled_from(NASTY_TEXT),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)


def near(example: object) -> st.SearchStrategy:
    """Bodies close to ``example``: each value kept, swapped for hostile JSON, or (nested) mutated again."""
    if isinstance(example, dict):
        fields = {key: st.one_of(st.just(value), json_values, near(value)) for key, value in example.items()}
        return st.fixed_dictionaries({}, optional=fields) | st.fixed_dictionaries(
            fields, optional={"unexpected": json_values})
    if isinstance(example, list):
        return st.lists(st.one_of(*(near(item) for item in example)) if example else json_values, max_size=6)
    return st.one_of(st.just(example), json_values)


def examples(setup: dict) -> dict[str, dict]:
    """What each handler accepts, as its page would send it; ids are the scenario's real ones."""
    author = {"display_name": "Lab", "deadline": "2027-06-01T21:00"}
    return {
        ("skillslab_activity", "save_draft"): {"worksheet": COMPLETE_WORKSHEET, "base_version": 0},
        ("skillslab_activity", "submit"): {"worksheet": COMPLETE_WORKSHEET, "base_version": 0},
        ("skillslab_activity", "shared_state"): {"known_version": 0},
        ("skillslab_activity", "history"): {},
        ("skillslab_activity", "restore"): {"version": 1},
        ("skillslab_activity", "choose_activity"): {"activity": "b1-river-keepers/w1/a1"},
        ("skillslab_activity", "original"): {},
        ("skillslab_activity", "studio_submit"): {**author, "language": "en", "required_steps": ["goal"],
                                                  "weight": 1.0, "collaboration_mode": "shared"},
        ("skillslab_activity", "load_catalogue"): {"catalogue": json.dumps({"programmes": []})},
        ("etwinning_partners", "save_card"): {**CARDS["anna"]},
        ("etwinning_partners", "search"): {"school_level": "primary_upper", "cycle": "B", "sub_theme": "B1",
                                           "language": "en", "country": "PT", "page": 0},
        ("etwinning_partners", "current"): {"stamp": "0" * 16},
        ("etwinning_partners", "invite"): {"card": setup["eva_card"], "message": "Join us?"},
        ("etwinning_partners", "respond"): {"invitation": setup["invitation"], "accept": False},
        ("etwinning_partners", "withdraw"): {"invitation": setup["invitation"]},
        ("etwinning_partners", "leave"): {},
        ("etwinning_partners", "studio_submit"): {"display_name": "Partners", "max_schools": 6, "teamset_id": ""},
        ("etwinning_project_plan", "save_plan"): {"plan": {"title": "Rivers #SkillsLabs"}, "base_version": 0},
        ("etwinning_project_plan", "current_plan"): {},
        ("etwinning_project_plan", "history"): {},
        ("etwinning_project_plan", "restore"): {"version": 1},
        ("etwinning_project_plan", "rich_text"): {},
        ("etwinning_project_plan", "studio_submit"): {"display_name": "Plan", "required_sections": ["title"]},
        ("etwinning_survey", "submit"): {"answers": {"satisfaction": 5, "would_recommend": 4}, "comment": "",
                                         "share_with_nss": False},
        ("etwinning_survey", "studio_submit"): {**author, "items": "q1 | Ερώτηση | Question", "anonymous": False,
                                                "show_results": True, "results_minimum": 5},
        ("etwinning_registration", "save_registration"): {
            "profile_url": "https://school-education.ec.europa.eu/en/people/anna", "school_name": "S",
            "school_code": "1", "region": "", "teacher_registered_during_course": True,
            "school_registered_during_course": False, "consent_to_share_profile": True},
        ("etwinning_registration", "studio_submit"): {"display_name": "Registration"},
        ("etwinning_self_assessment", "submit"): {"answers": {
            "professional_engagement": 3, "digital_resources": 2, "teaching_learning": 4, "assessment": 1,
            "empowering_learners": 6, "learners_digital_competence": 5}},
        ("etwinning_self_assessment", "studio_submit"): {**author, "phase": "after", "assessment": "selfie",
                                                         "threshold": 3, "anonymous": True},
    }


def stored() -> dict[str, list]:
    """Everything the handlers could change: the plugin's rows and the workbench's XBlock state."""
    models = [*apps.get_app_config("etwinning_plugin").get_models(), XBlockState]
    return {model.__name__: sorted(repr(row) for row in model.objects.values_list()) for model in models}


def scenario_with_data(scenario_factory, block_type: str):
    """The block in a course where anna has a partnership, a pending invitation and saved work."""
    from etwinning_plugin import api

    scenario = scenario_factory(BLOCKS[block_type], block_type)
    make_partnership(scenario.course_key, "anna", "luis")
    eva = api.save_card(scenario.course_key, "eva", CARDS["eva"])
    api.invite(scenario.course_key, "eva", api.get_card(scenario.course_key, "anna").id, "", 6)
    invitation = api.invitations(scenario.course_key, "anna")[0][0].id
    return scenario, {"eva_card": eva.id, "invitation": invitation}


CASES = sorted((block_type, handler) for block_type, handler in examples({"eva_card": "", "invitation": ""}))


def test_every_json_handler_has_an_example_to_fuzz(scenario_factory):
    """A new handler cannot escape the fuzz: each one of each block has its example above."""
    for block_type in BLOCKS:
        scenario = scenario_factory(BLOCKS[block_type], block_type)
        missing = set(json_handlers(scenario.block("anna"))) - {h for b, h in CASES if b == block_type}
        assert not missing, (block_type, missing)


@pytest.mark.parametrize(("block_type", "handler"), CASES)
def test_no_generated_body_gets_a_5xx_and_no_refusal_changes_anything(scenario_factory, block_type, handler):
    scenario, setup = scenario_with_data(scenario_factory, block_type)
    example = examples(setup)[(block_type, handler)]
    student = "author" if handler in AUTHOR_HANDLERS else "anna"

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(body=near(example) | json_values, lang=st.sampled_from(["el", "en"]))
    def fuzz(body, lang):
        before = stored()
        result = scenario.post(handler, json.dumps(body), student=student, lang=lang, raw=True)
        assert result.status < 500, (handler, body, result.status)
        if result.status >= 400:
            assert result.error, (handler, body, result.status)
            assert stored() == before, (handler, body, result.status)

    fuzz()
