"""Greek and English interfaces, with the Greek catalogue shipped where the LMS looks for it."""

import gettext
import importlib.util
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(importlib.util.find_spec("skillslab_xblock").origin).parent
ROOT = Path(__file__).resolve().parents[2]


def test_every_string_has_a_greek_translation_and_compiled_files_are_current():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "translations.py"), "check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_the_lms_finds_the_greek_catalogue_in_the_text_domain():
    """edx-platform loads ``<package>/translations/<lang>/LC_MESSAGES/text.mo`` for third-party blocks."""
    catalogue = gettext.translation("text", localedir=str(PACKAGE / "translations"), languages=["el"])
    assert catalogue.gettext("Shared goal") == "Κοινός στόχος"


def test_the_javascript_catalogue_is_shipped_per_language():
    greek = (PACKAGE / "public" / "js" / "translations" / "el" / "text.js").read_text(encoding="utf-8")
    assert 'SkillsLabI18n["el"]' in greek
    assert '"Draft saved.":' in greek


def test_the_block_renders_in_greek_for_el_and_in_english_for_en(activity):
    greek = activity.render(lang="el")
    english = activity.render(lang="en")
    assert "Κοινός στόχος" in greek and "Shared goal" not in greek
    assert "Φύλλο μετασχηματισμού" in greek or "φύλλο μετασχηματισμού" in greek
    assert "Shared goal" in english and "Κοινός στόχος" not in english
    assert "/translations/el/text.js" in greek and "/translations/en/text.js" in english


def test_an_unsupported_runtime_language_falls_back_to_english():
    from skillslab_xblock.support.i18n import BlockTranslator, normalise_language

    assert normalise_language("el-GR") == "el"
    assert normalise_language("fr") == "en"
    assert BlockTranslator("fr").gettext("Shared goal") == "Shared goal"
