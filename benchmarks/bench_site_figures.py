#!/usr/bin/env python3
"""
The site's figures at scale: ``figures(Scope())`` (the whole site) and ``figures(Scope(school_year=...))``
over 10 course runs of 1,000,000 enrolments each, on MariaDB, with the peak of Python memory they
allocate (tracemalloc).

    tools/mariadb.sh start var/bench-mariadb 3318
    DJANGO_SETTINGS_MODULE=tests.settings_mariadb SKILLSLAB_MARIADB_SOCKET=$PWD/var/bench-mariadb/mysqld.sock \\
      .venv/bin/python benchmarks/bench_site_figures.py [--per-course 1000000] [--reload] [--rounds 3]

The rows are made by the server itself (``INSERT … SELECT`` from MariaDB's sequence engine, a
million rows a statement), in a database of their own (``skillslab_figures``), once: a later run
finds them and measures at once (``--reload`` makes them again). What they hold, per run of a
course (five courses, a run in 2024-25 and one in 2025-26, the teachers drawn from a pool of four
million so that many take several runs):

- enrolments: 95% active, 10% verified, dated over the first 200 days of the school year;
- completion facts for 30% (a grade), passing for 20%, a certificate for 10%;
- activity: step submissions by 5%, survey participations by 5%, named survey responses by 2% (seven
  answers each), eTwinning registrations by 2%, partnership cards by 4%.

The server's InnoDB buffer pool is raised to hold the data (``SET GLOBAL innodb_buffer_pool_size``),
as on a server sized for its database; each measure is the median of ``--rounds`` runs after one
warm-up (none when ``--rounds 1``). Not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SKILLSLAB_VAR_DIR", tempfile.mkdtemp(prefix="skillslab-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings_mariadb")
os.environ["SKILLSLAB_MARIADB_NAME"] = DATABASE = "skillslab_figures"

import MySQLdb  # noqa: E402

MySQLdb.connect(unix_socket=os.environ.get("SKILLSLAB_MARIADB_SOCKET", "var/mariadb/mysqld.sock"), user="root",
                charset="utf8mb4").cursor().execute(
    f"CREATE DATABASE IF NOT EXISTS {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connection  # noqa: E402

from etwinning_plugin.models import EnrollmentFact, TallyDue, TeacherTally  # noqa: E402
from etwinning_plugin.reports import figures as figures_module  # noqa: E402
from etwinning_plugin.reports import from_facts, registrations, teacher_tallies, timeline  # noqa: E402
from etwinning_plugin.reports.scopes import Scope  # noqa: E402

RUNS = 10
POOL = 4_000_000  # teachers the enrolments are drawn from
T = "etwinning_plugin_"
# Per run c (0..9) and enrolment j: the course, the run's school year, the teacher, the enrolment date.
COURSE = "CONCAT('course-v1:NSS+SL', {c} DIV 2, '+', IF({c} % 2 = 0, '2024', '2025'))"
BLOCK = "CONCAT('block-v1:NSS+SL', {c} DIV 2, '+', IF({c} % 2 = 0, '2024', '2025'), '+type@', {kind})"
USER = "CAST((seq * 7919 + {c} * 350003) % " + str(POOL) + " AS CHAR)"
ENROLLED = "(IF({c} % 2 = 0, TIMESTAMP'2024-09-15 08:00:00', TIMESTAMP'2025-09-15 08:00:00') + INTERVAL seq % 200 DAY)"


def statements(c: int, per_course: int) -> list[str]:
    values = {"c": c}
    course, user, enrolled = COURSE.format(**values), USER.format(**values), ENROLLED.format(**values)

    def block(kind: str) -> str:
        return BLOCK.format(c=c, kind=kind)

    seq = f"seq_0_to_{per_course - 1}"
    return [
        f"""INSERT INTO {T}enrollmentfact (course_key, user_id, mode, is_active, enrolled_at, updated_at)
            SELECT {course}, {user}, IF(seq % 10 = 0, 'verified', 'audit'), seq % 20 <> 0, {enrolled}, {enrolled}
            FROM {seq}""",
        f"""INSERT INTO {T}completionfact (course_key, user_id, is_passing, certificate_status, percent_grade,
                                          letter_grade, passed_at, updated_at)
            SELECT {course}, {user}, seq % 10 < 2, IF(seq % 10 = 0, 'downloadable', ''), (seq % 100) / 100,
                   IF(seq % 10 < 2, 'Pass', ''), IF(seq % 10 < 2, {enrolled} + INTERVAL 45 DAY, NULL),
                   {enrolled} + INTERVAL 45 DAY
            FROM {seq} WHERE seq % 10 < 3""",
        f"""INSERT INTO {T}stepsubmission (course_key, usage_key, owner_key, title, answers, submitted_by, submitted_at)
            SELECT {course}, {block("CONCAT('skillslab_activity+block@a', seq % 7)")}, CONCAT('learner:', {user}),
                   'Step', '{{}}', {user}, {enrolled} + INTERVAL 10 DAY
            FROM {seq} WHERE seq % 20 = 3""",
        f"""INSERT INTO {T}surveyparticipation (course_key, usage_key, learner_id, submitted_at)
            SELECT {course}, {block("'skillslab_survey+block@s1'")}, {user}, {enrolled} + INTERVAL 30 DAY
            FROM {seq} WHERE seq % 20 = 4""",
        f"""INSERT INTO {T}etwinningregistration (course_key, usage_key, learner_id, profile_url, school_name,
                   school_code, region, teacher_registered_during_course, school_registered_during_course,
                   consent_to_share_profile, created_at, updated_at)
            SELECT {course}, {block("'skillslab_registration+block@r1'")}, {user}, '', CONCAT('School ', seq % 5000),
                   IF(seq % 3 = 0, CONCAT('GR', seq % 5000), ''), 'Attica', seq % 4 = 1, seq % 8 < 2, seq % 2,
                   {enrolled} + INTERVAL 5 DAY, {enrolled} + INTERVAL 5 DAY
            FROM {seq} WHERE seq % 50 = 5""",
        f"""INSERT INTO {T}partnershipcard (public_id, course_key, learner_id, teacher_name, school_name, school_level,
                   country, region, languages, cycles, sub_themes, message, published, created_at, updated_at,
                   language, partner_block)
            SELECT CONCAT('c', {c}, '-', seq), {course}, {user}, 'T', CONCAT('School ', seq % 5000), 'primary_upper',
                   'Greece', '', 'el', '', '', '', 1, {enrolled} + INTERVAL 7 DAY, {enrolled} + INTERVAL 7 DAY, 'el', ''
            FROM {seq} WHERE seq % 25 = 6""",
        f"""INSERT INTO {T}surveyresponse (public_id, course_key, usage_key, learner_id, comment, submitted_at,
                                          shared_with_nss)
            SELECT CONCAT('r', {c}, '-', seq), {course}, {block("'skillslab_survey+block@s2'")}, {user}, '',
                   {enrolled} + INTERVAL 60 DAY, 0
            FROM {seq} WHERE seq % 50 = 7""",
    ]


TABLES = ["enrollmentfact", "completionfact", "stepsubmission", "surveyparticipation", "etwinningregistration",
          "partnershipcard", "surveyanswer", "surveyresponse", "teachertally", "tallydue"]


def load(per_course: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
        for table in TABLES:
            cursor.execute(f"TRUNCATE TABLE {T}{table}")
        for c in range(RUNS):
            start = time.perf_counter()
            for sql in statements(c, per_course):
                cursor.execute(sql)
            print(f"  run {c}: {time.perf_counter() - start:.1f} s", flush=True)
        cursor.execute(f"""INSERT INTO {T}surveyanswer (usage_key, item_key, value, response_id)
                           SELECT r.usage_key, CONCAT('q', s.seq), 1 + (r.id + s.seq) % 5, r.id
                           FROM {T}surveyresponse r JOIN seq_1_to_7 s""")
        cursor.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1")
        for table in TABLES:
            cursor.execute(f"ANALYZE TABLE {T}{table}")
            cursor.fetchall()


def build_tallies(batch: int) -> None:
    """Every teacher's tallies, made the way an upgraded site makes them: all due, then settled by the worker's code."""
    start = time.perf_counter()
    if not TeacherTally.objects.exists():  # else a build stopped half-way: the teachers left are still due
        teacher_tallies.mark_all_due()
    due = TallyDue.objects.count()
    print(f"  {due:,} teachers due in {time.perf_counter() - start:.0f} s; settling {batch:,} per transaction",
          flush=True)
    start, settled = time.perf_counter(), 0
    while TallyDue.objects.exists():
        settled += teacher_tallies.settle(batch, limit=50 * batch)
        elapsed = time.perf_counter() - start
        print(f"  {settled:,} teachers settled in {elapsed:.0f} s ({settled / elapsed:,.0f}/s)", flush=True)
    print(f"tallies made: {TeacherTally.objects.count():,} rows for {settled:,} teachers in "
          f"{time.perf_counter() - start:.0f} s", flush=True)


def past_max_time(error: OperationalError) -> bool:
    """MariaDB stopped the statement at max_statement_time (ER_STATEMENT_TIMEOUT), not another error."""
    return bool(error.args) and error.args[0] == 1969  # noqa: PLR2004 - MariaDB's error number


def measure(function, rounds: int) -> tuple[float, float, object]:
    """Median seconds over ``rounds`` (after a warm-up when more than one), the peak of Python memory, the result."""
    if rounds > 1:
        function()
    times, peak, result = [], 0, None
    for _ in range(rounds):
        tracemalloc.start()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return statistics.median(times), peak / 1024, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-course", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="0: load the rows and stop")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--parts", action="store_true", help="also time each count on its own")
    parser.add_argument("--page", action="store_true", help="with --parts: also the figures page's two series")
    parser.add_argument("--from-facts", action="store_true",
                        help="with --parts: also count the teachers from the facts (the way before the tallies)")
    parser.add_argument("--buffer-pool-gib", type=int, default=6, help="the InnoDB buffer pool (SET GLOBAL)")
    parser.add_argument("--settle-batch", type=int, default=2000, help="teachers settled per transaction")
    parser.add_argument("--changed", type=int, default=1000,
                        help="then: this many teachers marked due (their facts changed), and the site's figures again")
    parser.add_argument("--max-seconds", type=float, default=120,
                        help="stop a statement after this long and say so (MariaDB's max_statement_time; 0: never)")
    args = parser.parse_args()
    assert connection.vendor == "mysql", "run with DJANGO_SETTINGS_MODULE=tests.settings_mariadb"
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"SET GLOBAL innodb_buffer_pool_size = {args.buffer_pool_gib * 1024 ** 3}")
    if args.reload or EnrollmentFact.objects.count() != RUNS * args.per_course:
        print(f"loading {RUNS} runs x {args.per_course:,} enrolments ...", flush=True)
        start = time.perf_counter()
        load(args.per_course)
        print(f"loaded in {time.perf_counter() - start:.0f} s", flush=True)
    if not TeacherTally.objects.exists() or TallyDue.objects.exists():
        print("making the teachers' tallies ...", flush=True)
        build_tallies(args.settle_batch)
    if not args.rounds:
        return 0  # loading only
    version = ".".join(map(str, connection.mysql_version))
    print(f"MariaDB {version}; Python {sys.version.split()[0]}; {RUNS} runs x {args.per_course:,} enrolments; "
          f"median of {args.rounds}")
    with connection.cursor() as cursor:  # after loading, which may take longer than any count
        cursor.execute(f"SET SESSION max_statement_time = {args.max_seconds}")
    site, year = Scope(), Scope(school_year="2025-26")
    for scope in (site, year):
        try:
            seconds, peak, figures = measure(lambda scope=scope: figures_module.figures(scope), args.rounds)
        except OperationalError as stopped:
            if not past_max_time(stopped):
                raise
            print(f"figures({scope.label}): a statement ran past {args.max_seconds:g} s and was stopped")
            seconds = None
        if seconds is not None:
            print(f"figures({scope.label}): {seconds:.2f} s, Python memory peak {peak:,.0f} KiB")
            print(f"  enrolled {figures['enrolled']:,}, ever {figures['ever_enrolled']:,}, "
                  f"active {figures['active']:,}, completed {figures['completed']:,}, "
                  f"new teachers {figures['new_etwinning_teachers']:,}, "
                  f"new schools {figures['new_etwinning_schools']:,}, "
                  f"survey responses {figures['survey']['responses']:,}")
        parts = {
            "teachers (tallies)": lambda scope=scope: teacher_tallies.counts(scope),
            "registrations": lambda scope=scope: registrations.counts_in(scope),
            "survey": lambda scope=scope: figures_module.SurveyAnswer.objects.filter(
                scope.of("response__course_key", "response__submitted_at")).values("item_key").count(),
        }
        if args.page:  # what the figures page adds to the figures: its two series
            parts |= {
                "enrolments per week (page)": lambda scope=scope: timeline.enrolments_per_week(scope),
                "runs side by side (page)": lambda scope=scope: timeline.runs_side_by_side(scope),
            }
        if args.from_facts:  # the same teachers counted from every enrolment and activity, as one run is
            parts |= {
                "enrolled (facts)": lambda scope=scope: from_facts._users(from_facts.enrolled(scope)),
                "ever (facts)": lambda scope=scope: from_facts._users(EnrollmentFact.objects.filter(scope.courses())),
                "completed (facts)": lambda scope=scope: from_facts.completed(scope),
                "active (facts)": lambda scope=scope: from_facts.active_learners(scope),
            }
        for name, part in parts.items() if args.parts else ():
            try:
                print(f"    {name:26} {measure(part, 1)[0]:.2f} s")
            except OperationalError as stopped:
                if not past_max_time(stopped):
                    raise
                print(f"    {name:26} stopped at {args.max_seconds:g} s")
    if args.changed:  # a live site: some teachers did something since the last count
        last = EnrollmentFact.objects.order_by("-pk").values_list("pk", flat=True).first()
        picked = random.Random(14).sample(range(1, last + 1), args.changed)
        changed = list(EnrollmentFact.objects.filter(pk__in=picked).values_list("user_id", flat=True))
        teacher_tallies.mark_due(changed)
        seconds, peak, figures = measure(lambda: figures_module.figures(site), 1)
        print(f"figures(site) after {len(changed):,} teachers changed: {seconds:.2f} s (their tallies made again "
              f"first), Python memory peak {peak:,.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
