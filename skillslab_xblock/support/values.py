"""
The values people type, checked and shown the same way in every block: plain text (no markup, no
control characters, a length), whole numbers in ASCII digits, and dates and times in UTC for the
editors. A problem is an N_-marked message (``Message``), translated where it is shown.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from skillslab_xblock.support.i18n import N_

# A tag, a comment, a processing instruction or a doctype: plain-text answers never need these,
# while "a < b" or "<3" stay allowed.
_MARKUP = re.compile(r"<(/?[a-zA-Z][^>]*>|!|\?)")


_FORBIDDEN_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_ascii_number(text: str) -> bool:
    """Digits 0-9 only: int() and float() also read "²", "①" or "٣", which no one typed as a number here."""
    return bool(re.fullmatch(r"\s*[0-9]+\s*", text))


Message = "str | tuple[str, dict]"  # an N_-marked template, alone or with its parameters


def has_markup(text: str) -> bool:
    """A tag, a comment, a processing instruction or a doctype in ``text``."""
    return bool(_MARKUP.search(text))


def render_message(message, gettext) -> str:
    """Translate an error from this module (a template, or a template with parameters)."""
    if isinstance(message, tuple):
        template, params = message
        return gettext(template).format(**params)
    return gettext(message)


def clean_plain_text(value: Any, max_length: int) -> tuple[str | None, Message | None]:
    """The stripped text, or an error if it is not text, too long, or carries markup or control characters."""
    if not isinstance(value, str):
        return None, N_("Must be text.")
    value = value.strip()
    if len(value) > max_length:
        return None, (N_("Too long: at most {max} characters."), {"max": max_length})
    if _FORBIDDEN_CONTROL.search(value):
        return None, N_("Contains control characters that cannot be saved.")
    if _MARKUP.search(value):
        return None, N_("Please write plain text: HTML tags such as <script> are not allowed.")
    return value, None


DATE_TIME_HELP = N_("Enter a date and time such as 2026-05-03T21:00.")



def clean_utc_datetime(block, data: dict, name: str, values: dict, errors: dict) -> None:
    """
    An author's date and time setting (ISO 8601, empty for none) into ``values[name]``, in UTC, or an
    error into ``errors[name]``. XBlock's DateTime field stores "%Y-%m-%dT%H:%M:%S.%f" and drops any
    offset, so the value is turned into UTC first: 00:00+03:00 must stay 21:00 UTC.
    """
    current = getattr(block, name)
    value = data.get(name, current.isoformat() if current else "")
    if value in ("", None):
        values[name] = None
        return
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        parsed = datetime.fromisoformat(value.strip())
        # 0001-01-01T00:00+05:00 and 9999-12-31T23:59-05:00 have no UTC time within datetime's range
        values[name] = parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        errors[name] = block.translator.gettext(DATE_TIME_HELP)


def editor_datetime(moment: datetime | None) -> str:
    """
    A setting for an editor's ``datetime-local`` input: in UTC (as it is saved), in the input's own
    machine form whatever the editor's language, with seconds only where the value has them, so that
    saving an editor untouched changes nothing.
    """
    if moment is None:
        return ""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second or moment.microsecond else "%Y-%m-%dT%H:%M")


def editor_number(value: float | int | None) -> str:
    """A number for an ``input type=number``: "1.0", never the Greek "1,0" the input would refuse."""
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else repr(float(value))


def has_passed(moment: datetime | None) -> bool:
    """True once an author's deadline (a UTC datetime, or None for none) is behind us."""
    return bool(moment and datetime.now(UTC) > moment)

