"""
manage.py etwinning_reconcile [--course-id C]: re-derive from the recorded facts every record that
should have been queued for the NSS, and queue the missing ones (by idempotency key: nothing twice),
and bring every survey's summary up to date.
"""

from django.core.management.base import BaseCommand

from etwinning_plugin.models import CompletionFact, EnrollmentFact, OutboxRecord
from etwinning_plugin.reporting import contract
from etwinning_plugin.reporting.facts import record_pending_events
from etwinning_plugin.reporting.outbox import queue
from etwinning_plugin.reporting.records import completion, enrollment
from etwinning_plugin.reporting.summaries import queue_site_summary, queue_survey_summaries


class Command(BaseCommand):
    help = "Queue for the NSS whatever the recorded enrolments and completions imply and the outbox lacks."

    def add_arguments(self, parser):
        parser.add_argument("--course-id", default="")

    def handle(self, *args, **options):
        if not contract.reporting_configured():
            self.stderr.write("ETWINNING_PSEUDONYM_KEY and ETWINNING_NSS_SECRET are not set: nothing to reconcile")
            return
        recorded = record_pending_events(on_batch=lambda n: self.stderr.write(f"  {n} events recorded"))
        if recorded:
            self.stdout.write(f"{recorded} received events recorded first")
        enrollments = EnrollmentFact.objects.all()
        completions = CompletionFact.objects.all()
        if options["course_id"]:
            enrollments = enrollments.filter(course_key=options["course_id"])
            completions = completions.filter(course_key=options["course_id"])
        before = OutboxRecord.objects.count()
        total = enrollments.count() + completions.count()
        done = 0
        for fact in enrollments.iterator(chunk_size=2000):
            queue(enrollment.from_fact(fact))
            done += 1
            self._progress(done, total)
        for fact in completions.iterator(chunk_size=2000):
            if fact.is_passing:
                queue(completion.from_fact(fact, completion.PASSING_STATUS))
            if fact.certificate_status:
                queue(completion.from_fact(fact, completion.CERTIFICATE))
            done += 1
            self._progress(done, total)
        missing = OutboxRecord.objects.count() - before
        summaries = queue_survey_summaries(interval=0)
        site = OutboxRecord.objects.count()
        queue_site_summary(interval=0)
        site = OutboxRecord.objects.count() - site
        self.stdout.write(f"{total} facts checked; {missing} missing records queued ({summaries.queued} survey "
                          f"summaries, {site} site summary of the current school year)")

    def _progress(self, done: int, total: int) -> None:
        if done % 5000 == 0 or done == total:
            self.stderr.write(f"  {done}/{total} facts", ending="\r" if done < total else "\n")
