"""manage.py etwinning_report --course-id COURSE [--format json|csv]: the course figures for the NSS."""

import csv
import json
import sys

from django.core.management.base import BaseCommand

from etwinning_plugin.reporting.facts import record_pending_events
from etwinning_plugin.reports.figures import course_figures, figures_csv_rows


class Command(BaseCommand):
    help = "Print a course's figures in the NSS's shape (enrolled, completed, new eTwinning teachers and schools, " \
           "survey items with counts and shares), as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--course-id", required=True, help="the course key, such as course-v1:NSS+SL+2027")
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def handle(self, *args, **options):
        # Events the worker has not recorded yet count too.
        record_pending_events(on_batch=lambda n: self.stderr.write(f"  {n} received events recorded first"))
        figures = course_figures(options["course_id"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
        else:
            writer = csv.writer(self.stdout)
            writer.writerows(figures_csv_rows(figures))
        sys.stdout.flush()
