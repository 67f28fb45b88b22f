"""The plugin app's registration with the platform, and its settings."""

from importlib.metadata import entry_points
from types import SimpleNamespace

from django.apps import apps

from etwinning_plugin.apps import EtwinningPluginConfig
from etwinning_plugin.settings import common, production


def test_the_distribution_registers_the_block_and_the_plugin_app():
    assert "skillslab_xblock.activity:SkillsLabActivityBlock" in \
        {ep.value for ep in entry_points(group="xblock.v1", name="skillslab_activity")}
    for group in ("lms.djangoapp", "cms.djangoapp"):
        assert {ep.value for ep in entry_points(group=group, name="etwinning_plugin")} == \
            {"etwinning_plugin.apps:EtwinningPluginConfig"}


def test_plugin_app_mounts_urls_and_settings_in_lms_and_studio():
    config = EtwinningPluginConfig.plugin_app
    for project in ("lms.djangoapp", "cms.djangoapp"):
        assert config["url_config"][project]["namespace"] == "etwinning"
        assert set(config["settings_config"][project]) == {"common", "production", "test"}
    assert apps.get_app_config("etwinning_plugin").verbose_name == "eTwinning Skills Labs"


def test_the_platforms_plugin_framework_applies_our_settings(monkeypatch):
    """
    edx-django-utils' ``add_plugins(settings_path, project_type, settings_type)`` finds our AppConfig
    through the installed entry point and calls our ``plugin_settings`` with the settings module.
    """
    import sys
    import types

    from edx_django_utils.plugins.plugin_settings import add_plugins

    for project, settings_type in (("lms.djangoapp", "common"), ("cms.djangoapp", "production")):
        platform = types.ModuleType(f"fake_{project.split('.')[0]}_settings")
        platform.OPEN_EDX_FILTERS_CONFIG = {"org.openedx.x.v1": {"pipeline": ["theirs.Step"]}}
        platform.XBLOCK_SETTINGS = {}
        platform.ENV_TOKENS = {}
        monkeypatch.setitem(sys.modules, platform.__name__, platform)
        if settings_type == "production":
            add_plugins(platform.__name__, project, "common")
        add_plugins(platform.__name__, project, settings_type)
        assert platform.ETWINNING_PROJECT_TAG == "#SkillsLabs"
        assert platform.XBLOCK_SETTINGS["SkillsLabActivityBlock"] == {"catalogue_file": ""}
        # theirs kept; ours added (the instructor dashboard's figures)
        assert platform.OPEN_EDX_FILTERS_CONFIG["org.openedx.x.v1"] == {"pipeline": ["theirs.Step"]}
        assert platform.OPEN_EDX_FILTERS_CONFIG["org.openedx.learning.instructor.dashboard.tabs.requested.v1"][
            "pipeline"] == ["etwinning_plugin.dashboard.AddCourseFiguresTab"]


def test_filter_steps_are_merged_never_replacing_others():
    platform = SimpleNamespace(OPEN_EDX_FILTERS_CONFIG={
        "org.openedx.learning.instructor.dashboard.render.started.v1": {"fail_silently": False,
                                                                         "pipeline": ["other.plugin.Step"]}})
    common.merge_filters_config(platform, {
        "org.openedx.learning.instructor.dashboard.render.started.v1": ["etwinning_plugin.Step"],
        "org.openedx.learning.course.enrollment.started.v1": ["etwinning_plugin.Other"],
    })
    common.merge_filters_config(platform, {  # applying twice adds nothing twice
        "org.openedx.learning.instructor.dashboard.render.started.v1": ["etwinning_plugin.Step"]})
    dashboard = platform.OPEN_EDX_FILTERS_CONFIG["org.openedx.learning.instructor.dashboard.render.started.v1"]
    assert dashboard == {"fail_silently": False, "pipeline": ["other.plugin.Step", "etwinning_plugin.Step"]}
    assert platform.OPEN_EDX_FILTERS_CONFIG["org.openedx.learning.course.enrollment.started.v1"]["pipeline"] == \
        ["etwinning_plugin.Other"]


def test_production_settings_take_the_operators_values():
    platform = SimpleNamespace(ENV_TOKENS={"SKILLSLAB_CATALOGUE_FILE": "/openedx/data/catalogue.json",
                                           "ETWINNING_PROJECT_TAG": "#SkillsLabs2027"})
    common.plugin_settings(platform)
    production.plugin_settings(platform)
    assert platform.ETWINNING_PROJECT_TAG == "#SkillsLabs2027"
    assert platform.XBLOCK_SETTINGS["SkillsLabActivityBlock"]["catalogue_file"] == "/openedx/data/catalogue.json"


def test_the_taxonomy_endpoint_answers_in_the_asked_language(client):
    greek = client.get("/etwinning/api/v1/taxonomy/", {"lang": "el"}).json()
    assert greek["language"] == "el"
    assert greek["cycles"][0]["title"] == "Ζω καλύτερα – Ευ Ζην"
    english = client.get("/etwinning/api/v1/taxonomy/", {"lang": "en"}).json()
    assert english["cycles"][3]["sub_themes"][0] == {"code": "D1", "title": "STEM, educational robotics"}
    assert client.post("/etwinning/api/v1/taxonomy/").status_code == 405
