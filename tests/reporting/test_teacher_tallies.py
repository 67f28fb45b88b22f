"""
Teachers' tallies (``reports/teacher_tallies.py``): the figures count one row per teacher and place
(the site, a course, a run). They must give exactly what counting every enrolment and activity of
the scope gives (``reports/from_facts.py``, their specification), on any facts, after any change,
and forget a retired learner.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etwinning_plugin.models import (
    CompletionFact,
    DocumentRevision,
    EnrollmentDay,
    EnrollmentFact,
    PartnershipCard,
    PlaceTotal,
    SharedDocument,
    StepSubmission,
    SurveyParticipation,
    TallyDue,
    TeacherTally,
)
from etwinning_plugin.reports import from_facts, teacher_tallies, timeline
from etwinning_plugin.reports.scopes import Scope

pytestmark = pytest.mark.django_db
RUNS = ["course-v1:NSS+SkillsLabs+2024", "course-v1:NSS+SkillsLabs+2025", "course-v1:NSS+Coding+2025",
        "NSS/Old/2019"]  # an old-style key belongs to no course, only to the site
# Around the school years' edges: 31 August and 1 September, in UTC.
MOMENTS = [datetime(2024, 8, 31, 23, 59, tzinfo=UTC), datetime(2024, 9, 1, 0, 0, tzinfo=UTC),
           datetime(2025, 3, 10, 12, tzinfo=UTC), datetime(2025, 8, 31, 23, 59, 59, tzinfo=UTC),
           datetime(2025, 9, 1, 0, 0, 1, tzinfo=UTC)]
TEACHERS = [str(n) for n in range(1, 7)]
SCOPES = [Scope(), Scope(course="NSS+SkillsLabs"), Scope(course="NSS+Coding"), Scope(course="NSS+Other"),
          *(Scope(run=run) for run in RUNS),
          *(Scope(course=course, school_year=year) for course in ("", "NSS+SkillsLabs", "NSS+Coding")
            for year in ("2023-24", "2024-25", "2025-26")),
          *(Scope(run=run, school_year=year) for run in RUNS[1:3] for year in ("2024-25", "2025-26"))]

enrolments = st.lists(st.tuples(st.sampled_from(TEACHERS), st.sampled_from(RUNS), st.booleans(),
                                st.one_of(st.none(), st.sampled_from(MOMENTS)), st.sampled_from(MOMENTS)),
                      max_size=12, unique_by=lambda e: (e[0], e[1]))
completions = st.lists(st.tuples(st.sampled_from(TEACHERS), st.sampled_from(RUNS), st.booleans(),
                                 st.one_of(st.none(), st.sampled_from(MOMENTS)),
                                 st.sampled_from(["", "downloadable", "notpassing"]), st.sampled_from(MOMENTS)),
                       max_size=8, unique_by=lambda c: (c[0], c[1]))
activities = st.lists(st.tuples(st.sampled_from(["submission", "revision", "participation", "card"]),
                                st.sampled_from(TEACHERS), st.sampled_from(RUNS), st.sampled_from(MOMENTS)),
                      max_size=8, unique_by=lambda a: (a[0], a[1], a[2]))


def counted_from_facts(scope: Scope) -> teacher_tallies.TeacherCounts:
    return from_facts.counted(scope)


def store(enrolled, completed, did) -> None:
    for user, run, active, enrolled_at, updated_at in enrolled:
        EnrollmentFact.objects.create(course_key=run, user_id=user, is_active=active, enrolled_at=enrolled_at,
                                      updated_at=updated_at)
    for user, run, passing, passed_at, certificate, updated_at in completed:
        CompletionFact.objects.create(course_key=run, user_id=user, is_passing=passing, passed_at=passed_at,
                                      certificate_status=certificate, updated_at=updated_at)
    for kind, user, run, moment in did:
        if kind == "submission":
            StepSubmission.objects.create(course_key=run, usage_key=f"{run}/step", owner_key=f"learner:{user}",
                                          title="Step", answers={}, submitted_by=user, submitted_at=moment)
        elif kind == "revision":
            document = SharedDocument.objects.create(course_key=run, usage_key=f"{run}/sheet",
                                                     owner_key=f"learner:{user}", kind="worksheet")
            revision = DocumentRevision.objects.create(document=document, version=1, base_version=0, author_id=user,
                                                       changes={})
            DocumentRevision.objects.filter(pk=revision.pk).update(created_at=moment)
        elif kind == "participation":
            SurveyParticipation.objects.create(course_key=run, usage_key=f"{run}/survey", learner_id=user,
                                               submitted_at=moment)
        else:
            card = PartnershipCard.objects.create(course_key=run, learner_id=user, school_name="School")
            PartnershipCard.objects.filter(pk=card.pk).update(created_at=moment)


# Derandomised, as the handlers' fuzz: the same examples every run, so a failure is one to reproduce, not luck.
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(enrolled=enrolments, completed=completions, did=activities, later=enrolments)
def test_the_tallies_count_exactly_what_the_facts_give_in_every_scope(enrolled, completed, did, later):
    for model in (TeacherTally, TallyDue, PlaceTotal, EnrollmentDay):
        model.objects.all().delete()
    for model in (EnrollmentFact, CompletionFact, StepSubmission, SharedDocument, SurveyParticipation,
                  PartnershipCard):
        model.objects.all().delete()
    store(enrolled, completed, did)
    teacher_tallies.mark_all_due()  # the upgrade's path: every teacher with a fact
    counted_exactly()
    # Then enrolments change (new ones, or ones left and come back, on other dates): the teachers'
    # rows are made again over their old ones, and the totals follow.
    for user, run, active, enrolled_at, updated_at in later:
        EnrollmentFact.objects.update_or_create(course_key=run, user_id=user, defaults={
            "is_active": active, "enrolled_at": enrolled_at, "updated_at": updated_at})
    teacher_tallies.mark_due([user for user, *_ in later])
    counted_exactly()


def counted_exactly() -> None:
    for scope in SCOPES:
        assert teacher_tallies.counts(scope) == counted_from_facts(scope), scope.label
        assert timeline.enrolments_per_day(scope) == from_facts.enrolments_per_day(scope), scope.label
    assert not TallyDue.objects.exists()
    for scope in (Scope(), Scope(course="NSS+SkillsLabs"), Scope(school_year="2025-26")):  # the runs side by side
        for run, counted in teacher_tallies.runs(scope).items():
            one = counted_from_facts(Scope(run=run, school_year=scope.school_year))
            assert counted == teacher_tallies.TeacherCounts(0, one.enrolled, one.active, one.completed), run


def test_a_change_to_one_teacher_is_counted_at_the_next_count_and_nothing_is_counted_twice():
    start = datetime(2025, 10, 1, tzinfo=UTC)
    store([("1", RUNS[0], True, start, start), ("1", RUNS[1], True, start, start), ("2", RUNS[1], True, start, start)],
          [], [])
    teacher_tallies.mark_due(["1", "2"])
    site = Scope()
    assert teacher_tallies.counts(site) == teacher_tallies.TeacherCounts(2, 2, 0, 0)
    rows = TeacherTally.objects.count()
    assert teacher_tallies.counts(site) == teacher_tallies.TeacherCounts(2, 2, 0, 0)  # settled: nothing made again
    assert TeacherTally.objects.count() == rows

    # Teacher 2 leaves; teacher 1 submits a step in the second run: marked by the write, counted next.
    EnrollmentFact.objects.filter(user_id="2").update(is_active=False)
    teacher_tallies.mark_due(["2"])
    StepSubmission.objects.create(course_key=RUNS[1], usage_key="s", owner_key="learner:1", title="Step",
                                  answers={}, submitted_by="1", submitted_at=start + timedelta(days=3))
    teacher_tallies.mark_due(["1"])
    assert teacher_tallies.counts(site) == teacher_tallies.TeacherCounts(2, 1, 1, 0)
    assert teacher_tallies.counts(Scope(school_year="2025-26")) == counted_from_facts(Scope(school_year="2025-26"))
    # Teacher 1 is one row per place however many runs: the site, the course and each run, all time and 2025-26.
    assert set(TeacherTally.objects.filter(user_id="1").values_list("place", "school_year")) == {
        (place, year) for place in ("", "NSS+SkillsLabs", RUNS[0], RUNS[1]) for year in ("", "2025-26")}


def test_a_run_belongs_to_its_course_and_an_old_style_key_to_none():
    assert teacher_tallies.course_of(RUNS[0]) == "NSS+SkillsLabs"
    assert teacher_tallies.course_of("NSS/Old/2019") is None


@contextmanager
def upgraded_from(migration: str):
    """The database at ``migration``, its models to fill (yielded), then migrated to the latest."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("etwinning_plugin", migration)]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    yield lambda name: old.get_model("etwinning_plugin", name)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("etwinning_plugin"))


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_makes_the_tallies_of_the_teachers_a_site_already_has():
    """Migration 0013 marks every teacher with a fact due, so the first count after the upgrade is exact."""
    moment = datetime(2025, 10, 1, tzinfo=UTC)
    with upgraded_from("0012_figures_indexes") as model:
        model("EnrollmentFact").objects.create(
            course_key=RUNS[0], user_id="7", is_active=True, enrolled_at=moment, updated_at=moment)
        model("CompletionFact").objects.create(
            course_key=RUNS[1], user_id="8", is_passing=True, passed_at=moment, updated_at=moment)

    assert set(TallyDue.objects.values_list("user_id", flat=True)) == {"7", "8"}
    assert teacher_tallies.counts(Scope()) == teacher_tallies.TeacherCounts(1, 1, 0, 1)


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_adds_up_the_tallies_a_site_already_made():
    """Migration 0015 makes every place's totals from the rows already there, in the server."""
    days = [datetime(2025, 10, 1, 23, 59, tzinfo=UTC), datetime(2025, 10, 2, tzinfo=UTC), None]
    with upgraded_from("0014_survey_wording") as model:
        for user_id, enrolled, active, day in zip(("1", "2", "3"), (True, True, False), (True, False, False), days,
                                                  strict=True):
            model("EnrollmentFact").objects.create(
                course_key=RUNS[0], user_id=user_id, is_active=enrolled, enrolled_at=day, updated_at=days[0])
            for level, place in ((TeacherTally.SITE, ""), (TeacherTally.RUN, RUNS[0])):
                model("TeacherTally").objects.create(user_id=user_id, level=level, place=place, school_year="",
                                                     ever_enrolled=True, enrolled=enrolled, active=active)

    assert teacher_tallies.counts(Scope()) == teacher_tallies.TeacherCounts(3, 2, 1, 0)
    assert teacher_tallies.runs(Scope()) == {RUNS[0]: teacher_tallies.TeacherCounts(0, 2, 1, 0)}
    assert timeline.enrolments_per_day(Scope()) == from_facts.enrolments_per_day(Scope()) == {
        date(2025, 10, 1): 1, date(2025, 10, 2): 1}


def test_the_command_makes_every_teachers_tallies_again_from_their_facts():
    import io

    from django.core.management import call_command

    moment = datetime(2025, 10, 1, tzinfo=UTC)
    store([("1", RUNS[0], True, moment, moment), ("2", RUNS[2], True, moment, moment)], [], [])
    TeacherTally.objects.create(user_id="1", level=TeacherTally.SITE, place="", school_year="",
                                enrolled=False)  # a row gone wrong ...
    PlaceTotal.objects.create(level=TeacherTally.RUN, place=RUNS[2], school_year="", enrolled=5)  # ... and a total
    out = io.StringIO()
    call_command("etwinning_tallies", "--all", "--batch", "1", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("2 teachers' tallies made")
    assert not TallyDue.objects.exists()
    assert TeacherTally.objects.get(user_id="1", place="", school_year="").enrolled
    assert teacher_tallies.counts(Scope()) == counted_from_facts(Scope())
    assert teacher_tallies.counts(Scope(run=RUNS[2])) == counted_from_facts(Scope(run=RUNS[2]))


def test_a_retired_learner_leaves_no_tally_under_their_id_and_still_counts_once_under_the_token():
    from types import SimpleNamespace

    from etwinning_plugin.receivers import retire_learner

    moment = datetime(2025, 10, 1, tzinfo=UTC)
    store([("anna", RUNS[0], True, moment, moment)], [("anna", RUNS[0], True, moment, "", moment)],
          [("submission", "anna", RUNS[0], moment)])
    teacher_tallies.mark_due(["anna"])
    before = teacher_tallies.counts(Scope())
    assert before == teacher_tallies.TeacherCounts(1, 1, 1, 1)
    teacher_tallies.mark_due(["anna"])  # due again when she is retired: the mark names her too
    retire_learner(sender=None, user=SimpleNamespace(id="anna"))
    assert not TeacherTally.objects.filter(user_id="anna").exists()
    assert not TallyDue.objects.filter(user_id="anna").exists()
    assert teacher_tallies.counts(Scope()) == before
    assert TeacherTally.objects.filter(user_id__startswith="retired-").count() == 6  # site, course, run; x2 years


def test_the_worker_makes_a_bounded_share_after_delivery_and_holds_the_site_summary_while_a_backlog_waits(
        monkeypatch, settings):
    from etwinning_plugin import tasks

    moment = datetime(2025, 10, 1, tzinfo=UTC)
    store([(str(n), RUNS[0], True, moment, moment) for n in range(5)], [], [])
    teacher_tallies.mark_all_due()
    summaries = []
    monkeypatch.setattr(tasks, "TALLIES_PER_RUN", 2)
    monkeypatch.setattr(tasks, "queue_site_summary", lambda: summaries.append(TallyDue.objects.count()))
    settings.CELERY_TASK_ALWAYS_EAGER = True

    tasks.deliver_pending_reports()  # 5 due: the summary waits; 2 made after delivery
    assert summaries == [] and TallyDue.objects.count() == 3
    tasks.deliver_pending_reports()  # 3 due, more than 2: still waits; 2 more made
    assert summaries == [] and TallyDue.objects.count() == 1
    tasks.deliver_pending_reports()  # 1 due: the summary is counted (its figures make the last one)
    assert summaries == [1]
    assert not TallyDue.objects.exists()
