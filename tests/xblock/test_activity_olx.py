"""OLX export and import of skillslab_activity: a faithful round trip, and no entities ever."""

import io

import pytest
from lxml import etree
from workbench.runtime import WorkbenchRuntime

from skillslab_xblock.support.olx import OLXRejected, parse_olx
from tests.xblock.test_activity_authoring import VALID


def export(block) -> bytes:
    out = io.BytesIO()
    block.runtime.export_to_xml(block, out)
    return out.getvalue()


def test_export_import_export_is_identical_for_every_field(activity, scenario_factory):
    text = "Πρώτη «παράγραφος» & <3\n\nΔεύτερη."
    assert activity.post("studio_submit", {**VALID, "activity_text": text}).status == 200
    first = export(activity.block())
    reimported = scenario_factory(first.decode("utf-8").split("?>", 1)[1])
    second = export(reimported.block())
    assert first == second
    block = reimported.block()
    for name, value in VALID.items():
        if name not in ("deadline", "weight", "required_steps", "activity_text"):
            assert getattr(block, name) == value, name
    assert block.activity_text == 'Πρώτη «παράγραφος» & <3\n\nΔεύτερη.'
    assert block.required_steps == ["partners", "goal"]
    assert block.deadline.isoformat() == "2027-05-03T21:00:00+00:00"
    assert block.weight == 1.5


def test_exported_olx_is_readable_utf8_with_long_texts_as_elements(activity):
    activity.post("studio_submit", VALID)
    root = etree.fromstring(export(activity.block()))
    assert root.tag == "skillslab_activity"
    assert root.get("display_name") == "Το νερό μας"
    assert root.get("skills") == "collaboration critical_thinking"
    assert root.findtext("activity_text") == VALID["activity_text"]
    assert "Το νερό μας".encode() in export(activity.block())  # not escaped into character references


def test_defaults_are_not_exported(scenario_factory):
    block = scenario_factory("<skillslab_activity/>").block()
    root = etree.fromstring(export(block))
    assert dict(root.attrib) == {}
    assert len(root) == 0


ENTITY_OLX = [
    ("internal entity", '<!DOCTYPE r [<!ENTITY x "boom">]><skillslab_activity display_name="&x;"/>'),
    ("billion laughs", '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                       ']><skillslab_activity><activity_text>&b;</activity_text></skillslab_activity>'),
    ("external entity", '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                        '<skillslab_activity><activity_text>&xxe;</activity_text></skillslab_activity>'),
    ("bare doctype", '<!DOCTYPE skillslab_activity><skillslab_activity/>'),
]


@pytest.mark.parametrize(("what", "xml"), ENTITY_OLX, ids=[c[0] for c in ENTITY_OLX])
def test_olx_with_a_doctype_or_entities_is_refused_by_the_block(db, what, xml):
    """
    Whatever the runtime's parser resolves (lxml resolves internal entities by default, and stops
    at an external one as undefined), the block refuses the document: no value from an entity is
    ever stored.
    """
    runtime = WorkbenchRuntime("author")
    runtime.id_generator.set_scenario(f"entities-{what}")
    with pytest.raises((OLXRejected, etree.XMLSyntaxError)) as refused:
        runtime.parse_xml_string(xml)
    assert "root:" not in str(refused.value)
    if refused.type is OLXRejected:
        assert "DOCTYPE" in str(refused.value)


@pytest.mark.parametrize(("what", "xml"), ENTITY_OLX, ids=[c[0] for c in ENTITY_OLX])
def test_the_packages_own_parser_never_resolves_entities(what, xml):
    with pytest.raises(OLXRejected):
        parse_olx(xml)


def test_the_refusal_is_in_the_authors_language(db):
    from django.utils import translation

    runtime = WorkbenchRuntime("author")
    runtime.id_generator.set_scenario("entities-greek")
    with translation.override("el"), pytest.raises(OLXRejected) as refused:
        runtime.parse_xml_string(ENTITY_OLX[0][1])
    assert "DOCTYPE" in str(refused.value) and "δεκτ" in str(refused.value)


@pytest.mark.parametrize("xml", [
    '<skillslab_activity cycle="Z"/>',
    '<skillslab_activity weight="a lot"/>',
    '<skillslab_activity required_steps="goal payment"/>',
    '<skillslab_activity><activity_text>&lt;script&gt;alert(1)&lt;/script&gt;</activity_text></skillslab_activity>',
])
def test_olx_with_invalid_values_is_refused(db, xml):
    runtime = WorkbenchRuntime("author")
    runtime.id_generator.set_scenario("invalid-values")
    with pytest.raises(OLXRejected, match="invalid values"):
        runtime.parse_xml_string(xml)


def test_parse_olx_accepts_plain_olx():
    root = parse_olx('<skillslab_activity display_name="Ελληνικά"><activity_text>α &amp; β</activity_text>'
                     "</skillslab_activity>")
    assert root.findtext("activity_text") == "α & β"


def test_invalid_values_are_reported_wholly_in_the_authors_language(db):
    from django.utils import translation

    runtime = WorkbenchRuntime("author")
    runtime.id_generator.set_scenario("invalid-values-greek")
    with translation.override("el"), pytest.raises(OLXRejected) as refused:
        runtime.parse_xml_string('<skillslab_activity weight="a lot"/>')
    message = str(refused.value)
    assert message.startswith("Το OLX του στοιχείου περιέχει μη έγκυρες τιμές: weight: ")
    assert "invalid values" not in message and "weight" in message


def test_a_deadline_with_an_offset_keeps_its_moment(scenario_factory):
    """XBlock's DateTime field serialises without an offset; the block stores the deadline in UTC."""
    block = scenario_factory('<skillslab_activity deadline="2027-05-04T00:00:00+03:00"/>').block()
    assert block.deadline.isoformat() == "2027-05-03T21:00:00+00:00"


@pytest.mark.parametrize("tag", ["etwinning_partners", "etwinning_project_plan"])
@pytest.mark.parametrize(("what", "xml"), ENTITY_OLX[:2], ids=[c[0] for c in ENTITY_OLX[:2]])
def test_the_other_blocks_refuse_entities_too(db, tag, what, xml):
    runtime = WorkbenchRuntime("author")
    runtime.id_generator.set_scenario(f"entities-{tag}-{what}")
    with pytest.raises(OLXRejected, match="DOCTYPE"):
        runtime.parse_xml_string(xml.replace("skillslab_activity", tag).replace("activity_text", "x"))


@pytest.mark.parametrize("xml", ['<etwinning_partners max_schools="1"/>', '<etwinning_partners max_schools="x"/>',
                                 '<etwinning_project_plan required_sections="budget"/>',
                                 '<etwinning_project_plan collaboration_mode="everyone"/>'])
def test_the_other_blocks_refuse_invalid_values(db, xml):
    runtime = WorkbenchRuntime("author")
    runtime.id_generator.set_scenario("invalid-other")
    with pytest.raises(OLXRejected, match="invalid values"):
        runtime.parse_xml_string(xml)
