"""
The steps of Tutor 22's image build and init jobs that touch the bundle, as far as they run without
edx-platform (overhangio/tutor, branch verawood, tutor/templates/build/openedx/Dockerfile and
tutor/templates/jobs/init/{lms,cms}.sh):

1. ``$PIP_COMMAND install '{{ extra_requirements }}'``: the wheel (tests/test_packaging.py builds it
   and checks its contents; tests/platform/test_release_pins.py checks it moves no pin);
2. ``./manage.py lms|cms --settings=tutor.i18n compile_xblock_translations``: Django starts with the
   plugin for the LMS and Studio (tests/platform/test_startup.py), then the command loads every XBlock
   class; the LMS reads our Greek from the package (below);
3. ``./manage.py lms|cms collectstatic --noinput --settings=tutor.assets``: the XBlock finder collects
   the package's files, and every URL the blocks hand out must be among them (below);
4. ``./manage.py lms migrate`` / ``cms migrate`` (init jobs): the migrations describe the models (below).
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from xblock.core import XBlock

from tests.test_packaging import ROOT, built_wheel

from .conftest import BLOCK_OLX, BLOCK_TYPES
from .runtime import PlatformI18nService, lms_runtime

PACKAGE = "skillslab_xblock"


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory) -> set[str]:
    return built_wheel(ROOT, tmp_path_factory.mktemp("wheel"))


def collected_static_files(wheel_files: set[str]) -> set[str]:
    """
    openedx/core/lib/xblock_pipeline/finder.py ``XBlockPipelineFinder``: one ``XBlockPackageStorage``
    per ``(xblock_resource_pkg(xblock_class), xblock_class.get_resources_dir())`` over
    ``XBlock.load_classes()``, listing the package's files but ``.py``, ``.pyc`` and ``.scss``, each
    collected under ``xblock/resources/<package>/``. ``xblock_resource_pkg`` is the class's module less
    its last part (openedx/core/lib/xblock_utils).
    """
    storages = {(cls.__module__.rsplit(".", 1)[0], cls.get_resources_dir())
                for _name, cls in XBlock.load_classes() if cls.__module__.startswith(PACKAGE + ".")}
    assert storages == {(PACKAGE, "")}
    collected = set()
    for name in wheel_files:
        if name.startswith(PACKAGE + "/") and not name.endswith((".py", ".pyc", ".scss")):
            collected.add(f"xblock/resources/{PACKAGE}/{name[len(PACKAGE) + 1:]}")
    return collected


def resource_urls(fragment) -> set[str]:
    return {resource.data for resource in fragment.resources if resource.kind == "url"}


@pytest.mark.parametrize("block_type", BLOCK_TYPES)
def test_collectstatic_collects_every_file_the_blocks_ask_for(course, people, wheel_files, block_type):
    collected = collected_static_files(wheel_files)
    usage_id = course.import_olx(BLOCK_OLX[block_type])
    for language in ("el", "en"):
        with translation.override(language):
            runtime = lms_runtime(course, people["anna"], language=language)
            block = runtime.load(usage_id, people["anna"].id)
            urls = resource_urls(block.render("student_view", {})) | resource_urls(block.render("studio_view", {}))
        assert urls, "each view loads its translations' script"
        for url in urls:
            # runtime.local_resource_url: staticfiles_storage.url('xblock/resources/{package}/{path}')
            assert url.removeprefix("/static/") in collected, url


def test_the_xblock_classes_load_for_the_translation_commands():
    """
    common/djangoapps/xblock_django/translation.py ``compile_xblock_js_messages``: for each installed
    XBlock class (``get_non_xmodule_xblocks``), ``i18n_js_namespace = xblock_class.get_i18n_js_namespace()``;
    a block without one gets no catalogue from the platform: ours ship their own (public/js/translations).
    """
    ours = {name: cls for name, cls in XBlock.load_classes() if cls.__module__.startswith(PACKAGE + ".")}
    assert set(ours) == set(BLOCK_TYPES)
    assert {cls.get_i18n_js_namespace() for cls in ours.values()} == {None}


def test_the_lms_finds_the_greek_shipped_in_the_wheel(course, people, wheel_files):
    """
    xmodule/modulestore/django.py ``XBlockI18nService.get_python_locale``: without OEP-58 translations
    pulled for the package, ``<package>/translations/<locale>/LC_MESSAGES/text.mo`` (domain ``text``).
    Only the ``.mo`` is read and the build compiles none of ours: it must be in the wheel.
    """
    assert {f"{PACKAGE}/translations/el/LC_MESSAGES/text.mo", f"{PACKAGE}/translations/en/LC_MESSAGES/text.mo",
            f"{PACKAGE}/public/js/translations/el/text.js"} <= wheel_files
    usage_id = course.import_olx(BLOCK_OLX["etwinning_survey"])
    with translation.override("el"):
        block = lms_runtime(course, people["anna"], language="el").load(usage_id, people["anna"].id)
        service = block.runtime.service(block, "i18n")
        assert isinstance(service, PlatformI18nService)
        assert service.gettext("Strongly agree") == "Συμφωνώ απόλυτα"
        assert "Συμφωνώ απόλυτα" in block.render("student_view", {}).body_html()


def test_the_migrations_describe_the_models(db):
    """``./manage.py lms migrate`` and ``cms migrate`` (Tutor's init jobs) create exactly what the code uses."""
    out = io.StringIO()
    call_command("makemigrations", "etwinning_plugin", "--check", "--dry-run", stdout=out)
    assert re.search(r"No changes detected", out.getvalue())
