"""
Teachers' tallies: the figures of a scope (a run, a course's runs, a school year, the site) count
one narrow row per teacher and place instead of reading every enrolment and activity in scope.

A teacher's rows (``TeacherTally``) say, for the whole site, each course they took (every run of
it) and each run, for all time and each school year they did something in, whether they were ever
enrolled, enrolled, active and completed, with the meaning ``from_facts.counted`` gives them
straight from the facts (their specification, which a property test holds them to).

Whatever changes a teacher's facts marks the teacher due (``mark_due``: one INSERT that skips a
teacher already due); their rows are made again from all their facts before the next count
(``settle``), by the worker after each delivery run and by the count itself, so a count is exact for
everything committed before it. Rows are never counted up or down: made again from the facts, they
cannot drift, whatever order or how often the changes came.

A count reads the place's ``PlaceTotal``: the rows added up. When a batch of teachers' rows is made
again, the difference between their old rows and their new ones is added to the totals in the same
transaction, one settler at a time; so the totals are always the sum of the rows, and a site's
figures, or its runs side by side, read a row each instead of counting millions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import TruncMonth

from ..models import CompletionFact, EnrollmentDay, EnrollmentFact, PlaceTotal, TallyDue, TeacherTally
from ..transactions import retried_on_deadlock
from . import activity
from .scopes import Scope, school_year_of

SITE = ""  # the place of a row about the whole site
ALL_YEARS = ""  # the school year of a row about all time
SETTLE_BATCH = 1000  # teachers made again per transaction
SETTLER_LOCK = "etwinning_plugin:teacher-tallies"
SETTLER_WAIT_SECONDS = 120  # a batch takes about a second


def mark_due(user_ids: Iterable[str | None]) -> None:
    """These teachers' facts changed (or will, in the caller's transaction): make their tallies again."""
    due = sorted({user_id for user_id in user_ids if user_id})
    if due:
        TallyDue.objects.bulk_create([TallyDue(user_id=user_id) for user_id in due], ignore_conflicts=True)


def mark_all_due() -> None:
    """Every teacher with an enrolment or a completion: their rows are made again (after an upgrade, a repair)."""
    for model in (EnrollmentFact, CompletionFact):
        # One statement each, in the server: a site's teachers are never read into Python.
        ignore = "INSERT OR IGNORE" if connection.vendor == "sqlite" else "INSERT IGNORE"
        with connection.cursor() as cursor:
            cursor.execute(f"{ignore} INTO {TallyDue._meta.db_table} (user_id) "  # noqa: S608 - table names only
                           f"SELECT DISTINCT user_id FROM {model._meta.db_table}")


def due_beyond(count: int) -> bool:
    """Whether more than ``count`` teachers are due (an upgrade's backlog), read without counting them all."""
    return TallyDue.objects.order_by("pk")[count:count + 1].exists()


def settle(batch: int = SETTLE_BATCH, limit: int | None = None) -> int:
    """
    Make the tallies of every teacher due (or of ``limit`` at most), ``batch`` teachers per
    transaction; returns how many. Processes settling at once take turns, batch by batch; a teacher
    marked due again while their rows are made stays due (the mark waits for this transaction, then
    inserts).
    """
    fresh = not connection.in_atomic_block  # a transaction of its own per batch, retried if a deadlock's victim
    settled = 0
    while limit is None or settled < limit:
        size = batch if limit is None else min(batch, limit - settled)
        with _one_settler_at_a_time():
            done = retried_on_deadlock(lambda size=size: _settle_batch(size, read_committed=fresh))
        if not done:
            break
        settled += done
    return settled


@contextmanager
def _one_settler_at_a_time():
    """
    On MySQL and MariaDB, a named lock around each batch: two processes settling at once (the worker,
    and a count) take turns batch by batch. Side by side, their DELETEs of due marks (which the
    server may read by scanning the small table) wait on each other's rows and deadlock again and
    again. The lock belongs to the connection: a process that dies releases it.
    """
    if connection.vendor != "mysql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, %s)", [SETTLER_LOCK, SETTLER_WAIT_SECONDS])
        (got,) = cursor.fetchone()
    if got != 1:
        raise TimeoutError(f"the teachers' tallies are being made elsewhere for more than {SETTLER_WAIT_SECONDS} s")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT RELEASE_LOCK(%s)", [SETTLER_LOCK])


def remake(user_ids: list[str]) -> None:
    """
    Make these teachers' rows again now, due or not, in the caller's transaction: a retired learner's
    facts are under their token already, so no row is left under their id, and the totals lose them.
    """
    with _one_settler_at_a_time():
        _make_again(sorted(set(user_ids)))
        TallyDue.objects.filter(user_id__in=user_ids).delete()


def _settle_batch(batch: int, *, read_committed: bool) -> int:
    if read_committed:
        _read_committed()
    # Locked, so that a teacher's mark made meanwhile waits for this batch and then stays due.
    due = list(TallyDue.objects.select_for_update().order_by("user_id").values_list("user_id", flat=True)[:batch])
    if due:
        _make_again(due)
        TallyDue.objects.filter(user_id__in=due).delete()
    return len(due)


FLAGS = ("ever_enrolled", "enrolled", "active", "completed")


def _make_again(user_ids: list[str]) -> None:
    """These teachers' rows made again from their facts, and the difference added to the totals."""
    rows = tallies_of(user_ids)
    # By primary key: a DELETE by teacher would scan past each teacher's rows into the next
    # teacher's, which another process settling may have just inserted, and the two deadlock.
    # Nobody else writes these teachers' rows meanwhile: their due marks are locked here.
    old = list(TeacherTally.objects.filter(user_id__in=user_ids).values_list(
        "pk", "level", "place", "school_year", "enrolled_on", *FLAGS))
    TeacherTally.objects.filter(pk__in=[row[0] for row in old]).delete()
    TeacherTally.objects.bulk_create(rows, batch_size=1000)
    changes: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0] * len(FLAGS))
    days: dict[tuple[str, date], int] = defaultdict(int)
    for _pk, level, place, year, enrolled_on, *flags in old:
        key = (level, place, year)
        changes[key] = [total - flag for total, flag in zip(changes[key], flags, strict=True)]
        if enrolled_on is not None:
            days[place, enrolled_on] -= 1
    for row in rows:
        key = (row.level, row.place, row.school_year)
        changes[key] = [total + getattr(row, flag) for total, flag in zip(changes[key], FLAGS, strict=True)]
        if row.enrolled_on is not None:
            days[row.place, row.enrolled_on] += 1
    _add(PlaceTotal, [({"level": level, "place": place, "school_year": year},
                       {flag: by for flag, by in zip(FLAGS, change, strict=True) if by})
                      for (level, place, year), change in sorted(changes.items()) if any(change)])
    _add(EnrollmentDay, [({"course_key": course_key, "day": day}, {"enrolments": change})
                         for (course_key, day), change in sorted(days.items()) if change])


def _add(model, changes: list[tuple[dict, dict[str, int]]]) -> None:
    """
    Add to the totals of ``model``: for each row (by what identifies it), how much to add to which
    fields. Missing rows are created at 0 first; then one UPDATE per row (a few dozen to a few hundred
    a batch), in the order given (the callers sort them, so that no two batches cross).
    """
    model.objects.bulk_create([model(**row) for row, _by in changes], ignore_conflicts=True)
    for row, by in changes:
        model.objects.filter(**row).update(**{name: F(name) + amount for name, amount in by.items()})


def add_up_again() -> None:
    """
    Every place's totals added up from the rows again, from scratch (a repair; migration 0015 does the
    same): one INSERT … SELECT … GROUP BY in the server, under the settlers' lock, in one transaction.
    """
    with transaction.atomic(), _one_settler_at_a_time():
        PlaceTotal.objects.all().delete()
        EnrollmentDay.objects.all().delete()
        add_up(PlaceTotal._meta.db_table, EnrollmentDay._meta.db_table, TeacherTally._meta.db_table)


def add_up(totals: str, days: str, tallies: str) -> None:
    """
    The totals of every place, and the enrolments per day of every run, from the teachers' rows, in
    the server (tables by name: migration 0015 uses it too).
    """
    sums = ", ".join(f"SUM({flag})" for flag in FLAGS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {totals} (level, place, school_year, {', '.join(FLAGS)}) "  # noqa: S608 - names
                       f"SELECT level, place, school_year, {sums} FROM {tallies} GROUP BY level, place, school_year")
        cursor.execute(f"INSERT INTO {days} (course_key, day, enrolments) "  # noqa: S608 - table names only
                       f"SELECT place, enrolled_on, COUNT(*) FROM {tallies} "
                       f"WHERE level = %s AND school_year = %s AND enrolled_on IS NOT NULL GROUP BY place, enrolled_on",
                       [TeacherTally.RUN, ALL_YEARS])


def _read_committed() -> None:
    """
    On MySQL and MariaDB, the transaction just opened reads what is committed at each statement and
    locks only the rows it reads for update: under REPEATABLE READ its locking reads also lock the
    gaps between them, where a teacher's mark (an autosave's INSERT) would wait for the batch to end.
    """
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")


# --- Making a teacher's rows from their facts -------------------------------------------------------

def course_of(course_key: str) -> str | None:
    """The course a run belongs to ("NSS+SkillsLabs" for course-v1:NSS+SkillsLabs+2027), as scopes name it."""
    if not course_key.startswith("course-v1:"):
        return None
    parts = course_key[len("course-v1:"):].split("+")
    return f"{parts[0]}+{parts[1]}" if len(parts) >= 3 else None  # noqa: PLR2004 - organisation, number, run


def _year(moment: datetime | None) -> str | None:
    return school_year_of(moment.astimezone(UTC)) if moment is not None else None


@dataclass
class _Cell:
    """What a teacher did in one place (the site, a course, a run) in one school year (or all time)."""
    ever_enrolled: bool = False
    enrolled: bool = False
    completed: bool = False
    did_something: bool = False
    enrolled_in_a_graded_run: bool = False  # enrolled (as counted here) in a run they have a completion fact of
    enrolled_on: date | None = None  # a run's, for all time: the day of the enrolment

    def row(self, user_id: str, level: int, place: str, school_year: str) -> TeacherTally:
        return TeacherTally(user_id=user_id, level=level, place=place, school_year=school_year,
                            ever_enrolled=self.ever_enrolled, enrolled_on=self.enrolled_on,
                            enrolled=self.enrolled, completed=self.completed,
                            active=self.enrolled and (self.did_something or self.enrolled_in_a_graded_run))


@dataclass
class _Teacher:
    cells: dict[tuple[int, str, str], _Cell] = field(default_factory=lambda: defaultdict(_Cell))

    def cells_of(self, course_key: str, school_year: str | None, *, all_time: bool = True) -> list[_Cell]:
        """The cells a fact of run ``course_key`` dated in ``school_year`` counts in (all time too, unless told)."""
        course = course_of(course_key)
        places = [(TeacherTally.SITE, SITE), (TeacherTally.RUN, course_key)]
        if course is not None:
            places.append((TeacherTally.COURSE, course))
        years = ([ALL_YEARS] if all_time else []) + ([school_year] if school_year else [])
        return [self.cells[(level, place, year)] for level, place in places for year in years]


def _activity(user_ids: list[str]) -> Iterable[tuple[str, str, datetime]]:
    """(teacher, course run, month) of everything the blocks recorded them doing, one row per month and run."""
    for source in activity.SOURCES:
        # By month in UTC: a school year starts on a month's first day (scopes.Scope.period).
        rows = source.rows(Q(**{f"{source.teacher}__in": user_ids}))
        yield from rows.annotate(month=TruncMonth(source.moment, tzinfo=UTC)) \
            .values_list(source.teacher, source.course_key, "month").order_by().distinct()


def tallies_of(user_ids: list[str]) -> list[TeacherTally]:
    """
    The rows of these teachers, made from all their facts in a few queries (one per kind of fact),
    with the meaning ``from_facts`` gives the counts: enrolled is an active enrolment (dated by
    its enrolment, else its last change); completed is passing (dated when passed) or a certificate
    (dated by its last change); active is enrolled and either did something the blocks recorded in the
    scope, or holds a completion fact (a grade) of a run they are counted enrolled in.
    """
    teachers: dict[str, _Teacher] = defaultdict(_Teacher)
    graded = set(CompletionFact.objects.filter(user_id__in=user_ids).values_list("user_id", "course_key"))
    for user_id, course_key, is_active, enrolled_at, updated_at in EnrollmentFact.objects.filter(
            user_id__in=user_ids).values_list("user_id", "course_key", "is_active", "enrolled_at", "updated_at"):
        teacher = teachers[user_id]
        for cell in teacher.cells_of(course_key, None):
            cell.ever_enrolled = True
        if enrolled_at is not None:
            teacher.cells[TeacherTally.RUN, course_key, ALL_YEARS].enrolled_on = enrolled_at.astimezone(UTC).date()
        if is_active:
            for cell in teacher.cells_of(course_key, _year(enrolled_at or updated_at)):
                cell.enrolled = True
                cell.enrolled_in_a_graded_run |= (user_id, course_key) in graded
    for user_id, course_key, is_passing, passed_at, certificate, updated_at in CompletionFact.objects.filter(
            user_id__in=user_ids).filter(Q(is_passing=True) | Q(certificate_status="downloadable")).values_list(
            "user_id", "course_key", "is_passing", "passed_at", "certificate_status", "updated_at"):
        teacher = teachers[user_id]
        for cell in teacher.cells_of(course_key, None):
            cell.completed = True
        if is_passing:
            for cell in teacher.cells_of(course_key, _year(passed_at), all_time=False):
                cell.completed = True
        if certificate == "downloadable":
            for cell in teacher.cells_of(course_key, _year(updated_at), all_time=False):
                cell.completed = True
    for user_id, course_key, month in _activity(user_ids):
        if user_id in teachers:  # activity alone, with no enrolment or completion, counts nowhere
            for cell in teachers[user_id].cells_of(course_key, _year(month)):
                cell.did_something = True
    return [cell.row(user_id, level, place, year) for user_id, teacher in teachers.items()
            for (level, place, year), cell in teacher.cells.items()
            if cell.ever_enrolled or cell.enrolled or cell.completed]


# --- Counting ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TeacherCounts:
    ever_enrolled: int
    enrolled: int
    active: int
    completed: int


def counts(scope: Scope) -> TeacherCounts:
    """
    The teachers of a scope, each counted once however many runs: settles the teachers due first,
    then reads the place's totals (its rows added up). "Ever enrolled" is over all time.
    """
    settle()
    place = scope.run or scope.course or SITE
    totals = {row.school_year: row for row in PlaceTotal.objects.filter(
        place=place, school_year__in={scope.school_year or ALL_YEARS, ALL_YEARS})}
    counted, all_time = totals.get(scope.school_year or ALL_YEARS), totals.get(ALL_YEARS)
    return TeacherCounts(ever_enrolled=all_time.ever_enrolled if all_time else 0,
                         enrolled=counted.enrolled if counted else 0, active=counted.active if counted else 0,
                         completed=counted.completed if counted else 0)


def runs(scope: Scope) -> dict[str, TeacherCounts]:
    """Each run in scope (by key) with its teachers, from the runs' totals (ever enrolled: 0)."""
    settle()
    totals = PlaceTotal.objects.filter(scope.courses("place"), level=TeacherTally.RUN,
                                       school_year=scope.school_year or ALL_YEARS).order_by("place")
    return {row.place: TeacherCounts(ever_enrolled=0, enrolled=row.enrolled, active=row.active,
                                     completed=row.completed) for row in totals}
