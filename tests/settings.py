"""Test settings: the demo's workbench configuration (plugin settings applied) with throwaway state."""

import os
import tempfile

os.environ.setdefault("SKILLSLAB_VAR_DIR", tempfile.mkdtemp(prefix="skillslab-test-"))

from demo.settings import *  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The platform's own completion store (edx-completion, at the release's pin) and the waffle switch
# it is gated by, for tests/platform: completion events land where the LMS stores them.
INSTALLED_APPS = [*INSTALLED_APPS, "waffle", "eventtracking.django.apps.EventTrackingConfig", "completion",  # noqa: F405
                  "edx_ace"]

# edx-ace as the LMS configures it for e-mail (the channel sends through Django's mail; the tests'
# mail backend keeps what was sent in django.core.mail.outbox)
ACE_ENABLED_CHANNELS = ["django_email"]
ACE_CHANNEL_DEFAULT_EMAIL = "django_email"
ACE_CHANNEL_TRANSACTIONAL_EMAIL = "django_email"
DEFAULT_FROM_EMAIL = "etwinning@mooc.test"
PLATFORM_NAME = "eTwinning MOOC"
LMS_ROOT_URL = "https://mooc.etwinning.test"
EVENT_TRACKING_ENABLED = True  # completion writes to the tracking log, as in the LMS ...
EVENT_TRACKING_BACKENDS = {}  # ... which goes nowhere here

# A database file rather than memory: the browser tests' live server answers requests in threads, and
# Django shares one connection between them for an in-memory SQLite database, which concurrent
# requests (two learners' pages checking for changes) corrupt. With a file each thread has its own.
DATABASES["default"]["TEST"] = {"NAME": str(VAR / "test.db")}  # noqa: F405
DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}  # noqa: F405

# Reporting secrets for the tests (never these values anywhere else).
ETWINNING_NSS_SECRET = NSS_RECEIVER_SECRET = "test-signing-secret"
ETWINNING_PSEUDONYM_KEY = "test-pseudonym-key"

# The demo delivers through a Celery worker; the tests deliver explicitly (tests/reporting).
ETWINNING_REPORTING_ENABLED = False
# No worker either: events are recorded right after each commit, in the test process (the Celery
# path is exercised by tests/concurrency with a real worker and broker).
ETWINNING_RECORD_EVENTS_IN_WORKER = False

# JWT authentication as the LMS configures it (asymmetric keys: the LMS signs with its private JWK,
# services verify with the public set), with a key pair made for this test run.
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from jwt.algorithms import RSAAlgorithm  # noqa: E402

_jwt_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWT_PRIVATE_SIGNING_JWK = RSAAlgorithm.to_jwk(_jwt_key)
JWT_AUTH = {
    "JWT_ISSUERS": [{"ISSUER": "http://lms.test/oauth2", "AUDIENCE": "lms-key", "SECRET_KEY": "lms-secret"}],
    "JWT_ISSUER": "http://lms.test/oauth2",
    "JWT_AUDIENCE": "lms-key",
    "JWT_SECRET_KEY": "lms-secret",
    "JWT_ALGORITHM": "HS256",
    "JWT_SIGNING_ALGORITHM": "RS512",
    "JWT_PUBLIC_SIGNING_JWK_SET": '{"keys": [%s]}' % RSAAlgorithm.to_jwk(_jwt_key.public_key()),  # noqa: UP031
    "JWT_AUTH_COOKIE": "edx-jwt-cookie",
    "JWT_AUTH_HEADER_PREFIX": "JWT",
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_DECODE_HANDLER": "edx_rest_framework_extensions.auth.jwt.decoder.jwt_decode_handler",
}

# The Celery app of tests/celery_app.py, in this process: an in-memory broker unless a test gives one.
CELERY_BROKER_URL = "memory://"
