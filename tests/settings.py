"""Test settings: the demo's workbench configuration (plugin settings applied) with throwaway state."""

import os
import tempfile

os.environ.setdefault("SKILLSLAB_VAR_DIR", tempfile.mkdtemp(prefix="skillslab-test-"))

from demo.settings import *  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
