"""
manage.py etwinning_report: the figures for the NSS, as JSON or CSV, of one course run
(--course-id), every run of a course (--course ORG+NUMBER), or the whole site (--all-courses),
optionally within a school year (--school-year 2025-26, September to August).
"""

import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from etwinning_plugin.reporting.facts import record_pending_events
from etwinning_plugin.reports.figures import figures, figures_csv_rows
from etwinning_plugin.reports.scopes import ScopeError, scope_of


class Command(BaseCommand):
    help = "Print the figures in the NSS's shape (enrolled, active, completed, new eTwinning teachers and schools, " \
           "survey items with counts and shares) of a course run, a course or the site, as JSON or CSV; each " \
           "teacher is counted once across runs."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--course-id", default="", help="one course run, such as course-v1:NSS+SL+2027")
        which.add_argument("--course", default="", help="every run of a course: ORG+NUMBER, such as NSS+SL")
        which.add_argument("--all-courses", action="store_true", help="the whole site")
        parser.add_argument("--school-year", default="", help="only what happened in a school year, such as 2025-26")
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def handle(self, *args, **options):
        try:
            scope = scope_of(run=options["course_id"], course=options["course"], school_year=options["school_year"])
        except ScopeError as error:
            raise CommandError(str(error)) from error
        # Events the worker has not recorded yet count too.
        record_pending_events(on_batch=lambda n: self.stderr.write(f"  {n} received events recorded first"))
        result = figures(scope)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            writer = csv.writer(self.stdout)
            writer.writerows(figures_csv_rows(result))
        sys.stdout.flush()
