"""
The plugin app's registration with the Open edX platform.

Installing the package is enough: edx-platform finds this AppConfig through the ``lms.djangoapp``
and ``cms.djangoapp`` entry points (edx-django-utils' plugin framework) and reads ``plugin_app`` for
the URLs to mount and the settings modules to apply, per settings type.
"""

import importlib.util

from django.apps import AppConfig
from edx_django_utils.plugins.constants import PluginSettings, PluginSignals, PluginURLs

LMS = "lms.djangoapp"
# The retirement signal lives in edx-platform itself: connect to it only where it exists.
RETIREMENT_SIGNAL_AVAILABLE = importlib.util.find_spec("openedx.core.djangoapps.user_api") is not None \
    if importlib.util.find_spec("openedx") is not None else False
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

    def ready(self):
        # The Celery tasks, registered in every process (the LMS's web processes ask for them by name;
        # Celery's autodiscovery imports them only in workers).
        from . import (
            checks,  # noqa: F401, PLC0415 - registers the system checks of the reporting settings
            tasks,  # noqa: F401, PLC0415
        )

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
        # The platform connects these receivers of openedx-events at start-up (LMS only: the
        # events come from the learning side). Studio gets no entry at all: edx-django-utils imports
        # the module of every entry it finds, and one without a ``relative_path`` means
        # ``etwinning_plugin.signals``, which does not exist (Studio would not start).
        PluginSignals.CONFIG: {
            LMS: {PluginSignals.RELATIVE_PATH: "receivers", PluginSignals.RECEIVERS: [
                {PluginSignals.RECEIVER_FUNC_NAME: "retire_learner",
                 PluginSignals.SIGNAL_PATH: "openedx.core.djangoapps.user_api.accounts.signals.USER_RETIRE_LMS_MISC",
                 PluginSignals.DISPATCH_UID: "etwinning_plugin.user_retire_lms_misc"},
            ] * RETIREMENT_SIGNAL_AVAILABLE + [
                {PluginSignals.RECEIVER_FUNC_NAME: function,
                 PluginSignals.SIGNAL_PATH: f"openedx_events.learning.signals.{signal}",
                 PluginSignals.DISPATCH_UID: f"etwinning_plugin.{signal.lower()}"}
                for signal, function in (
                    ("COURSE_ENROLLMENT_CREATED", "record_enrollment"),
                    ("COURSE_ENROLLMENT_CHANGED", "record_enrollment"),
                    ("COURSE_UNENROLLMENT_COMPLETED", "record_unenrollment"),
                    ("COURSE_PASSING_STATUS_UPDATED", "record_passing_status"),
                    ("CERTIFICATE_CREATED", "record_certificate"),
                    ("CERTIFICATE_CHANGED", "record_certificate"),
                    ("CERTIFICATE_REVOKED", "record_certificate"),
                    ("PERSISTENT_GRADE_SUMMARY_CHANGED", "record_grade_summary"),
                )
            ]},
        },
    }
