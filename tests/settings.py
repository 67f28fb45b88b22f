"""Test settings: the demo's workbench configuration (plugin settings applied) with throwaway state."""

import os
import tempfile

os.environ.setdefault("SKILLSLAB_VAR_DIR", tempfile.mkdtemp(prefix="skillslab-test-"))

from demo.settings import *  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A database file rather than memory: the browser tests' live server answers requests in threads, and
# Django shares one connection between them for an in-memory SQLite database, which concurrent
# requests (two learners' pages checking for changes) corrupt. With a file each thread has its own.
DATABASES["default"]["TEST"] = {"NAME": str(VAR / "test.db")}  # noqa: F405
DATABASES["default"]["OPTIONS"] = {"timeout": 20}  # noqa: F405

# Reporting secrets for the tests (never these values anywhere else).
ETWINNING_NSS_SECRET = NSS_RECEIVER_SECRET = "test-signing-secret"
ETWINNING_PSEUDONYM_KEY = "test-pseudonym-key"

# The demo delivers through a Celery worker; the tests deliver explicitly (tests/reporting).
ETWINNING_REPORTING_ENABLED = False
