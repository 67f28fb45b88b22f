"""
manage.py etwinning_deliver [--replay-dead [--course-id C]]: send the outbox now, or replay dead letters.
manage.py etwinning_deliver --status: the delivery's health, changing nothing; exits 1 when something
needs an operator (dead letters, or a record waiting longer than an hour).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count, Min
from django.utils import timezone

from etwinning_plugin.models import OutboxRecord, PlatformEventReceipt
from etwinning_plugin.reporting.facts import prune_recorded_events, record_pending_events
from etwinning_plugin.reporting.outbox import BatchOutcome, deliver_all, prune_delivered_records, replay_dead
from etwinning_plugin.reporting.summaries import queue_survey_summaries

STALE_AFTER = timedelta(hours=1)


class Command(BaseCommand):
    help = "Deliver the due outbox records to the NSS now (what the Celery task does), or replay dead letters."

    def add_arguments(self, parser):
        parser.add_argument("--replay-dead", action="store_true", help="put dead records back in the queue first")
        parser.add_argument("--course-id", default="", help="with --replay-dead: only this course's records")
        parser.add_argument("--status", action="store_true", help="show the delivery's health and change nothing")

    def handle(self, *args, **options):
        if options["status"]:
            return self._status()
        if options["replay_dead"]:
            self.stdout.write(f"{replay_dead(options['course_id'])} dead records queued again")
        recorded = record_pending_events(on_batch=lambda n: self.stderr.write(f"  {n} events recorded"))
        if recorded:
            self.stdout.write(f"{recorded} received events recorded")
        summaries = queue_survey_summaries()
        if summaries.queued or summaries.held_back or summaries.too_few:
            self.stdout.write(f"survey summaries queued {summaries.queued}, held back {summaries.held_back} "
                              f"(ETWINNING_SURVEY_SUMMARY_INTERVAL), too few responses {summaries.too_few} "
                              "(ETWINNING_SURVEY_SUMMARY_MINIMUM)")
        outcome = deliver_all(on_batch=self._progress)
        self.stdout.write(f"sent {outcome.sent}, delivered {outcome.delivered}, to retry {outcome.retried}, "
                          f"dead {outcome.dead}")
        forgotten, emptied = prune_recorded_events(), prune_delivered_records()
        if forgotten or emptied:
            self.stdout.write(f"retention: {forgotten} event receipts forgotten (ETWINNING_EVENT_RETENTION_DAYS), "
                              f"{emptied} delivered records emptied (ETWINNING_DELIVERED_RETENTION_DAYS)")
        counts = {state: OutboxRecord.objects.filter(state=state).count()
                  for state in (OutboxRecord.PENDING, OutboxRecord.DELIVERED, OutboxRecord.DEAD)}
        self.stdout.write("outbox: " + ", ".join(f"{state} {count}" for state, count in counts.items()))

    def _progress(self, totals: BatchOutcome) -> None:
        self.stderr.write(f"  sent {totals.sent}, delivered {totals.delivered}, to retry {totals.retried}, "
                          f"dead {totals.dead}")

    def _status(self) -> None:
        now = timezone.now()
        counts = dict(OutboxRecord.objects.values_list("state").annotate(n=Count("id")).order_by())
        for state in (OutboxRecord.PENDING, OutboxRecord.DELIVERED, OutboxRecord.DEAD):
            self.stdout.write(f"{state:>10}: {counts.get(state, 0)}")
        oldest = OutboxRecord.objects.filter(state=OutboxRecord.PENDING).aggregate(first=Min("created_at"))["first"]
        waiting = now - oldest if oldest else timedelta(0)
        self.stdout.write(f"oldest pending record: {int(waiting.total_seconds())} s")
        unrecorded = PlatformEventReceipt.objects.filter(recorded_at=None).count()
        failed = PlatformEventReceipt.objects.exclude(failure="").count()
        self.stdout.write(f"platform events waiting for the worker: {unrecorded}; not recordable: {failed}")
        answers = OutboxRecord.objects.filter(state=OutboxRecord.DEAD).values_list("last_status") \
            .annotate(n=Count("id")).order_by()
        for status, n in answers:
            self.stdout.write(f"dead letters answered {status or 'no answer'}: {n}")
        if counts.get(OutboxRecord.DEAD) or waiting > STALE_AFTER:
            self.stdout.write("NEEDS ATTENTION: see docs/operators.md, 'Delivery health'")
            raise SystemExit(1)
        self.stdout.write("OK")
