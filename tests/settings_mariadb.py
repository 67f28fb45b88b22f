"""
The test settings on a real MariaDB server (tools/mariadb.sh), for the tests marked ``mariadb``:
row locks, isolation and concurrent connections behave as in production (MySQL/MariaDB).
"""

import os

from tests.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "skillslab",
        "USER": "root",
        "PASSWORD": "",
        "OPTIONS": {"unix_socket": os.environ.get("SKILLSLAB_MARIADB_SOCKET", "var/mariadb/mysqld.sock"),
                    "charset": "utf8mb4"},
        "TEST": {"NAME": "test_skillslab", "CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
    }
}
