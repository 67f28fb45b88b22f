"""
Teachers' tallies under concurrency, on a real MariaDB server (``reports/teacher_tallies.py``): a
teacher's fact that commits while their rows are being made leaves them due, so the next count has
it; two processes settling at once take turns and make each teacher's rows once, without a deadlock.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction

from etwinning_plugin.models import EnrollmentFact, StepSubmission, TallyDue, TeacherTally
from etwinning_plugin.reports import teacher_tallies
from etwinning_plugin.reports.scopes import Scope

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]
RUN = "course-v1:NSS+SkillsLabs+2025"
MOMENT = datetime(2025, 10, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def mariadb():
    assert connection.vendor == "mysql", "run with --ds=tests.settings_mariadb"


def enrol(*teachers: str) -> None:
    for teacher in teachers:
        EnrollmentFact.objects.create(course_key=RUN, user_id=teacher, is_active=True, enrolled_at=MOMENT,
                                      updated_at=MOMENT)
    teacher_tallies.mark_due(teachers)


def submit(teacher: str) -> None:
    """A block's write: the fact and the mark in one transaction, as api/documents.py does."""
    with transaction.atomic():
        StepSubmission.objects.create(course_key=RUN, usage_key="step", owner_key=f"learner:{teacher}",
                                      title="Step", answers={}, submitted_by=teacher, submitted_at=MOMENT)
        teacher_tallies.mark_due([teacher])


def test_a_change_committed_while_the_rows_are_made_is_counted_next(monkeypatch):
    enrol("anna")
    read, errors = threading.Event(), []
    made_from = teacher_tallies.tallies_of

    def slow_tallies_of(user_ids):
        rows = made_from(user_ids)  # anna's facts are read: enrolled, nothing done yet
        read.set()
        threading.Event().wait(0.5)  # anna submits meanwhile; her mark waits for this transaction
        return rows

    def anna_submits():
        try:
            read.wait(5)
            submit("anna")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    monkeypatch.setattr(teacher_tallies, "tallies_of", slow_tallies_of)
    writer = threading.Thread(target=anna_submits)
    writer.start()
    assert teacher_tallies.settle(limit=1) == 1  # one transaction
    writer.join()
    monkeypatch.setattr(teacher_tallies, "tallies_of", made_from)

    assert errors == []
    assert TeacherTally.objects.get(user_id="anna", place="", school_year="").active is False  # as read
    assert TallyDue.objects.filter(user_id="anna").exists()  # her submission's mark survived the settling
    assert teacher_tallies.counts(Scope()).active == 1


def test_two_settlers_at_once_make_each_teachers_rows_once():
    teachers = [f"t{n}" for n in range(600)]
    enrol(*teachers)
    settled, errors = [], []
    start = threading.Barrier(2)

    def settler():
        try:
            start.wait()
            settled.append(teacher_tallies.settle(batch=50))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=settler) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert sum(settled) == len(teachers)  # taking turns batch by batch: each teacher made by one of them
    assert TeacherTally.objects.count() == 6 * len(teachers)  # site, course and run; all time and 2025-26
    assert teacher_tallies.counts(Scope(course="NSS+SkillsLabs", school_year="2025-26")).enrolled == len(teachers)
