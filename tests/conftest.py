import pytest

from skillslab_xblock.scenarios import activity_olx
from tests.workbench import WorkbenchScenario


@pytest.fixture(scope="session", autouse=True)
def only_this_bundles_plugin_app():
    """
    The plugin apps found through the installed entry points, less the others installed for the tests
    (edx-completion is an LMS plugin app too, and its receivers and URLs need edx-platform's modules).
    """
    from edx_django_utils.plugins.registry import DjangoAppRegistry

    found = DjangoAppRegistry.get_available_plugins.__func__

    def ours(cls, project_type):
        plugins = found(cls, project_type)
        assert "etwinning_plugin" in plugins
        return {name: app for name, app in plugins.items() if name == "etwinning_plugin"}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DjangoAppRegistry, "get_available_plugins", classmethod(ours))
        yield


@pytest.fixture
def scenario_factory(db):
    made = []

    def make(xml: str, block_type: str = "skillslab_activity") -> WorkbenchScenario:
        scenario = WorkbenchScenario(xml, block_type)
        made.append(scenario)
        return scenario

    yield make
    for scenario in made:
        scenario.close()


@pytest.fixture
def activity(scenario_factory):
    """One activity from the sample catalogue, in English, every step required, ungraded."""
    return scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en"))


@pytest.fixture
def graded_activity(scenario_factory):
    return scenario_factory(activity_olx("b1-river-keepers", "w1", "a1", "en", weight="2.0"))


COMPLETE_WORKSHEET = {
    "partners": {"school_count": 3, "school_levels": ["primary_upper"], "countries": "Greece, Italy",
                 "roles": "Each school maps its own river; the Italian school builds the shared map."},
    "goal": {"shared_goal": "Pupils compare three rivers and propose one joint action.",
             "curriculum_link": "Geography (year 5), environmental education."},
    "collaboration": {"level": "joint_product", "how": "Mixed teams of pupils from all schools write each chapter."},
    "joint_product": {"description": "A shared e-book: Our three rivers."},
    "tools": {"tools": ["twinspace", "padlet"], "other_tools": "", "data_protection_checked": True},
    "twinspace": {"practices": ["page_per_workshop", "journal"], "details": ""},
    "evaluation": {"methods": ["pupil_self_assessment", "partner_survey"], "details": ""},
}


@pytest.fixture
def complete_worksheet():
    import copy

    return copy.deepcopy(COMPLETE_WORKSHEET)


CARDS = {
    "anna": {"teacher_name": "Anna", "school_name": "1st Primary School of Patras", "school_level": "primary_upper",
             "country": "GR", "region": "Achaia", "languages": ["el", "en"], "cycles": ["B"],
             "sub_themes": ["B1"], "message": "We love rivers.", "published": True},
    "luis": {"teacher_name": "Luís", "school_name": "Escola Básica de Braga", "school_level": "primary_upper",
             "country": "PT", "region": "", "languages": ["pt", "en"], "cycles": ["B"],
             "sub_themes": ["B1", "B3"], "message": "", "published": True},
    "eva": {"teacher_name": "Eva", "school_name": "Gymnázium Brno", "school_level": "lower_secondary",
            "country": "CZ", "region": "", "languages": ["cs", "en"], "cycles": ["D"],
            "sub_themes": ["D1"], "message": "", "published": True},
}


def make_partnership(course_key: str, *learners: str, max_size: int = 6):
    """Cards for each learner, then the first invites the others, who accept (through the api)."""
    from etwinning_plugin import api

    for learner in learners:
        api.save_card(course_key, learner, CARDS[learner])
    for learner in learners[1:]:
        card = api.get_card(course_key, learner)
        api.invite(course_key, learners[0], card.id, "", max_size)
        received, _sent = api.invitations(course_key, learner)
        api.respond(course_key, learner, received[0].id, accept=True, max_size=max_size)
    return api.partnership_of(course_key, learners[0])
