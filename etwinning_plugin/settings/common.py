"""
Settings the plugin adds to every LMS and Studio settings type.

Each value is a default: an operator's own setting (Tutor patch, YAML) wins. Filter pipelines are
merged into ``OPEN_EDX_FILTERS_CONFIG``, never replacing what the platform or another plugin set.
"""

from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One of the plugin's Django settings: its default, what it does, and its Tutor config key, if Tutor sets it."""

    default: Any
    doc: str
    tutor_key: str | None = None


# Every setting the packages read, the one place each is declared; docs/operators.md lists them and
# the Tutor plugin sets those with a Tutor key (tests/plugin/test_settings_declared.py checks both).
SETTINGS: dict[str, Setting] = {
    "ETWINNING_REPORTING_ENABLED": Setting(
        False, "deliver records to the NSS (facts and figures are kept either way)", "ETWINNING_REPORTING_ENABLED"),
    "ETWINNING_NSS_URL": Setting(
        "", "the NSS's HTTPS endpoint for batches (docs/nss-contract.md)", "ETWINNING_NSS_URL"),
    # The two secrets are generated per site by the Tutor plugin; without them no record can be
    # signed or pseudonymised, and facts are kept but nothing is queued.
    "ETWINNING_NSS_SECRET": Setting("", "the HMAC-SHA256 signing secret shared with the NSS", "ETWINNING_NSS_SECRET"),
    "ETWINNING_PSEUDONYM_KEY": Setting(
        "", "the key of learners' pseudonyms; never leaves the platform; never change it", "ETWINNING_PSEUDONYM_KEY"),
    "ETWINNING_BATCH_SIZE": Setting(200, "records per request", "ETWINNING_BATCH_SIZE"),
    "ETWINNING_CONNECT_TIMEOUT": Setting(5, "seconds to connect to the NSS", "ETWINNING_CONNECT_TIMEOUT"),
    "ETWINNING_READ_TIMEOUT": Setting(30, "seconds to wait for the NSS's answer", "ETWINNING_READ_TIMEOUT"),
    "ETWINNING_CLAIM_GRACE": Setting(
        30, "seconds, beyond the two timeouts, before a batch a crashed worker had claimed is sent again"),
    "ETWINNING_RETRY_BASE_DELAY": Setting(
        30, "seconds before the first retry; doubles per failed probe up to ETWINNING_OUTAGE_PROBE_MAX, with jitter",
        "ETWINNING_RETRY_BASE_DELAY"),
    "ETWINNING_OUTAGE_PROBE_MAX": Setting(
        300, "seconds at most between two probes of an NSS that is not answering (one record each)"),
    "ETWINNING_MAX_RECORD_AGE": Setting(
        3 * 24 * 3600, "seconds (three days) after which an undelivered record becomes a dead letter",
        "ETWINNING_MAX_RECORD_AGE"),
    "ETWINNING_SURVEY_SUMMARY_INTERVAL": Setting(
        3600, "a survey's summary is sent at most this often (seconds) while answers come in",
        "ETWINNING_SURVEY_SUMMARY_INTERVAL"),
    "ETWINNING_SURVEY_SUMMARY_MINIMUM": Setting(
        5, "no summary of a survey is sent before it has this many responses (fewer would be a person's answers)",
        "ETWINNING_SURVEY_SUMMARY_MINIMUM"),
    # Receivers store each platform event in one INSERT; a Celery worker records its facts and
    # outbox records, asked at most once per ETWINNING_WORKER_DELAY seconds.
    "ETWINNING_SITE_SUMMARY_INTERVAL": Setting(
        86400, "seconds at most between two site_summary records of the current school year (the NSS's year figures)"),
    "ETWINNING_RECORD_EVENTS_IN_WORKER": Setting(
        True, "a Celery worker records the platform's events; False (no worker): right after each commit"),
    "ETWINNING_WORKER_DELAY": Setting(
        5, "seconds a burst of platform events is gathered before a worker records it", "ETWINNING_WORKER_DELAY"),
    "ETWINNING_EVENT_RETENTION_DAYS": Setting(
        30, "days a recorded platform event's receipt is kept, to recognise the same event sent again",
        "ETWINNING_EVENT_RETENTION_DAYS"),
    "ETWINNING_DELIVERED_RETENTION_DAYS": Setting(
        90, "days a delivered record keeps its contents; then only its key, type, course, state and times "
            "remain, so that nothing is sent twice", "ETWINNING_DELIVERED_RETENTION_DAYS"),
    "ETWINNING_PROJECT_TAG": Setting(
        "#SkillsLabs", "the tag the project plan asks teachers to put in their project's title",
        "ETWINNING_PROJECT_TAG"),
    "ETWINNING_COURSE_STAFF_CHECK": Setting(
        "etwinning_plugin.rest_api.permissions.platform_course_staff",
        "the function (dotted path) that says whether a user is a course's staff, for the figures"),
    "SKILLSLAB_CATALOGUE_FILE": Setting(
        "", "a programme catalogue (JSON, docs/catalogue-format.md) for Studio's activity editor; empty: the "
            "sample one", "ETWINNING_CATALOGUE_FILE"),
}
DEFAULTS = {name: setting.default for name, setting in SETTINGS.items()}

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
