"""
``survey_summary`` records: a survey's tallies, queued by the delivery run as answers change (never
in the learner's request), throttled by ETWINNING_SURVEY_SUMMARY_INTERVAL, and brought up to date
by ``etwinning_reconcile``; through the real survey block in the workbench.
"""

import io
from datetime import timedelta

import jsonschema
import pytest
from django.core.management import call_command
from django.utils import timezone

from etwinning_plugin.models import OutboxRecord
from etwinning_plugin.reporting import contract, outbox, records
from etwinning_plugin.reporting.summaries import queue_survey_summaries
from reference_receiver.models import ReceivedRecord

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def summaries_from_one_response(settings):
    """Most tests here count one to three answers; the minimum has its own test below."""
    settings.ETWINNING_SURVEY_SUMMARY_MINIMUM = 1


@pytest.fixture
def survey(scenario_factory):
    return scenario_factory('<vertical_demo><etwinning_survey anonymous="true"/></vertical_demo>', "etwinning_survey")


def answer(survey, student: str, value: int) -> None:
    from skillslab_xblock.survey import NSS_ITEMS

    answers = {item["key"]: value for item in NSS_ITEMS}
    assert survey.post("submit", {"answers": answers}, student=student).status == 200


def summaries() -> list[dict]:
    return [r.payload for r in OutboxRecord.objects.filter(record_type="survey_summary").order_by("id")]


def test_a_summary_counts_the_stored_answers_and_matches_its_schema(survey):
    for student, value in (("anna", 5), ("luis", 4), ("maria", 2)):
        answer(survey, student, value)
    assert summaries() == []  # the learners' requests queued responses, not summaries
    assert queue_survey_summaries().queued == 1
    [summary] = summaries()
    jsonschema.validate(summary, contract.schema("survey_summary"), format_checker=jsonschema.FormatChecker())
    items = {item["key"]: item for item in summary["items"]}
    assert summary["responses"] == 3 and len(items) == 7
    assert items["satisfaction"] == {"key": "satisfaction", "answered": 3, "positive": 2, "percent_positive": 66.67,
                                     "counts": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}}
    assert "learner" not in summary  # tallies only, nobody named


def test_a_new_summary_only_when_answers_changed_and_the_interval_passed(survey):
    answer(survey, "anna", 5)
    queue_survey_summaries()
    assert queue_survey_summaries().queued == 0  # nothing new
    answer(survey, "luis", 1)
    held = queue_survey_summaries()
    assert (held.queued, held.held_back) == (0, 1)
    assert timedelta(minutes=59) < held.next_due - timezone.now() <= timedelta(hours=1)
    later = queue_survey_summaries(now=timezone.now() + timedelta(hours=1, seconds=1))
    assert later.queued == 1
    first, second = summaries()
    assert (first["responses"], second["responses"]) == (1, 2)
    assert first["idempotency_key"] != second["idempotency_key"]


def test_reconcile_brings_every_summary_up_to_date_and_delivery_sends_it(survey, nss):
    answer(survey, "anna", 4)
    queue_survey_summaries()
    answer(survey, "luis", 4)
    out = io.StringIO()
    call_command("etwinning_reconcile", stdout=out, stderr=io.StringIO())
    assert "(1 survey summaries, 1 site summary of the current school year)" in out.getvalue()
    assert [s["responses"] for s in summaries()] == [1, 2]
    outbox.deliver_all()
    received = ReceivedRecord.objects.filter(record_type="survey_summary").order_by("id")
    assert [r.payload["responses"] for r in received] == [1, 2]


def test_the_deliver_command_queues_due_summaries_and_shows_progress(survey, nss):
    answer(survey, "anna", 3)
    out, err = io.StringIO(), io.StringIO()
    call_command("etwinning_deliver", stdout=out, stderr=err)
    assert "survey summaries queued 1" in out.getvalue()
    assert "delivered 1" in out.getvalue() and "sent 1, delivered 1" in err.getvalue()  # the summary (anonymous)


def test_without_the_reporting_secrets_nothing_is_queued(survey, settings):
    answer(survey, "anna", 5)
    settings.ETWINNING_NSS_SECRET = ""
    assert queue_survey_summaries().queued == 0 and summaries() == []


def test_every_record_type_has_its_schema():
    for record_type in records.TYPES:
        assert contract.schema(record_type)["properties"]["type"] == {"const": record_type}


def test_a_held_back_summary_gets_one_follow_up_run_however_many_runs_see_it(survey, settings):
    from django.core.cache import cache

    import tests.celery_app  # noqa: F401 - the Celery app (in-memory broker) the task schedules with
    from etwinning_plugin.tasks import deliver_pending_reports

    cache.clear()
    answer(survey, "anna", 5)
    deliver_pending_reports()  # queues the first summary
    answer(survey, "luis", 5)
    scheduled = []
    original = deliver_pending_reports.apply_async
    # a spy: each call is still published, to the in-memory broker
    deliver_pending_reports.apply_async = lambda **kwargs: (scheduled.append(kwargs["eta"]), original(**kwargs))
    try:
        for _ in range(3):
            deliver_pending_reports()  # each run sees the held-back summary
    finally:
        deliver_pending_reports.apply_async = original
    assert len(scheduled) == 1 and scheduled[0] > timezone.now() + timedelta(minutes=59)


def test_no_summary_before_the_minimum_number_of_responses(survey, settings):
    """One to four people's tallies are their answers: the NSS could pair them with completions."""
    settings.ETWINNING_SURVEY_SUMMARY_MINIMUM = 5
    for number in range(4):
        answer(survey, f"teacher{number}", 5)
    run = queue_survey_summaries()
    assert (run.queued, run.too_few) == (0, 1) and summaries() == []
    answer(survey, "teacher4", 1)
    assert queue_survey_summaries().queued == 1
    assert summaries()[0]["responses"] == 5
