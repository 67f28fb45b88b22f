"""
manage.py etwinning_tallies [--all]: make the tallies of every teacher due now (the figures beyond
one run count them), with progress, instead of leaving them to the worker's runs and the next count.
After upgrading to the version that brought them (migration 0013 marks every teacher due), or with
``--all`` to make every teacher's rows again from their facts and add every place's totals up again
from them (a repair).
"""

import time

from django.core.management.base import BaseCommand

from etwinning_plugin.models import TallyDue
from etwinning_plugin.reports import teacher_tallies


class Command(BaseCommand):
    help = "Make the tallies of the teachers whose facts changed (--all: of every teacher) now."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every teacher with an enrolment or a completion")
        parser.add_argument("--batch", type=int, default=teacher_tallies.SETTLE_BATCH,
                            help="teachers per transaction")

    def handle(self, *args, **options):
        if options["all"]:
            teacher_tallies.mark_all_due()
        due, settled, start = TallyDue.objects.count(), 0, time.monotonic()
        while True:
            done = teacher_tallies.settle(options["batch"], limit=20 * options["batch"])
            if not done:
                break
            settled += done
            self.stderr.write(f"  {settled}/{due} teachers", ending="\r")
        if options["all"]:
            teacher_tallies.add_up_again()
        self.stdout.write(f"{settled} teachers' tallies made in {time.monotonic() - start:.0f} s")
