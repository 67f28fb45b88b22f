"""
Translations for the blocks, in the runtime's language.

The Open edX LMS looks for a third-party block's strings in
``<package>/translations/<lang>/LC_MESSAGES/text.mo`` (gettext domain ``text``); the package ships
them there, compiled. The LMS's i18n service already reads that file. Other runtimes (the XBlock SDK
workbench among them) hand the block Django's own translation functions, which know nothing of the
``text`` domain, so the block reads the same catalogue itself, for the language the runtime
reports (the i18n service's ``get_language``, else Django's active language).
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

TRANSLATIONS_DIR = Path(__file__).parent.parent / "translations"
DOMAIN = "text"
SUPPORTED_LANGUAGES = ("el", "en")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (it is translated when shown)."""
    return message


def normalise_language(language: str | None) -> str:
    """``el-gr`` → ``el``; anything we do not ship falls back to English."""
    lang = (language or "en").replace("_", "-").split("-")[0].lower()
    return lang if lang in SUPPORTED_LANGUAGES else "en"


@cache
def catalogue_for(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=str(TRANSLATIONS_DIR), languages=[language], fallback=True)


def runtime_language(i18n_service) -> str:
    """The language the runtime renders in, from its i18n service, else Django's active language."""
    get_language = getattr(i18n_service, "get_language", None) if i18n_service is not None else None
    language = None
    if callable(get_language):
        try:
            language = get_language()
        except Exception:  # noqa: BLE001 - a runtime without a language falls back to English
            language = None
    if not language:
        try:
            from django.utils import translation  # pylint: disable=import-outside-toplevel

            language = translation.get_language()
        except Exception:  # noqa: BLE001 - no Django, no active language
            language = None
    return normalise_language(language)


def in_every_language(text_of) -> dict[str, object]:
    """
    ``text_of(translator)`` for each language the package ships, keyed by language code.

    For what the platform computes once for every learner, such as ``student_view_data``: the LMS
    collects it when the course is published, with no user and in no learner's language, and the
    mobile app picks the language when it shows the block.
    """
    return {language: text_of(BlockTranslator(language)) for language in SUPPORTED_LANGUAGES}


class BlockTranslator:
    """gettext/ngettext in one language, from the package's catalogue first."""

    def __init__(self, language: str):
        self.language = normalise_language(language)
        self._catalogue = catalogue_for(self.language)

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalogue.ngettext(singular, plural, count)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalogue.pgettext(context, message)
