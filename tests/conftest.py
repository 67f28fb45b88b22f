import pytest

from skillslab_xblock.scenarios import activity_olx
from tests.harness import COMPLETE_WORKSHEET, WorkbenchScenario, only_plugin_apps


@pytest.fixture(scope="session", autouse=True)
def only_this_bundles_plugin_app():
    """Only etwinning_plugin among the installed plugin apps (see ``only_plugin_apps``)."""
    with only_plugin_apps("etwinning_plugin"):
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


@pytest.fixture
def complete_worksheet():
    import copy

    return copy.deepcopy(COMPLETE_WORKSHEET)


