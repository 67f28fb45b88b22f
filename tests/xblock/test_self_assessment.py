"""
The pre/post self-assessment (issue 14, point 2): a level per SELFIE area at the start and at the
end of a course, paired per teacher; growth exact on a cohort with known answers, through the real
handlers; an anonymous one pairs by a pseudonym of that self-assessment alone.
"""

import datetime as dt

import pytest

from etwinning_plugin.api import self_assessments
from etwinning_plugin.models import SelfAssessment, SelfAssessmentAnswer
from etwinning_plugin.reports.figures import figures, figures_csv_rows
from etwinning_plugin.reports.scopes import Scope
from skillslab_xblock.domain.selfie import SELFIE_AREAS

AREAS = [area["key"] for area in SELFIE_AREAS]
PAIR = ('<vertical_demo><etwinning_self_assessment phase="before"{attrs}/>'
        '<etwinning_self_assessment phase="after"{attrs}/></vertical_demo>')

# The cohort: eight teachers answer both; "ida" and "jon" only at the start, "kim" only at the end.
# Professional engagement moves as below; every other area stays at A2 (2).
ENGAGEMENT_BEFORE = [1, 2, 2, 3, 3, 4, 2, 1]
ENGAGEMENT_AFTER = [3, 3, 2, 3, 4, 4, 3, 2]
TEACHERS = [f"t{n}" for n in range(8)]


def levels(engagement: int) -> dict[str, int]:
    return {**dict.fromkeys(AREAS, 2), "professional_engagement": engagement}


@pytest.fixture
def pair(scenario_factory):
    def make(attrs: str = ""):
        scenario = scenario_factory(PAIR.format(attrs=attrs), "etwinning_self_assessment")
        scenario.before, scenario.after = scenario.usage_ids("etwinning_self_assessment")
        return scenario
    return make


def answer(scenario, student: str, phase: str, engagement: int, lang: str = "en"):
    usage_id = scenario.before if phase == "before" else scenario.after
    return scenario.post("submit", {"answers": levels(engagement)}, student=student, usage_id=usage_id, lang=lang)


def answer_cohort(scenario) -> None:
    for teacher, before, after in zip(TEACHERS, ENGAGEMENT_BEFORE, ENGAGEMENT_AFTER, strict=True):
        assert answer(scenario, teacher, "before", before).status == 200
        assert answer(scenario, teacher, "after", after).status == 200
    for loner in ("ida", "jon"):
        assert answer(scenario, loner, "before", 5).status == 200
    assert answer(scenario, "kim", "after", 6).status == 200


def test_growth_is_exact_on_a_cohort_with_known_answers(pair):
    scenario = pair()
    answer_cohort(scenario)
    [growth] = figures(Scope(run=scenario.course_key))["self_assessments"]
    assert (growth["key"], growth["threshold"], growth["threshold_name"]) == ("selfie", 3, "B1")
    assert (growth["pre_responses"], growth["post_responses"], growth["paired"]) == (10, 9, 8)
    by_area = {line["key"]: line for line in growth["areas"]}
    assert [line["key"] for line in growth["areas"]] == AREAS
    engagement = by_area["professional_engagement"]
    # At B1 or above: 3 of 8 before (3, 3, 4), 6 of 8 after; up a level: 1→3, 2→3, 3→4, 2→3, 1→2.
    assert {k: engagement[k] for k in ("paired", "before", "after", "moved_up")} == \
        {"paired": 8, "before": 3, "after": 6, "moved_up": 5}
    assert (engagement["percent_before"], engagement["percent_after"], engagement["growth_points"]) == \
        (37.5, 75.0, 37.5)
    assert engagement["levels_before"] == [2, 3, 2, 1, 0, 0]
    assert engagement["levels_after"] == [0, 2, 4, 2, 0, 0]
    assert {k: by_area["assessment"][k] for k in ("paired", "before", "after", "moved_up", "growth_points")} == \
        {"paired": 8, "before": 0, "after": 0, "moved_up": 0, "growth_points": 0.0}
    # Overall, the mean over six areas rounded down: nobody reaches B1; the two who started with
    # engagement at A1 (mean 1.83, so A1) reach A2 (means 2.17 and 2.0).
    assert {k: growth["overall"][k] for k in ("paired", "before", "after", "moved_up")} == \
        {"paired": 8, "before": 0, "after": 0, "moved_up": 2}


def test_growth_across_runs_sums_the_pairs_of_each_run(db):
    """A teacher is paired within a run: two runs of a course add up, each run's start with its own end."""
    description = self_assessments.Description(3, ["A1", "A2", "B1", "B2", "C1", "C2"], SELFIE_AREAS)
    for run, shift in (("course-v1:NSS+SkillsLabs+2025", 0), ("course-v1:NSS+SkillsLabs+2026", 1)):
        for phase, level in (("before", 2 + shift), ("after", 3 + shift)):
            ref = self_assessments.AssessmentRef(run, f"block-{run}-{phase}", "selfie", phase)
            self_assessments.submit(ref, "same-teacher", levels(level), description, allow_changes=True)
    [growth] = figures(Scope(course="NSS+SkillsLabs"))["self_assessments"]
    engagement = growth["areas"][0]
    assert (growth["paired"], engagement["paired"], engagement["before"], engagement["after"]) == (2, 2, 1, 2)
    [one_run] = figures(Scope(run="course-v1:NSS+SkillsLabs+2025"))["self_assessments"]
    assert (one_run["paired"], one_run["areas"][0]["before"], one_run["areas"][0]["after"]) == (1, 0, 1)


def test_the_figures_csv_carries_the_growth_with_its_denominators(pair):
    scenario = pair()
    answer_cohort(scenario)
    rows = figures_csv_rows(figures(Scope(run=scenario.course_key)))
    assert ["self_assessment:selfie:professional_engagement:before", 3, 37.5, 8] in rows
    assert ["self_assessment:selfie:professional_engagement:after", 6, 75.0, 8] in rows
    assert ["self_assessment:selfie:professional_engagement:growth_points", "", 37.5, ""] in rows


def test_an_anonymous_self_assessment_pairs_by_its_own_pseudonym_only(pair):
    scenario = pair(' anonymous="true"')
    answer_cohort(scenario)
    rows = SelfAssessmentAnswer.objects.all()
    assert rows.count() == (8 * 2 + 3) * len(AREAS)
    respondents = set(rows.values_list("respondent", flat=True))
    assert len(respondents) == 11
    assert not respondents & {*TEACHERS, "ida", "jon", "kim"}
    assert set(rows.values_list("learner_id", flat=True)) == {None}
    # Only the month is kept (the platform's completion times would pair a day with a teacher), and
    # rows carry no sequence: their order says nothing about who answered first.
    assert {(r.answered_at.day, r.answered_at.hour, r.answered_at.minute) for r in rows} == {(1, 0, 0)}
    by_row = list(rows.filter(phase="before", area="assessment").order_by("pk").values_list("respondent", flat=True))
    before_ref = self_assessments.AssessmentRef(scenario.course_key, scenario.before, "selfie", "before",
                                                anonymous=True)
    in_order = [self_assessments.respondent(before_ref, t) for t in [*TEACHERS, "ida", "jon"]]
    assert sorted(by_row) == sorted(in_order) and by_row != in_order
    # The same teacher has another pseudonym in another self-assessment, and another in another run.
    ref = self_assessments.AssessmentRef(scenario.course_key, scenario.before, "selfie", "before", anonymous=True)
    other = self_assessments.AssessmentRef(scenario.course_key, scenario.before, "digital", "before", anonymous=True)
    other_run = self_assessments.AssessmentRef("course-v1:X+Y+Z", scenario.before, "selfie", "before", anonymous=True)
    mine = self_assessments.respondent(ref, "t0")
    assert mine in respondents
    assert len({mine, self_assessments.respondent(other, "t0"), self_assessments.respondent(other_run, "t0")}) == 3
    [growth] = figures(Scope(run=scenario.course_key))["self_assessments"]
    assert (growth["paired"], growth["areas"][0]["before"], growth["areas"][0]["after"]) == (8, 3, 6)
    # No staff report row can name anyone.
    block = scenario.block("staff", scenario.before)
    assert list(block.generate_report_data(iter([]))) == []


def test_a_teacher_sees_their_own_levels_before_and_now(pair):
    scenario = pair()
    assert answer(scenario, "t0", "before", 1).status == 200
    result = answer(scenario, "t0", "after", 3)
    assert result.body["own_growth"][0] == {"text": SELFIE_AREAS[0]["text"]["en"], "before": "A1", "now": "B1",
                                           "moved": 2}
    assert "(up 2 levels)" in result.body["results_html"]
    page = scenario.render(student="t0")
    assert "Your levels at the start and now" in page
    greek = scenario.render(student="t0", lang="el")
    assert "Νεοεισερχόμενος/η" in greek and "Επαγγελματική δέσμευση" in greek


def test_staff_see_the_growth_of_the_run_and_download_it(pair):
    scenario = pair()
    answer_cohort(scenario)
    page = scenario.render(student="staff")
    assert "8 teachers answered both the start and the end." in page
    assert "37.50% (3/8)" in page and "75.00% (6/8)" in page and "+37.50" in page
    csv_response = scenario.client.get(f"/handler/{scenario.before}/results_csv/?student=staff")
    text = csv_response.content.decode("utf-8-sig")
    assert "professional_engagement," in text and ",8,3,37.50,6,75.00,37.50,5" in text
    refused = scenario.client.get(f"/handler/{scenario.before}/results_csv/?student=t0")
    assert refused.status_code == 403


@pytest.mark.parametrize("body, field", [
    ({"answers": {**levels(3), "professional_engagement": 7}}, "professional_engagement"),
    ({"answers": {**levels(3), "professional_engagement": 0}}, "professional_engagement"),
    ({"answers": {**levels(3), "professional_engagement": "3"}}, "professional_engagement"),
    ({"answers": {**levels(3), "professional_engagement": True}}, "professional_engagement"),
    ({"answers": {**levels(3), "unknown_area": 3}}, "unknown_area"),
    ({"answers": {k: v for k, v in levels(3).items() if k != "assessment"}}, "assessment"),
])
def test_bad_answers_are_refused_per_item_and_change_nothing(pair, body, field):
    scenario = pair()
    assert answer(scenario, "t0", "before", 2).status == 200
    stored = list(SelfAssessmentAnswer.objects.values_list("area", "level", "answered_at"))
    result = scenario.post("submit", body, student="t0", usage_id=scenario.before, lang="el")
    assert result.status == 400
    assert field in result.body["field_errors"]
    assert result.body["error"] == "Οι απαντήσεις σας δεν αποθηκεύτηκαν. Ελέγξτε τις σημειωμένες ερωτήσεις."
    assert list(SelfAssessmentAnswer.objects.values_list("area", "level", "answered_at")) == stored


@pytest.mark.parametrize("body", [[], {"answers": []}, {"answers": levels(3), "comment": "x"}, {"answers": None}])
def test_malformed_bodies_are_refused(pair, body):
    scenario = pair()
    result = scenario.post("submit", body, student="t0", usage_id=scenario.before)
    assert result.status == 400
    assert not SelfAssessmentAnswer.objects.exists()


def test_a_closed_or_unchangeable_self_assessment_keeps_the_first_answers(pair):
    scenario = pair(' allow_changes="false"')
    assert answer(scenario, "t0", "before", 2).status == 200
    again = answer(scenario, "t0", "before", 5)
    assert again.status == 409
    assert set(SelfAssessmentAnswer.objects.filter(area="professional_engagement").values_list("level", flat=True)) \
        == {2}
    closed = pair(' deadline="2020-01-01T00:00:00+00:00"')
    assert answer(closed, "t1", "before", 2).status == 403


def test_settings_are_checked_and_pairing_is_fixed_once_answered(pair):
    scenario = pair()
    result = scenario.post("studio_submit", {"phase": "middle", "assessment": "Bad Name!", "threshold": 7},
                           student="staff", usage_id=scenario.before)
    assert result.status == 400
    assert set(result.body["field_errors"]) == {"phase", "assessment", "threshold"}
    assert scenario.post("studio_submit", {"assessment": "selfie-2026", "threshold": 4}, student="staff",
                         usage_id=scenario.before).status == 200
    assert answer(scenario, "t0", "before", 2).status == 200
    refused = scenario.post("studio_submit", {"assessment": "other"}, student="staff", usage_id=scenario.before)
    assert refused.status == 400 and "assessment" in refused.body["field_errors"]
    assert scenario.block("staff", scenario.before).assessment == "selfie-2026"
    assert SelfAssessment.objects.get().threshold == 4


def test_a_pair_counts_in_the_school_year_of_its_end(pair, monkeypatch):
    from django.utils import timezone  # noqa: PLC0415

    scenario = pair()
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 8, 20, tzinfo=dt.UTC))
    assert answer(scenario, "t0", "before", 1).status == 200
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 9, 20, tzinfo=dt.UTC))
    assert answer(scenario, "t0", "after", 4).status == 200
    growth_of = {year: figures(Scope(school_year=year))["self_assessments"] for year in ("2025-26", "2026-27")}
    assert growth_of["2025-26"][0]["paired"] == 0
    assert growth_of["2026-27"][0]["paired"] == 1


def growth_records() -> list[dict]:
    from etwinning_plugin.models import OutboxRecord  # noqa: PLC0415

    return [r.payload for r in OutboxRecord.objects.filter(record_type="self_assessment_summary").order_by("id")]


def test_the_nss_receives_the_growth_of_a_run_once_enough_teachers_answered_both(pair, settings):
    """A summary per run and assessment, from the delivery run, not before 5 pairs, matching its schema."""
    import jsonschema  # noqa: PLC0415

    from etwinning_plugin.reporting import contract  # noqa: PLC0415
    from etwinning_plugin.reporting.summaries import queue_survey_summaries  # noqa: PLC0415

    settings.ETWINNING_SURVEY_SUMMARY_MINIMUM = 5
    scenario = pair()
    for teacher, before, after in list(zip(TEACHERS, ENGAGEMENT_BEFORE, ENGAGEMENT_AFTER, strict=True))[:4]:
        answer(scenario, teacher, "before", before)
        answer(scenario, teacher, "after", after)
    assert queue_survey_summaries().too_few == 1 and growth_records() == []
    answer_cohort(scenario)
    assert queue_survey_summaries().queued == 1
    [record] = growth_records()
    jsonschema.validate(record, contract.schema("self_assessment_summary"),
                        format_checker=jsonschema.FormatChecker())
    assert (record["course_id"], record["assessment"], record["threshold"], record["paired"]) == \
        (scenario.course_key, "selfie", "B1", 8)
    assert record["areas"][0] == {"key": "professional_engagement", "paired": 8, "before": 3, "after": 6,
                                  "percent_before": 37.5, "percent_after": 75.0, "growth_points": 37.5,
                                  "moved_up": 5, "levels_before": [2, 3, 2, 1, 0, 0],
                                  "levels_after": [0, 2, 4, 2, 0, 0]}
    assert "learner" not in record and "t0" not in str(record)
    assert queue_survey_summaries(interval=0).queued == 0  # nothing changed since


def test_retirement_unlinks_named_and_anonymous_answers_and_keeps_the_pairs(pair):
    from etwinning_plugin.retirement import retire  # noqa: PLC0415

    named, anonymous = pair(), pair(' anonymous="true"')
    for scenario in (named, anonymous):
        answer_cohort(scenario)
    before = [figures(Scope(run=s.course_key))["self_assessments"] for s in (named, anonymous)]
    ref = self_assessments.AssessmentRef(anonymous.course_key, anonymous.before, "selfie", "before", anonymous=True)
    pseudonym = self_assessments.respondent(ref, "t0")
    token = retire("t0")
    assert not SelfAssessmentAnswer.objects.filter(respondent__in=["t0", pseudonym]).exists()
    assert not SelfAssessmentAnswer.objects.filter(learner_id="t0").exists()
    assert SelfAssessmentAnswer.objects.filter(respondent=token).count() == 2 * len(AREAS)  # the named one's
    # Still paired with each other, so the figures do not change.
    assert [figures(Scope(run=s.course_key))["self_assessments"] for s in (named, anonymous)] == before


def test_the_documented_olx_imports_and_exports_the_same(scenario_factory):
    """The example of docs/authors.md §14.5, imported, exported and imported again."""
    import re  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from tests.xblock.test_activity_olx import export  # noqa: PLC0415

    guide = (Path(__file__).parents[2] / "docs" / "authors.md").read_text(encoding="utf-8")
    section = guide.split("### 14.5 OLX", 1)[1]
    olx = re.search(r"```xml\n(.*?)```", section, re.S).group(1)
    imported = scenario_factory(olx, "etwinning_self_assessment")
    block = imported.block()
    assert (block.phase, block.assessment, block.threshold, block.anonymous) == ("before", "selfie", 3, True)
    assert block.items == [{"key": "etwinning_projects", "text": {
        "el": "Έργα eTwinning: σχεδιάζω και υλοποιώ έργα με σχολεία-εταίρους.",
        "en": "eTwinning projects: planning and running projects with partner schools."}}]
    first = export(block)
    again = scenario_factory(first.decode().split("?>", 1)[1], "etwinning_self_assessment")
    assert export(again.block()) == first


@pytest.mark.parametrize("attrs", ['phase="middle"', 'assessment="Two words"', 'threshold="7"', 'threshold="²"'])
def test_an_import_with_a_bad_setting_is_refused(scenario_factory, attrs):
    from skillslab_xblock.support.olx import OLXRejected  # noqa: PLC0415

    with pytest.raises(OLXRejected):
        scenario_factory(f"<etwinning_self_assessment {attrs}/>", "etwinning_self_assessment")


def test_a_teacher_who_answered_a_named_self_assessment_is_active(pair):
    from django.utils import timezone  # noqa: PLC0415

    from etwinning_plugin.models import EnrollmentFact  # noqa: PLC0415

    named, anonymous = pair(), pair(' anonymous="true"')
    for scenario in (named, anonymous):
        for teacher in ("t0", "t1", "ida"):
            EnrollmentFact.objects.create(course_key=scenario.course_key, user_id=teacher, updated_at=timezone.now())
        assert answer(scenario, "t0", "before", 2).status == 200
        assert answer(scenario, "ida", "after", 3).status == 200
    assert figures(Scope(run=named.course_key))["active"] == 2
    # An anonymous one leaves no row naming the teacher, so it cannot count them (docs/nss-contract.md).
    assert figures(Scope(run=anonymous.course_key))["active"] == 0


def test_two_first_submissions_at_once_keep_one_set_and_answer_409_not_500(pair, monkeypatch):
    """
    The second request did not see the first's rows (both looked before either wrote): the unique
    index refuses it, and the teacher is asked to try again (the old code answered 500).
    """
    scenario = pair()
    assert answer(scenario, "t0", "before", 2).status == 200
    stored = sorted(SelfAssessmentAnswer.objects.values_list("area", "level"))
    monkeypatch.setattr(self_assessments, "_answers", lambda *args: SelfAssessmentAnswer.objects.none())
    late = answer(scenario, "t0", "before", 5, lang="el")
    assert late.status == 409
    assert late.body["error"] == "Δεν ήταν δυνατό να αποθηκευτούν οι απαντήσεις σας αυτή τη στιγμή. Δοκιμάστε ξανά."
    assert sorted(SelfAssessmentAnswer.objects.values_list("area", "level")) == stored
