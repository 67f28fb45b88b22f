"""
The test settings on a real MariaDB server (tools/mariadb.sh), for the tests marked ``mariadb``:
row locks, isolation and concurrent connections behave as in production (MySQL/MariaDB).
"""

import os

from tests.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        # Processes the tests start (a Celery worker, the reference receiver) use the test database.
        "NAME": os.environ.get("SKILLSLAB_MARIADB_NAME", "skillslab"),
        "USER": "root",
        "PASSWORD": "",
        "OPTIONS": {"unix_socket": os.environ.get("SKILLSLAB_MARIADB_SOCKET", "var/mariadb/mysqld.sock"),
                    "charset": "utf8mb4"},
        "TEST": {"NAME": "test_skillslab", "CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
    }
}

# The reference receiver's faults, for a receiver process the tests start: "500,timeout,429,409".
if os.environ.get("NSS_RECEIVER_FAULTS"):
    NSS_RECEIVER_FAULTS = [f if f == "timeout" else int(f) for f in os.environ["NSS_RECEIVER_FAULTS"].split(",")]
NSS_RECEIVER_DELAY = float(os.environ.get("NSS_RECEIVER_DELAY", "0"))
ETWINNING_NSS_URL = os.environ.get("ETWINNING_NSS_URL", "")
ETWINNING_REPORTING_ENABLED = bool(ETWINNING_NSS_URL)  # the fault test's worker and receiver processes
ETWINNING_CLAIM_GRACE = float(os.environ.get("ETWINNING_CLAIM_GRACE", "30"))
ETWINNING_READ_TIMEOUT = float(os.environ.get("ETWINNING_READ_TIMEOUT", "30"))
ETWINNING_CONNECT_TIMEOUT = float(os.environ.get("ETWINNING_CONNECT_TIMEOUT", "5"))
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
ETWINNING_BATCH_SIZE = int(os.environ.get("ETWINNING_BATCH_SIZE", "200"))
ETWINNING_RETRY_BASE_DELAY = float(os.environ.get("ETWINNING_RETRY_BASE_DELAY", "30"))
NSS_RECEIVER_TIMEOUT_SLEEP = float(os.environ.get("NSS_RECEIVER_TIMEOUT_SLEEP", "3"))
