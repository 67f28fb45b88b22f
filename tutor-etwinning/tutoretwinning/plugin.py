"""
The Tutor plugin of eTwinning Skills Labs for Open edX (``tutor plugins enable etwinning``).

What it does to a Tutor 22 deployment:

- the openedx image gets ``etwinning-skillslabs`` at this plugin's version (a Dockerfile patch after
  the platform's Python requirements; ``ETWINNING_PIP_REQUIREMENT`` may point elsewhere, such as a
  wheel or a fork);
- the LMS, Studio and their Celery workers (which run with the LMS and Studio settings) get the
  plugin's ``ETWINNING_*`` settings from Tutor's configuration;
- the two secrets (the NSS signing secret, the pseudonymisation key) are generated once, at the
  first ``tutor config save``, and kept in config.yml;
- the openedx-filters steps are merged into ``OPEN_EDX_FILTERS_CONFIG`` at the very end of the
  settings, so that no other plugin's patch can drop them, and nobody else's steps are lost.

No init task: the plugin app's migrations (including the NSS staff group) run with ``lms migrate``
in Tutor's own init. This module runs on the operator's host: it imports Tutor only, never the bundle.
"""

from __future__ import annotations

from importlib import resources

from tutor import hooks

from .__about__ import __version__

# Settings of etwinning_plugin (etwinning_plugin/settings/common.py) that operators set through Tutor,
# Tutor config key → (plugin setting, default). tests/tutor checks these names against the plugin's.
SETTINGS: dict[str, tuple[str, object]] = {
    "ETWINNING_REPORTING_ENABLED": ("ETWINNING_REPORTING_ENABLED", False),
    "ETWINNING_NSS_URL": ("ETWINNING_NSS_URL", ""),
    "ETWINNING_BATCH_SIZE": ("ETWINNING_BATCH_SIZE", 200),
    "ETWINNING_CONNECT_TIMEOUT": ("ETWINNING_CONNECT_TIMEOUT", 5),
    "ETWINNING_READ_TIMEOUT": ("ETWINNING_READ_TIMEOUT", 30),
    "ETWINNING_RETRY_BASE_DELAY": ("ETWINNING_RETRY_BASE_DELAY", 30),
    "ETWINNING_MAX_RECORD_AGE": ("ETWINNING_MAX_RECORD_AGE", 259200),  # three days
    "ETWINNING_SURVEY_SUMMARY_INTERVAL": ("ETWINNING_SURVEY_SUMMARY_INTERVAL", 3600),
    "ETWINNING_SURVEY_SUMMARY_MINIMUM": ("ETWINNING_SURVEY_SUMMARY_MINIMUM", 5),
    "ETWINNING_WORKER_DELAY": ("ETWINNING_WORKER_DELAY", 5),
    "ETWINNING_EVENT_RETENTION_DAYS": ("ETWINNING_EVENT_RETENTION_DAYS", 30),
    "ETWINNING_DELIVERED_RETENTION_DAYS": ("ETWINNING_DELIVERED_RETENTION_DAYS", 90),
    "ETWINNING_PROJECT_TAG": ("ETWINNING_PROJECT_TAG", "#SkillsLabs"),
    "ETWINNING_CATALOGUE_FILE": ("SKILLSLAB_CATALOGUE_FILE", ""),
}
# Generated once per site ({{ N|random_string }} is Tutor's), never printed by the plugin.
SECRETS: dict[str, tuple[str, str]] = {
    "ETWINNING_NSS_SECRET": ("ETWINNING_NSS_SECRET", "{{ 48|random_string }}"),
    "ETWINNING_PSEUDONYM_KEY": ("ETWINNING_PSEUDONYM_KEY", "{{ 48|random_string }}"),
}
# etwinning_plugin.settings.common.FILTER_STEPS, repeated here because this module cannot import the
# bundle (tests/tutor checks that the two agree).
FILTER_STEPS: dict[str, list[str]] = {
    "org.openedx.learning.instructor.dashboard.render.started.v1": [
        "etwinning_plugin.dashboard.AddCourseFiguresSection"],
    "org.openedx.learning.instructor.dashboard.tabs.requested.v1": [
        "etwinning_plugin.dashboard.AddCourseFiguresTab"],
}

hooks.Filters.CONFIG_DEFAULTS.add_items([
    ("ETWINNING_VERSION", __version__),
    ("ETWINNING_PIP_REQUIREMENT", "etwinning-skillslabs=={{ ETWINNING_VERSION }}"),
    *[(key, default) for key, (_setting, default) in SETTINGS.items()],
])
hooks.Filters.CONFIG_UNIQUE.add_items([(key, template) for key, (_setting, template) in SECRETS.items()])
hooks.Filters.ENV_TEMPLATE_VARIABLES.add_item(("etwinning_filter_steps", FILTER_STEPS))
# Values become Python literals in the settings files (a quote in a URL cannot break them).
hooks.Filters.ENV_TEMPLATE_FILTERS.add_item(("python_literal", repr))

# Patches: one file per patch in patches/, named after the Tutor patch it fills.
for patch in resources.files("tutoretwinning").joinpath("patches").iterdir():
    if patch.is_file():
        hooks.Filters.ENV_PATCHES.add_item((patch.name, patch.read_text(encoding="utf-8")))

# At the very end of the LMS's and Studio's settings (production and development), after every
# plugin's common patches: whatever another patch did to OPEN_EDX_FILTERS_CONFIG, ours are merged in.
FILTERS_MERGE = """\
# eTwinning Skills Labs: openedx-filters steps, merged into OPEN_EDX_FILTERS_CONFIG (never replacing it)
OPEN_EDX_FILTERS_CONFIG = globals().get("OPEN_EDX_FILTERS_CONFIG") or {}
for _etwinning_filter, _etwinning_steps in {{ etwinning_filter_steps|python_literal }}.items():
    _etwinning_entry = OPEN_EDX_FILTERS_CONFIG.setdefault(_etwinning_filter, {"fail_silently": True, "pipeline": []})
    _etwinning_pipeline = _etwinning_entry.setdefault("pipeline", [])
    for _etwinning_step in _etwinning_steps:
        if _etwinning_step not in _etwinning_pipeline:
            _etwinning_pipeline.append(_etwinning_step)
"""
for settings_patch in ("openedx-lms-production-settings", "openedx-lms-development-settings",
                       "openedx-cms-production-settings", "openedx-cms-development-settings"):
    hooks.Filters.ENV_PATCHES.add_item((settings_patch, FILTERS_MERGE))

# `tutor mounts add /path/to/etwinning-skillslabs` installs a checkout in development images.
hooks.Filters.MOUNTED_DIRECTORIES.add_item(("openedx", "etwinning-skillslabs"))
