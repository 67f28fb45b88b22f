"""
Countries of partnership cards: ISO 3166-1 codes, named in the learner's language from the CLDR data
that Babel ships (never free text, so that "Greece", "Ελλάδα" and "greece " are one country).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale

from skillslab_xblock.support.i18n import SUPPORTED_LANGUAGES, normalise_language

# CLDR territories with two-letter codes that are not countries (groupings, reserved codes).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


def _fold(text: str) -> str:
    """For comparing and sorting names: no case, no accents ("Ελλάδα" and "ελλαδα" are equal)."""
    decomposed = unicodedata.normalize("NFD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def names(language: str) -> dict[str, str]:
    """Code → name of every country, in ``language`` (Greek or English)."""
    territories = Locale.parse(normalise_language(language)).territories
    return {code: name for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES}


def choices(language: str) -> list[tuple[str, str]]:
    """(code, name) of every country, sorted by name as a reader of ``language`` looks for it."""
    return sorted(names(language).items(), key=lambda item: _fold(item[1]))


def is_country(code: object) -> bool:
    return isinstance(code, str) and code in names("en")


def label(value: str, language: str) -> str:
    """The country's name in ``language``; a value that is no code (an older card's text) as it is."""
    return names(language).get(value, value)


@cache
def _by_name() -> dict[str, str]:
    return {_fold(name): code for language in SUPPORTED_LANGUAGES for code, name in names(language).items()}


def code_for(text: object) -> str | None:
    """The code of a country given by code or by its Greek or English name (any case or accents)."""
    if not isinstance(text, str):
        return None
    if is_country(text.strip().upper()):
        return text.strip().upper()
    return _by_name().get(_fold(text))
