"""generate_report_data: the rows of the instructor dashboard's problem-responses report."""


from tests.harness import stored_states


def test_a_row_per_submitted_worksheet(activity, complete_worksheet):
    activity.post("submit", {"worksheet": complete_worksheet}, student="alice")
    complete_worksheet["collaboration"]["level"] = "exchange"
    activity.post("submit", {"worksheet": complete_worksheet}, student="bob")
    activity.post("save_draft", {"worksheet": {"goal": {"shared_goal": "only a draft"}}}, student="carol")

    rows = dict(activity.block().generate_report_data(stored_states(activity.usage_id)))
    assert set(rows) == {"alice", "bob"}  # a draft is not a response
    assert rows["alice"]["Quality Label criteria addressed"] == "5/5"
    assert rows["bob"]["Collaboration level"] == "exchange"
    assert rows["bob"]["Weak or missing criteria"] == "collaboration"
    assert rows["alice"]["tools.tools"] == "twinspace, padlet"
    assert rows["alice"]["partners.school_count"] == 3


def test_limit_responses_is_honoured(activity, complete_worksheet):
    for student in ("a", "b", "c"):
        activity.post("submit", {"worksheet": complete_worksheet}, student=student)
    rows = list(activity.block().generate_report_data(stored_states(activity.usage_id), limit_responses=2))
    assert len(rows) == 2
