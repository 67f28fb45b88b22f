"""
OLX (the course XML) for the bundle's blocks: safe parsing and a stable, round-tripping layout.

A block receives its node already parsed by the runtime, with whatever parser that runtime uses.
Entity declarations are how XML is turned into a weapon (billion laughs, external entities reading
files or URLs), and no block of ours needs one, so a document that carries a DOCTYPE or an entity
reference is refused outright rather than half-trusted. ``parse_olx`` is the parser to use where
this package parses OLX itself: no entity resolution, no DTD loading, no network.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

import yaml
from lxml import etree
from xblock.core import XML_NAMESPACES
from xblock.fields import Field, Scope

from skillslab_xblock.support.i18n import N_


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


# --- the fields a block's own layout does not write ---------------------------------------------
#
# The platform mixes fields into every block (its XBLOCK_MIXINS: ``due``, ``start``, ``graded``,
# ``format``, ``group_access``, ``visible_to_staff_only``, ``license``, ...). Course export and import,
# Studio's copy-paste and duplicate all go through ``add_xml_to_node`` and ``parse_xml``: a block that
# writes and reads only its own settings silently drops every one of them. These two functions carry
# every other field of the settings and content scopes exactly as XBlock's own ``add_xml_to_node`` and
# ``parse_xml`` do (an attribute, or an ``option:`` child for ``xml_node`` fields and None values).

_RUNTIME_FIELDS = ("children", "parent", "content")  # structure, kept by the runtime itself
_OLX_SCOPES = (Scope.content, Scope.settings)


def _other_fields(block, own: Collection[str]) -> Iterator[tuple[str, Field]]:
    for name, field in block.fields.items():
        if name not in own and name not in _RUNTIME_FIELDS and field.scope in _OLX_SCOPES:
            yield name, field


def write_other_fields(block, node: etree._Element, own: Collection[str]) -> None:
    """Every field set on ``block`` that is not in ``own``, as XBlock itself exports it."""
    for name, field in _other_fields(block, own):
        if field.is_set_on(block) or field.force_export:
            block._add_field(node, name, field)  # pylint: disable=protected-access - XBlock's own writer


def read_other_fields(block, node: etree._Element, own: Collection[str], gettext=None) -> None:
    """
    Set every field of ``block`` not in ``own`` that ``node`` carries (attribute or ``option:`` child).
    A value the field cannot read raises OLXRejected naming it, so a broken export is not half-imported.
    """
    fields = dict(_other_fields(block, own))
    carried = [(name, value, {}) for name, value in node.items()]
    carried += [(etree.QName(child).localname, child.text, child.attrib) for child in node
                if isinstance(child.tag, str) and etree.QName(child).namespace == XML_NAMESPACES["option"]]
    for name, text, attrs in carried:
        field = fields.get(name)
        if field is None:
            continue
        try:
            value = None if attrs.get("none") == "true" else field.from_string(text or "")
        except (ValueError, TypeError, yaml.YAMLError) as error:
            raise OLXRejected(N_("The OLX attribute {name} has a value that cannot be read."), gettext,
                              name=name) from error
        setattr(block, name, value)
