"""
Studio, as edx-platform calls the blocks: the editor's save through ``component_handler``, the
preview through ``get_preview_fragment``, and learners' handlers refused in the preview.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation

from etwinning_plugin import api

from .conftest import AUTHORS, BLOCK_OLX, BLOCK_TYPES
from .runtime import call_handler, component_handler, lms_runtime, studio_preview_runtime

NEW_NAME = "Όνομα από τη Μαρία"


def plugin_rows() -> dict:
    """Every row of every table of the plugin (what the NSS and the partners would see)."""
    return {model.__name__: sorted(map(repr, model.objects.values_list()))
            for model in apps.get_app_config("etwinning_plugin").get_models()}


# --- the editor's save: component_handler ---------------------------------------------------------


@pytest.mark.parametrize("block_type", BLOCK_TYPES)
def test_an_author_saves_the_settings_in_studio(course, people, block_type):
    """
    Studio's handler runtime gives a user service built as ``DjangoXBlockUserService(user)``: role
    "student", not staff, for the course's own author too. The author is recognised by
    ``studio_user_permissions.can_write(course_key)``.
    """
    usage_id = course.import_olx(BLOCK_OLX[block_type])
    status, body = component_handler(course, people["maria"], AUTHORS, usage_id, "studio_submit",
                                     {"display_name": NEW_NAME})
    assert (status, body) == (200, {"result": "success"})
    assert course.settings_of(usage_id)["display_name"] == NEW_NAME


@pytest.mark.parametrize("block_type", BLOCK_TYPES)
def test_a_studio_user_without_write_access_cannot_save(course, people, block_type):
    usage_id = course.import_olx(BLOCK_OLX[block_type])
    before = course.settings_of(usage_id)
    status, body = component_handler(course, people["nikos"], AUTHORS, usage_id, "studio_submit",
                                     {"display_name": NEW_NAME})
    assert status == 403 and body["error"] == "Only the course's authors can change this block."
    assert course.settings_of(usage_id) == before


def test_the_refusal_speaks_the_users_language(course, people):
    usage_id = course.import_olx(BLOCK_OLX["etwinning_survey"])
    with translation.override("el"):
        status, body = component_handler(course, people["nikos"], AUTHORS, usage_id, "studio_submit",
                                         {"display_name": NEW_NAME})
    assert status == 403 and body["error"].startswith("Μόνο οι συντάκτες/συντάκτριες του μαθήματος")


def test_the_catalogue_check_is_for_authors_only(course, people):
    usage_id = course.import_olx(BLOCK_OLX["skillslab_activity"])
    body = {"catalogue": '{"format": 1, "programmes": []}'}
    assert component_handler(course, people["nikos"], AUTHORS, usage_id, "load_catalogue", body)[0] == 403
    assert component_handler(course, people["maria"], AUTHORS, usage_id, "load_catalogue", body)[0] != 403


@pytest.mark.parametrize(("role", "staff", "status"), [("student", False, 403), ("staff", True, 200),
                                                       ("instructor", False, 200)])
def test_in_the_lms_only_course_staff_reach_the_editors_handler(course, people, role, staff, status):
    """lms/djangoapps/courseware/block_render.py: ``user_role=get_user_role(user, course_id)``."""
    usage_id = course.import_olx(BLOCK_OLX["etwinning_survey"])
    runtime = lms_runtime(course, people["anna"], role=role, staff=staff)
    block = runtime.load(usage_id, people["anna"].id)
    assert call_handler(runtime, block, "studio_submit", {"display_name": NEW_NAME})[0] == status


# --- the preview: get_preview_fragment ------------------------------------------------------------


def preview(course, user, usage_id):
    """
    cms/djangoapps/contentstore/views/preview.py::

        block = _load_preview_block(request, block)
        preview_view = AUTHOR_VIEW if has_author_view(block) else STUDENT_VIEW
        fragment = block.render(preview_view, context)

    with xmodule/studio_editable.py ``has_author_view(block) = getattr(block, 'has_author_view', False)``.
    """
    runtime = studio_preview_runtime(course, user, AUTHORS)
    block = runtime.load(usage_id, user.id)
    view = "author_view" if getattr(block, "has_author_view", False) else "student_view"
    return runtime, view, block.render(view, {})


@pytest.mark.parametrize("block_type", BLOCK_TYPES)
def test_studio_previews_the_author_view_and_it_writes_nothing(course, people, block_type):
    usage_id = course.import_olx(BLOCK_OLX[block_type])
    before = plugin_rows()
    runtime, view, fragment = preview(course, people["maria"], usage_id)
    assert view == "author_view"
    assert fragment.body_html()
    publish = runtime._services["publish"]  # noqa: SLF001
    assert publish.scores == [] and publish.tracked == []
    assert plugin_rows() == before
    assert not [key for key in runtime.kvs.db_dict if key.user_id is not None], "no learner state written"


def test_previewing_a_finished_plan_reports_nothing_to_the_nss(course, people):
    """The author's own plan is complete; opening the unit in Studio must not complete it or queue a record."""
    usage_id = course.import_olx(BLOCK_OLX["etwinning_project_plan"])
    author_id = str(people["maria"].id)
    ref = api.DocumentRef(str(course.key), str(usage_id), api.owner_key_for_learner(author_id), "plan")
    api.save_document(ref, author_id, 0, {"plan": {"title": "Rivers #SkillsLabs", "aims": "Compare rivers."}})
    before = plugin_rows()
    runtime, _view, _fragment = preview(course, people["maria"], usage_id)
    assert plugin_rows() == before
    assert runtime._services["publish"].tracked == []  # noqa: SLF001 - no completion event


def test_the_activitys_preview_runs_no_learner_script(course, people):
    usage_id = course.import_olx(BLOCK_OLX["skillslab_activity"])
    _runtime, _view, fragment = preview(course, people["maria"], usage_id)
    assert fragment.js_init_fn is None, "a script in the preview would call the learner's handlers"
    assert "disabled" in fragment.body_html()


@pytest.mark.parametrize(("block_type", "handler", "body"), [
    ("skillslab_activity", "save_draft", {"worksheet": {"goal": {"shared_goal": "A goal"}}}),
    ("etwinning_partners", "save_card", {"teacher_name": "Maria", "school_name": "1st Primary School",
                                         "school_level": "primary_upper", "country": "Greece"}),
    ("etwinning_survey", "submit", {"answers": {"satisfied": 5}}),
    ("etwinning_self_assessment", "submit", {"answers": {"assessment": 3}}),
    ("etwinning_registration", "save_registration", {"profile_url": "", "school_name": "School"}),
    ("etwinning_project_plan", "save_plan", {"plan": {"title": "T"}, "base_version": 0}),
])
def test_learners_handlers_refuse_in_the_preview(course, people, block_type, handler, body):
    """preview.py ``preview_handler`` calls ``instance.handle(handler, req, suffix)`` on the preview block."""
    usage_id = course.import_olx(BLOCK_OLX[block_type])
    runtime = studio_preview_runtime(course, people["maria"], AUTHORS)
    block = runtime.load(usage_id, people["maria"].id)
    before = plugin_rows()
    status, answer = call_handler(runtime, block, handler, body)
    assert status == 403 and answer["error"] == "This is Studio's preview: nothing is saved here."
    assert plugin_rows() == before
