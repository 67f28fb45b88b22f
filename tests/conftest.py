import pytest

from skillslab_xblock.scenarios import activity_olx
from tests.workbench import WorkbenchScenario


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
