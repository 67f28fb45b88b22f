"""Test settings: the common defaults; tests set what they need explicitly."""

from .common import plugin_settings as common_plugin_settings


def plugin_settings(settings) -> None:
    common_plugin_settings(settings)
