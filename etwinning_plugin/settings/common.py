"""
Settings the plugin adds to every LMS and Studio settings type.

Each value is a default: an operator's own setting (Tutor patch, YAML) wins. Filter pipelines are
merged into ``OPEN_EDX_FILTERS_CONFIG``, never replacing what the platform or another plugin set.
"""

from copy import deepcopy
from pathlib import Path

DEFAULTS = {
    # Where Studio's activity editor finds the operator's programme catalogue (JSON, see
    # docs/catalogue-format.md); empty means the sample catalogue shipped with the package.
    "SKILLSLAB_CATALOGUE_FILE": "",
    # The tag the NSS asks teachers to put in an eTwinning project's title.
    "ETWINNING_PROJECT_TAG": "#SkillsLabs",
    # Reporting to the NSS (docs/nss-contract.md). The two secrets are generated per site by the
    # Tutor plugin; without them no record can be signed or pseudonymised.
    "ETWINNING_REPORTING_ENABLED": False,
    "ETWINNING_NSS_URL": "",
    "ETWINNING_NSS_SECRET": "",
    "ETWINNING_PSEUDONYM_KEY": "",
    "ETWINNING_BATCH_SIZE": 200,
    "ETWINNING_CONNECT_TIMEOUT": 5,
    "ETWINNING_READ_TIMEOUT": 30,
    # Seconds before the first retry (doubling up to six hours, with jitter), and the age after
    # which an undelivered record becomes a dead letter (three days).
    "ETWINNING_RETRY_BASE_DELAY": 30,
    "ETWINNING_MAX_RECORD_AGE": 3 * 24 * 3600,
    # Receivers store each platform event in one INSERT; a Celery worker records its facts and
    # outbox records, asked at most once per ETWINNING_WORKER_DELAY seconds. Without a worker, set
    # ETWINNING_RECORD_EVENTS_IN_WORKER to False: facts are then recorded right after the commit.
    "ETWINNING_RECORD_EVENTS_IN_WORKER": True,
    "ETWINNING_WORKER_DELAY": 5,
    # Days a recorded event's receipt is kept (to recognise the same event delivered again).
    "ETWINNING_EVENT_RETENTION_DAYS": 30,
    # Days a delivered record keeps its contents; then only its key, type, course and state remain.
    "ETWINNING_DELIVERED_RETENTION_DAYS": 90,
    # A survey's summary is sent again at most this often (seconds) while answers come in.
    "ETWINNING_SURVEY_SUMMARY_INTERVAL": 3600,
    # No summary of a survey is sent before it has this many responses (one or two people's
    # tallies are their answers).
    "ETWINNING_SURVEY_SUMMARY_MINIMUM": 5,
}

# openedx-filters pipeline steps this plugin adds, filter type → steps
FILTER_STEPS: dict[str, list[str]] = {
    "org.openedx.learning.instructor.dashboard.render.started.v1": [
        "etwinning_plugin.dashboard.AddCourseFiguresSection"],
    "org.openedx.learning.instructor.dashboard.tabs.requested.v1": [
        "etwinning_plugin.dashboard.AddCourseFiguresTab"],
}


def merge_filters_config(settings, filter_steps: dict[str, list[str]]) -> None:
    """Add our pipeline steps to OPEN_EDX_FILTERS_CONFIG without losing anyone else's."""
    config = deepcopy(getattr(settings, "OPEN_EDX_FILTERS_CONFIG", None) or {})
    for filter_type, steps in filter_steps.items():
        entry = config.setdefault(filter_type, {"fail_silently": True, "pipeline": []})
        pipeline = entry.setdefault("pipeline", [])
        for step in steps:
            if step not in pipeline:
                pipeline.append(step)
    settings.OPEN_EDX_FILTERS_CONFIG = config


TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def add_mako_templates(settings) -> None:
    """
    The legacy instructor dashboard includes a section's Mako template through the platform's Mako
    lookup, which only searches MAKO_TEMPLATE_DIRS_BASE (not app directories): add ours to it.
    """
    dirs = getattr(settings, "MAKO_TEMPLATE_DIRS_BASE", None)
    if dirs is not None and TEMPLATES_DIR not in dirs and str(TEMPLATES_DIR) not in dirs:
        dirs.append(TEMPLATES_DIR)


def plugin_settings(settings) -> None:
    for name, value in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, deepcopy(value))
    add_mako_templates(settings)
    # The activity block reads the catalogue path through the XBlock settings service.
    xblock_settings = getattr(settings, "XBLOCK_SETTINGS", None)
    if xblock_settings is None:
        xblock_settings = settings.XBLOCK_SETTINGS = {}
    bucket = xblock_settings.setdefault("SkillsLabActivityBlock", {})
    bucket.setdefault("catalogue_file", settings.SKILLSLAB_CATALOGUE_FILE)
    merge_filters_config(settings, FILTER_STEPS)
