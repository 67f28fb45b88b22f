"""
The demo served as a site is (``./dev serve start``, tools/serve.sh): the same workbench, blocks and
plugin as ``demo.settings``, with what production changes. DEBUG off; MariaDB instead of SQLite;
Redis as Celery's broker and as the cache every process shares (the plugin's throttles are cache
``add``s: in one process's memory they would not throttle the others); a real Celery worker; several
gunicorn processes.

The demo's in-process lock on handler calls (``demo.middleware.one_handler_call_at_a_time``) does
not hold across processes. Here two things replace it (``demo.production``): a unique index on the
workbench's ``XBlockState`` rows, so that two first calls at once cannot make two rows for one
learner and block, and a MariaDB named lock per learner and block around each handler call, so that
two calls of one learner on one block never overwrite each other's fields in that row. Calls of
different learners, or on different blocks, run in parallel.

Everything lives under ``var/serve`` (or ``$SKILLSLAB_VAR_DIR``); the ports are ``$SKILLSLAB_SERVE_*``.
"""

import os
from pathlib import Path

os.environ.setdefault("SKILLSLAB_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "serve"))

from demo.settings import *  # noqa: E402,F403

SERVE_ADDRESS = os.environ.get("SKILLSLAB_SERVE_ADDRESS", "127.0.0.1:8010")
_REDIS = f"redis://127.0.0.1:{os.environ.get('SKILLSLAB_SERVE_REDIS_PORT', '6390')}"

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "skillslab",
        "USER": "root",
        "PASSWORD": "",
        "OPTIONS": {"unix_socket": str(VAR / "mariadb" / "mysqld.sock"), "charset": "utf8mb4"},  # noqa: F405
        "CONN_MAX_AGE": 300,  # each gunicorn worker keeps its connection between requests
        "CONN_HEALTH_CHECKS": True,
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"{_REDIS}/0"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"

CELERY_BROKER_URL = f"{_REDIS}/1"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_IGNORE_RESULT = True

# The in-process lock gives way to the database's guarantees (see the docstring).
MIDDLEWARE = [  # noqa: F405
    "demo.production.one_call_per_learner_and_block" if name == "demo.middleware.one_handler_call_at_a_time"
    else name for name in MIDDLEWARE  # noqa: F405
]

# Static files: collected once (tools/serve.sh) and served by Django itself, as a web server in front
# would serve them on a real site; the blocks' own resources come through the workbench's view.
STATIC_ROOT = str(VAR / "static")  # noqa: F405
ROOT_URLCONF = "demo.urls_production"

# The reference NSS receiver of this same server.
ETWINNING_NSS_URL = os.environ.get("ETWINNING_NSS_URL", f"http://{SERVE_ADDRESS}/nss/records/")

# Warnings and errors only: the workbench logs two lines per request at INFO.
LOGGING["handlers"]["logfile"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["django"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["django.request"]["level"] = "WARNING"  # noqa: F405
LOGGING["handlers"]["logfile"]["maxBytes"] = 5_000_000  # noqa: F405
