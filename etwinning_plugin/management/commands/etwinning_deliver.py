"""manage.py etwinning_deliver [--replay-dead [--course-id C]]: send the outbox now, or replay dead letters."""

from django.core.management.base import BaseCommand

from etwinning_plugin.delivery.outbox import BatchOutcome, deliver_all, replay_dead
from etwinning_plugin.delivery.summaries import queue_survey_summaries
from etwinning_plugin.facts import record_pending_events
from etwinning_plugin.models import OutboxRecord


class Command(BaseCommand):
    help = "Deliver the due outbox records to the NSS now (what the Celery task does), or replay dead letters."

    def add_arguments(self, parser):
        parser.add_argument("--replay-dead", action="store_true", help="put dead records back in the queue first")
        parser.add_argument("--course-id", default="", help="with --replay-dead: only this course's records")

    def handle(self, *args, **options):
        if options["replay_dead"]:
            self.stdout.write(f"{replay_dead(options['course_id'])} dead records queued again")
        recorded = record_pending_events(on_batch=lambda n: self.stderr.write(f"  {n} events recorded"))
        if recorded:
            self.stdout.write(f"{recorded} received events recorded")
        summaries = queue_survey_summaries()
        if summaries.queued or summaries.held_back:
            self.stdout.write(f"survey summaries queued {summaries.queued}, held back {summaries.held_back} "
                              "(ETWINNING_SURVEY_SUMMARY_INTERVAL)")
        outcome = deliver_all(on_batch=self._progress)
        self.stdout.write(f"sent {outcome.sent}, delivered {outcome.delivered}, to retry {outcome.retried}, "
                          f"dead {outcome.dead}")
        counts = {state: OutboxRecord.objects.filter(state=state).count()
                  for state in (OutboxRecord.PENDING, OutboxRecord.DELIVERED, OutboxRecord.DEAD)}
        self.stdout.write("outbox: " + ", ".join(f"{state} {count}" for state, count in counts.items()))

    def _progress(self, totals: BatchOutcome) -> None:
        self.stderr.write(f"  sent {totals.sent}, delivered {totals.delivered}, to retry {totals.retried}, "
                          f"dead {totals.dead}")
