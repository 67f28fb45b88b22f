"""
Stored text made safe to show. The blocks refuse text that cannot be stored (a lone UTF-16
surrogate, valid in JSON); JSON columns written before that may still hold one, and a page that
shows it must not fail for every partner: such a character is shown as U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def repaired(value: Any) -> Any:
    """``value`` (text, or lists and dicts of it) with every lone surrogate replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [repaired(item) for item in value]
    if isinstance(value, dict):
        return {repaired(key): repaired(item) for key, item in value.items()}
    return value
