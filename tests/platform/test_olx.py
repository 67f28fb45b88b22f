"""
OLX as the platform writes and reads it: course export and Studio's copy call ``add_xml_to_node``
on the block; course import and Studio's paste call the class's ``parse_xml(node, runtime, keys)``
on the class mixed with the platform's XBLOCK_MIXINS. Every field set on a block survives, the
platform's own included.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree
from xblock.fields import ScopeIds

from skillslab_xblock.support.olx import OLXRejected

from .conftest import BLOCK_OLX, BLOCK_TYPES
from .mixins import CMS_MIXINS, LMS_MIXINS, PLATFORM_SETTINGS
from .runtime import Course, studio_handler_runtime, studio_preview_runtime

DATES = {"due": datetime(2027, 5, 3, 21, 0, tzinfo=UTC), "start": datetime(2027, 4, 1, 6, 0, tzinfo=UTC)}


def set_platform_fields(course, usage_id, user):
    """What Studio's settings, visibility and library-sync features store on a block."""
    runtime = studio_handler_runtime(course, user, {user.username})
    block = runtime.load(usage_id)
    for name, value in {**PLATFORM_SETTINGS, **DATES}.items():
        setattr(block, name, value)
    block.save()
    course.kvs.db_dict.update(runtime.kvs.db_dict)  # modulestore().update_item


def paste(course: Course, node, user) -> object:
    """
    cms/djangoapps/contentstore/helpers.py ``_import_xml_node_to_parent``, on the parent's preview
    runtime (``_load_preview_block``)::

        xblock_class = runtime.load_block_type(block_type)
        ...
        temp_xblock = xblock_class.parse_xml(node, runtime, keys)
        ...
        new_xblock = store.update_item(temp_xblock, user.id, allow_not_found=True)
    """
    runtime = studio_preview_runtime(course, user, {user.username})
    def_id = course.ids.create_definition(node.tag, "pasted")
    keys = ScopeIds(None, node.tag, def_id, course.ids.create_usage(def_id))
    block = runtime.mixologist.mix(runtime.load_block_type(node.tag)).parse_xml(node, runtime, keys)
    block.save()
    course.kvs.db_dict.update({k: v for k, v in runtime.kvs.db_dict.items() if k.block_scope_id == def_id})
    return keys.usage_id


@pytest.mark.parametrize("block_type", BLOCK_TYPES)
def test_copy_and_paste_keeps_every_field(course, people, block_type):
    usage_id = course.import_olx(BLOCK_OLX[block_type], mixins=CMS_MIXINS)
    set_platform_fields(course, usage_id, people["maria"])
    before = course.settings_of(usage_id)
    assert set(PLATFORM_SETTINGS) | set(DATES) <= set(before)

    copied = course.export_olx(usage_id, mixins=CMS_MIXINS)  # XBlockSerializer: block.add_xml_to_node(olx_node)
    assert copied.tag == block_type
    olx = etree.tostring(copied, encoding="unicode")
    pasted = paste(course, etree.fromstring(olx), people["maria"])

    assert course.settings_of(pasted) == before


@pytest.mark.parametrize("block_type", BLOCK_TYPES)
def test_course_export_and_import_keep_every_field(course, people, block_type):
    """Into another course, as ``xblock_from_node`` imports (the LMS's mixins: the fields are stored anyway)."""
    usage_id = course.import_olx(BLOCK_OLX[block_type], mixins=CMS_MIXINS)
    set_platform_fields(course, usage_id, people["maria"])
    olx = etree.tostring(course.export_olx(usage_id, mixins=CMS_MIXINS), encoding="unicode")

    other = Course()
    imported = other.import_olx(olx, mixins=CMS_MIXINS)
    assert other.settings_of(imported) == course.settings_of(usage_id)
    lms_view = other.export_olx(imported, mixins=LMS_MIXINS)  # the LMS's mixins still know these
    assert lms_view.get("visible_to_staff_only") == "true" and lms_view.get("graded") == "true"


def test_a_platform_value_that_cannot_be_read_stops_the_import(course):
    olx = BLOCK_OLX["etwinning_survey"].replace("<etwinning_survey ", '<etwinning_survey max_attempts="many" ')
    with pytest.raises(OLXRejected, match="max_attempts"):
        course.import_olx(olx, mixins=CMS_MIXINS)
