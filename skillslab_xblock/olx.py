"""
OLX (the course XML) for the bundle's blocks: safe parsing and a stable, round-tripping layout.

A block receives its node already parsed by the runtime, with whatever parser that runtime uses.
Entity declarations are how XML is turned into a weapon (billion laughs, external entities reading
files or URLs), and no block of ours needs one, so a document that carries a DOCTYPE or an entity
reference is refused outright rather than half-trusted. ``parse_olx`` is the parser to use where
this package parses OLX itself: no entity resolution, no DTD loading, no network.
"""

from __future__ import annotations

from lxml import etree

from .i18n import N_


class OLXRejected(ValueError):
    """The OLX cannot be imported; ``message`` is N_-marked, translated where it is shown."""

    def __init__(self, message: str, gettext=None, **params):
        self.message = message
        self.params = params
        super().__init__((gettext(message) if gettext else message).format(**params))


SAFE_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
}


def parse_olx(text: str | bytes) -> etree._Element:
    """Parse OLX text without entities, DTDs or network access; refuse any DOCTYPE."""
    parser = etree.XMLParser(**SAFE_PARSER_OPTIONS)
    try:
        root = etree.fromstring(text.encode("utf-8") if isinstance(text, str) else text, parser)
    except etree.XMLSyntaxError as exc:
        raise OLXRejected(N_("The OLX is not well-formed XML: {detail}"), detail=str(exc)) from exc
    assert_safe(root)
    return root


def assert_safe(node: etree._Element) -> None:
    """Refuse a node whose document declares a DOCTYPE or that holds entity references."""
    docinfo = node.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise OLXRejected(N_("OLX with a DOCTYPE or entity declarations is not accepted."))
    for element in node.iter():
        if isinstance(element, etree._Entity):  # pylint: disable=protected-access
            raise OLXRejected(N_("OLX with entity references is not accepted."))


def child_text(node: etree._Element, tag: str) -> str | None:
    """The text of the first child element ``tag`` (None when absent)."""
    child = node.find(tag)
    if child is None:
        return None
    return "".join(child.itertext())


def add_text_child(node: etree._Element, tag: str, text: str) -> None:
    if text:
        etree.SubElement(node, tag).text = text
