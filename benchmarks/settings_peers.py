"""
Settings of benchmarks/bench_receivers.py: the tests' settings (SQLite, or MariaDB with
SKILLSLAB_MARIADB_SOCKET) plus openedx-webhooks, installed as edx-platform installs a plugin app.
DEBUG is False as in production: openedx-events then sends with ``send_robust``.
"""

import os

if os.environ.get("SKILLSLAB_MARIADB_SOCKET"):
    from tests.settings_mariadb import *  # noqa: F403
else:
    from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "openedx_webhooks"]  # noqa: F405
DEBUG = False
