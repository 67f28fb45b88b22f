"""Production settings: the operator's ENV_TOKENS (Tutor's YAML) override the defaults."""

from .common import DEFAULTS, FILTER_STEPS, merge_filters_config


def plugin_settings(settings) -> None:
    env_tokens = getattr(settings, "ENV_TOKENS", {}) or {}
    for name in DEFAULTS:
        if name in env_tokens:
            setattr(settings, name, env_tokens[name])
    if getattr(settings, "SKILLSLAB_CATALOGUE_FILE", ""):
        settings.XBLOCK_SETTINGS.setdefault("SkillsLabActivityBlock", {})["catalogue_file"] = \
            settings.SKILLSLAB_CATALOGUE_FILE
    # Production settings may have replaced OPEN_EDX_FILTERS_CONFIG from YAML: merge again.
    merge_filters_config(settings, FILTER_STEPS)
