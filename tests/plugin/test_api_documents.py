"""Versioned shared documents: merges, collisions with both versions, submission, history."""

import pytest

from etwinning_plugin import api
from tests.harness import make_partnership

pytestmark = pytest.mark.django_db
COURSE = "course-v1:NSS+SkillsLabs+2027"


@pytest.fixture
def ref():
    partnership = make_partnership(COURSE, "anna", "luis")
    return api.DocumentRef(COURSE, f"{COURSE}/step-1", partnership.owner_key)


def test_saves_on_the_latest_version_apply_in_order(ref):
    first = api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers"}})
    assert first.accepted and first.state.version == 1
    second = api.save_document(ref, "luis", 1, {"goal": {"curriculum_link": "Geography"}})
    assert second.state.content == {"goal": {"shared_goal": "Rivers", "curriculum_link": "Geography"}}


def test_saves_of_different_fields_on_the_same_version_are_merged(ref):
    api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers"}})
    result = api.save_document(ref, "luis", 0, {"joint_product": {"description": "An e-book"}})
    assert result.accepted and result.state.version == 2
    assert result.state.content == {"goal": {"shared_goal": "Rivers"},
                                    "joint_product": {"description": "An e-book"}}


def test_a_collision_on_the_same_field_changes_nothing_and_returns_both_versions(ref):
    api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers of Patras"}})
    result = api.save_document(ref, "luis", 0, {"goal": {"shared_goal": "Rivers of Braga"},
                                                "joint_product": {"description": "A map"}})
    assert not result.accepted
    [conflict] = result.conflicts
    assert (conflict.section, conflict.field) == ("goal", "shared_goal")
    assert conflict.yours == "Rivers of Braga" and conflict.theirs == "Rivers of Patras"
    assert conflict.by_school == "1st Primary School of Patras"
    assert api.document_state(ref, "luis").content == {"goal": {"shared_goal": "Rivers of Patras"}}
    assert api.document_state(ref, "luis").version == 1
    # resolved: the writer saves again on the version they have now seen
    assert api.save_document(ref, "luis", 1, {"goal": {"shared_goal": "Rivers of Braga"}}).accepted


def test_the_same_change_twice_is_no_collision(ref):
    api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers"}})
    assert api.save_document(ref, "luis", 0, {"goal": {"shared_goal": "Rivers"}}).accepted


def test_a_version_from_the_future_is_refused(ref):
    with pytest.raises(api.Refused, match="newer than the stored one"):
        api.save_document(ref, "anna", 5, {"goal": {"shared_goal": "x"}})


def test_submission_needs_the_latest_version_and_records_the_step(ref):
    api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers"}})
    api.save_document(ref, "luis", 1, {"goal": {"curriculum_link": "Geography"}})
    with pytest.raises(api.Refused, match="changed the worksheet meanwhile"):
        api.submit_document(ref, "anna", 1, "Workshop 1")
    state = api.submit_document(ref, "anna", 2, "Workshop 1")
    assert state.submitted_version == 2 and state.submitted_content["goal"]["curriculum_link"] == "Geography"
    [step] = api.submitted_steps(COURSE, [ref.owner_key])
    assert step.title == "Workshop 1"


def test_history_names_the_school_and_the_fields_changed(ref):
    api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers"}})
    api.save_document(ref, "luis", 1, {"joint_product": {"description": "An e-book"}})
    rows = api.history(ref)
    assert [(r.version, r.school_name, r.fields) for r in rows] == [
        (2, "Escola Básica de Braga", ["joint_product.description"]),
        (1, "1st Primary School of Patras", ["goal.shared_goal"]),
    ]


def test_saving_the_same_value_again_makes_no_version(ref):
    api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers"}})
    again = api.save_document(ref, "anna", 1, {"goal": {"shared_goal": "Rivers"}})
    assert again.accepted and not again.applied and again.state.version == 1
    assert len(api.history(ref)) == 1


def test_the_history_shows_each_fields_text_before_and_after(ref):
    api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers"}})
    api.save_document(ref, "luis", 1, {"goal": {"shared_goal": "Rivers and lakes"}})
    newest, first = api.history(ref)
    assert [(c.name, c.before, c.after) for c in newest.changes] == [("goal.shared_goal", "Rivers", "Rivers and lakes")]
    assert [(c.name, c.before, c.after) for c in first.changes] == [("goal.shared_goal", None, "Rivers")]


def test_an_earlier_version_is_restored_as_a_new_version_and_nothing_is_lost(ref):
    api.save_document(ref, "anna", 0, {"goal": {"shared_goal": "Rivers"}})
    api.save_document(ref, "luis", 1, {"goal": {"shared_goal": "Lakes"}, "joint_product": {"description": "A map"}})
    api.save_document(ref, "anna", 2, {"evaluation": {"details": "Pupils' survey"}})
    restored = api.restore_revision(ref, "anna", 1)
    assert restored.applied and restored.state.version == 4
    assert restored.state.content == {"goal": {"shared_goal": "Rivers"}, "joint_product": {"description": ""},
                                      "evaluation": {"details": ""}}
    back = api.restore_revision(ref, "luis", 3)  # the restore itself can be undone
    assert back.state.content == {"goal": {"shared_goal": "Lakes"}, "joint_product": {"description": "A map"},
                                  "evaluation": {"details": "Pupils' survey"}}
    with pytest.raises(api.Refused):
        api.restore_revision(ref, "anna", 99)
