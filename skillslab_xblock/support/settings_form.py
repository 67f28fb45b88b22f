"""
An author's settings checked as a whole, the same way for Studio's editor and for OLX import (both
go through a block's ``clean_settings``): each field is declared with what it accepts, each value
comes from the request or, when absent, from the block as it is, and either every value is good or
nothing is saved and every problem is named by its field.

    form = SettingsForm(self, data)
    form.text("display_name", 200, required=True)
    form.whole_number("max_schools", 2, 20)
    return form.cleaned()  # or RequestRejected(400) with every field's error
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from typing import Any

from .handlers import RequestRejected
from .i18n import N_
from .values import clean_plain_text, clean_utc_datetime, is_ascii_number, render_message

NOT_SAVED = N_("The settings were not saved. Please check the marked fields.")
_ASCII_DECIMAL = re.compile(r"\s*[0-9]+(\.[0-9]*)?\s*")


class SettingsForm:
    """The values and the errors of one save; ``cleaned()`` gives the values or refuses with the errors."""

    def __init__(self, block, data: dict, *, fields: Collection[str] | None = None,
                 unknown_message: str = N_("Unexpected data in the request.")):
        self.block, self.data = block, data
        self.gettext = block.translator.gettext
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        unknown = set(data) - set(fields if fields is not None else block.editable_fields)
        if unknown:
            names = ", ".join(sorted(str(name)[:40] for name in unknown))
            self.errors["_"] = self.gettext(unknown_message).format(names=names)

    def raw(self, name: str) -> Any:
        """What the request sent for ``name``, else the block's current value."""
        return self.data.get(name, getattr(self.block, name))

    def error(self, name: str, message, **params) -> None:
        self.errors[name] = self.gettext(message).format(**params) if params else render_message(message, self.gettext)

    def text(self, name: str, max_length: int, *, required: bool = False, multiline: bool = False) -> str | None:
        """Plain text: no markup or control characters, at most ``max_length``; lines kept if ``multiline``."""
        value = self.raw(name)
        if multiline and isinstance(value, str):
            value = value.strip("\n ").replace("\r\n", "\n")
        text, problem = clean_plain_text(value, max_length)
        if problem is None and multiline:
            text = value  # clean_plain_text strips every edge space; a multi-line text keeps its indents
        if problem or (required and not text):
            self.error(name, problem or N_("This field is required."))
            return None
        self.values[name] = text
        return text

    def choice(self, name: str, valid: Callable[[Any], bool] | Collection, *, empty: Any = ...) -> Any:
        """One of the offered codes (``valid``: the codes, or a test); ``empty``: what "" stands for, if allowed."""
        value = self.raw(name)
        test = valid if callable(valid) else valid.__contains__
        if empty is not ... and value == "":
            self.values[name] = empty
            return empty
        if not isinstance(value, str) or not test(value):
            self.error(name, N_("Not one of the offered choices."))
            return None
        self.values[name] = value
        return value

    def choices(self, name: str, order: Collection[str], *, required: bool = False, split: bool = False) -> list | None:
        """Several of ``order``'s codes, each once, kept in ``order``'s order; ``split``: OLX's space-separated text."""
        value = self.raw(name)
        if split and isinstance(value, str):
            value = value.split()
        if not isinstance(value, list) or not all(isinstance(v, str) and v in order for v in value):
            self.error(name, N_("Not one of the offered choices."))
            return None
        if required and not value:
            self.error(name, N_("Choose at least one."))
            return None
        self.values[name] = [code for code in order if code in value]
        return self.values[name]

    def flag(self, name: str) -> bool | None:
        """True or false: from JSON, an editor's checkbox ([] or ["on"]) or OLX ("true"/"false")."""
        value = self.raw(name)
        if isinstance(value, list):
            value = bool(value)
        if isinstance(value, str) and value in ("true", "false"):
            value = value == "true"
        if not isinstance(value, bool):
            self.error(name, N_("Must be true or false."))
            return None
        self.values[name] = value
        return value

    def whole_number(self, name: str, low: int, high: int,
                     message: str = N_("Enter a whole number from {low} to {high}.")) -> int | None:
        """A whole number in ASCII digits from ``low`` to ``high`` (int() would also read "²" or "①")."""
        value = self.raw(name)
        if isinstance(value, str) and is_ascii_number(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(name, message, low=low, high=high)
            return None
        self.values[name] = value
        return value

    def number(self, name: str, low: float, high: float, message: str) -> float | None:
        """A number from ``low`` to ``high`` (text in ASCII, such as "1.0"), or None when empty."""
        value = self.raw(name)
        if value in ("", None):
            self.values[name] = None
            return None
        number = None
        if not isinstance(value, bool) and (not isinstance(value, str) or _ASCII_DECIMAL.fullmatch(value)):
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = None
        if number is None or math.isnan(number) or not low <= number <= high:
            self.error(name, message)
            return None
        self.values[name] = number
        return number

    def utc_datetime(self, name: str) -> None:
        """A date and time in ISO 8601 (an offset is turned into UTC), or None when empty."""
        clean_utc_datetime(self.block, self.data, name, self.values, self.errors)

    def cleaned(self) -> dict:
        if self.errors:
            raise RequestRejected(400, NOT_SAVED, field_errors=self.errors)
        return self.values
