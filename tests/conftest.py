import pytest

from skillslab_xblock.scenarios import activity_olx
from tests.harness import COMPLETE_WORKSHEET, WorkbenchScenario


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


@pytest.fixture
def complete_worksheet():
    import copy

    return copy.deepcopy(COMPLETE_WORKSHEET)


