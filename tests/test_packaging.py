"""
The distributions as an operator's image installs them (a built wheel, not this checkout): every
file the code reads at run time is inside. Built offline with the environment's setuptools.
"""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def built_wheel(source: Path, out: Path) -> set[str]:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(source)], check=True, capture_output=True)
    [wheel] = out.glob("*.whl")
    return set(zipfile.ZipFile(wheel).namelist())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> set[str]:
    return built_wheel(ROOT, tmp_path_factory.mktemp("wheel"))


def test_the_bundle_ships_what_it_reads_at_run_time(bundle):
    expected = [
        *[str(p.relative_to(ROOT)) for p in (ROOT / "etwinning_plugin" / "delivery" / "schemas").glob("*.json")],
        *[str(p.relative_to(ROOT)) for p in (ROOT / "etwinning_plugin" / "templates").rglob("*.html")],
        "etwinning_plugin/locale/el/LC_MESSAGES/django.mo",
        "etwinning_plugin/migrations/0001_initial.py",
        "skillslab_xblock/translations/el/LC_MESSAGES/text.mo",
        "skillslab_xblock/public/js/translations/el/text.js",
        "skillslab_xblock/domain/data/taxonomy.json",
        *[str(p.relative_to(ROOT)) for p in (ROOT / "skillslab_xblock" / "templates").rglob("*.html")],
    ]
    assert [name for name in expected if name not in bundle] == []
    assert not [name for name in bundle if name.startswith(("tests/", "demo/", "reference_receiver/"))]


def test_the_tutor_plugin_ships_its_patches(tmp_path):
    names = built_wheel(ROOT / "tutor-etwinning", tmp_path)
    patches = {f"tutoretwinning/patches/{p.name}" for p in (ROOT / "tutor-etwinning/tutoretwinning/patches").iterdir()}
    assert patches and patches <= names
