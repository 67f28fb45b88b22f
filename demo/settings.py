"""
Settings of the demo and of the tests: the XBlock SDK workbench with the bundle's blocks and the
plugin app installed, SQLite as the embedded database, Greek and English interfaces.
"""

import os
from pathlib import Path

from workbench.settings import *  # noqa: F401,F403 - the workbench's own settings are the base

from etwinning_plugin.settings import common as _plugin_common

REPO = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("SKILLSLAB_VAR_DIR", REPO / "var"))
VAR.mkdir(parents=True, exist_ok=True)

# Two partners' pages poll and save at once: SQLite must take its write lock when a transaction
# starts (IMMEDIATE) and wait for it (timeout), or a concurrent write fails with "database is locked".
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR / "demo.db"),
                         "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"}}}
LOGGING["handlers"]["logfile"]["filename"] = str(VAR / "workbench.log")  # noqa: F405
DJFS = {"type": "osfs", "directory_root": str(VAR / "djpyfs"), "url_root": "/static/djpyfs"}

INSTALLED_APPS = [*INSTALLED_APPS, "etwinning_plugin", "reference_receiver"]  # noqa: F405
ROOT_URLCONF = "demo.urls"

# The NSS's courses are in Greek; English for its European courses. ``?lang=el|en`` switches.
LANGUAGE_CODE = "el"
LANGUAGES = [("el", "Ελληνικά"), ("en", "English")]
TIME_ZONE = "Europe/Athens"
_locale_at = MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1  # noqa: F405
MIDDLEWARE = [
    *MIDDLEWARE[:_locale_at],  # noqa: F405
    "django.middleware.locale.LocaleMiddleware",
    "demo.middleware.language_from_query",
    "demo.middleware.one_handler_call_at_a_time",
    *MIDDLEWARE[_locale_at:],  # noqa: F405
    # What the LMS does around the plugin: ?student=<id> signs in on the plugin's pages, and a
    # student opening a scenario (a course, here) is enrolled through openedx-events.
    "demo.middleware.workbench_student_signs_in",
    "demo.middleware.workbench_student_enrols",
]
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], str(REPO / "demo" / "templates")]  # noqa: F405 - the front page

# Only the bundle's scenarios on the workbench's index (the SDK's samples and the benchmark's
# peer, xblock-poll, stay installed but out of sight).
EXCLUDED_XBLOCKS = {
    "allscopes_demo", "attempts_scoreboard_demo", "equality_demo", "filethumbs", "helloworld_demo",
    "html_demo", "problem_demo", "sidebar_demo", "slider_demo", "textinput_demo", "thumbs",
    "view_counter_demo", "poll", "survey",
}


class _ModuleSettings:
    """Lets the plugin's ``plugin_settings(settings)`` write into this module, as edx-platform does."""

    def __getattr__(self, name):
        try:
            return globals()[name]
        except KeyError as missing:
            raise AttributeError(name) from missing

    def __setattr__(self, name, value):
        globals()[name] = value


_plugin_common.plugin_settings(_ModuleSettings())

# The workbench's runtime builds the services named here; ours adds staff rights for ?student=staff…
WORKBENCH["services"]["user"] = "demo.services.DemoUserService"  # noqa: F405
# …and partners' changes show up within five seconds in the demo.
XBLOCK_SETTINGS.setdefault("SkillsLabActivityBlock", {})["poll_seconds"] = 5  # noqa: F405
XBLOCK_SETTINGS.setdefault("EtwinningProjectPlanBlock", {})["poll_seconds"] = 5  # noqa: F405

# Reporting in the demo goes to the reference NSS receiver mounted at /nss/ of this same server.
# The secrets here are the demo's own; a real site gets its own from the Tutor plugin.
ETWINNING_NSS_URL = os.environ.get("ETWINNING_NSS_URL", "http://127.0.0.1:8000/nss/records/")
ETWINNING_NSS_SECRET = NSS_RECEIVER_SECRET = "demo-signing-secret"
ETWINNING_PSEUDONYM_KEY = "demo-pseudonym-key"

# Deliver while learners work: the blocks' records go to a Celery worker (``./dev demo`` starts it)
# through a broker made of folders under var/, then to the receiver above.
ETWINNING_REPORTING_ENABLED = True
_BROKER = VAR / "broker"
for _folder in ("in", "processed", "control"):
    (_BROKER / _folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = "filesystem://"
# control_folder too: kombu's default is ./control, which left broker files in the working tree.
CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(_BROKER / "in"), "data_folder_out": str(_BROKER / "in"),
                                   "processed_folder": str(_BROKER / "processed"),
                                   "control_folder": str(_BROKER / "control")}
CELERY_TASK_IGNORE_RESULT = True
