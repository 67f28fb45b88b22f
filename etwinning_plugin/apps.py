"""
The plugin app's registration with the Open edX platform.

Installing the package is enough: edx-platform finds this AppConfig through the ``lms.djangoapp``
and ``cms.djangoapp`` entry points (edx-django-utils' plugin framework) and reads ``plugin_app`` for
the URLs to mount and the settings modules to apply, per settings type.
"""

from django.apps import AppConfig
from edx_django_utils.plugins.constants import PluginSettings, PluginSignals, PluginURLs

LMS = "lms.djangoapp"
CMS = "cms.djangoapp"
_SETTINGS = {
    "common": {PluginSettings.RELATIVE_PATH: "settings.common"},
    "production": {PluginSettings.RELATIVE_PATH: "settings.production"},
    "test": {PluginSettings.RELATIVE_PATH: "settings.test"},
}


class EtwinningPluginConfig(AppConfig):
    name = "etwinning_plugin"
    label = "etwinning_plugin"
    verbose_name = "eTwinning Skills Labs"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        PluginURLs.CONFIG: {
            LMS: {
                PluginURLs.NAMESPACE: "etwinning",
                PluginURLs.REGEX: r"^etwinning/",
                PluginURLs.RELATIVE_PATH: "urls",
            },
            CMS: {
                PluginURLs.NAMESPACE: "etwinning",
                PluginURLs.REGEX: r"^etwinning/",
                PluginURLs.RELATIVE_PATH: "urls",
            },
        },
        PluginSettings.CONFIG: {LMS: _SETTINGS, CMS: _SETTINGS},
        # Receivers for openedx-events are connected here once the plugin records platform events.
        PluginSignals.CONFIG: {LMS: {PluginSignals.RECEIVERS: []}, CMS: {PluginSignals.RECEIVERS: []}},
    }
