"""Chromium (the machine's Debian package) driven by Playwright against the live workbench."""

import os
import shutil

import pytest

# Playwright runs its own event loop in this thread; Django's async-safety check would refuse the
# live server's database access from the test thread otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(autouse=True)
def shared_cache(settings, tmp_path):
    """
    A cache every process would share, as a site's Redis is: the change feed is on (with the
    tests' local-memory cache it is off, and pages poll each block's handler; ``local_cache``).
    """
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache"), "TIMEOUT": None}}


@pytest.fixture
def local_cache(settings):
    """The process's own memory as the cache: the change feed is off, each block polls its handler."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Chromium is not installed: ./dev test installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def step(transactional_db, settings):
    """A shared worksheet step of Anna and Luís, partners already, whose pages poll every second."""
    from skillslab_xblock.scenarios import activity_olx
    from tests.harness import WorkbenchScenario, make_partnership

    settings.XBLOCK_SETTINGS = {**settings.XBLOCK_SETTINGS, "SkillsLabActivityBlock": {"poll_seconds": 1}}
    made = WorkbenchScenario(activity_olx("b1-river-keepers", "w1", "a1", "en", collaboration_mode="shared"))
    make_partnership(made.course_key, "anna", "luis")
    yield made
    made.close()
