"""Templates and files shipped in the package, and element ids on a page."""

from __future__ import annotations

import functools
from importlib import resources

from django.template import Engine

# templates/ and public/ sit beside the block classes: XBlock serves public/ from the block's package.
PACKAGE = "skillslab_xblock"

_ENGINE = None



@functools.cache
def package_text(path: str) -> str:
    """A file shipped in the package (CSS, JS), read once per process."""
    return resources.files(PACKAGE).joinpath(path).read_text(encoding="utf-8")


def template_engine() -> Engine:
    global _ENGINE  # noqa: PLW0603 - one engine per process, built on first use
    if _ENGINE is None:
        _ENGINE = Engine(
            dirs=[str(resources.files(PACKAGE).joinpath("templates"))],
            libraries={"skillslab": "skillslab_xblock.support.template_tags"},
            autoescape=True,
        )
    return _ENGINE


def dom_id_of(usage_id) -> str:
    """A block's element id on a page, from its usage id (two blocks on one page never share one)."""
    return "skl-" + "".join(ch if ch.isalnum() else "-" for ch in str(usage_id))

