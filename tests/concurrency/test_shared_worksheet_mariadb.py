"""
Many partners saving one shared worksheet at once, on a real MariaDB server.

Each writer thread has its own database connection and saves, again and again, changes made on the
version it last saw: sometimes to a field only it writes, sometimes to fields every writer fights
over. Afterwards the stored history must account for every outcome:

- no accepted change is lost: replaying the accepted revisions in version order gives exactly
  the stored worksheet, versions run 1..N without a gap, and every accepted save has its revision;
- no change silently overwrites another: when two accepted revisions changed the same field to
  different values, the later one was made on a version that already contained the earlier one;
- every collision is reported to its writer: a refused save names only fields that someone else
  changed after the writer's version, with the stored value as "theirs".
"""

import random
import threading

import pytest
from django.db import connections

from etwinning_plugin import api
from etwinning_plugin.models import DocumentRevision, SharedDocument
from tests.harness import make_partnership

pytestmark = [pytest.mark.mariadb, pytest.mark.django_db(transaction=True)]

COURSE = "course-v1:NSS+SkillsLabs+2027"
WRITERS = 16
SAVES_EACH = 25
CONTESTED = [("goal", "shared_goal"), ("joint_product", "description"), ("collaboration", "how")]


def test_concurrent_writers_lose_nothing_and_every_collision_is_reported():
    assert connections["default"].vendor == "mysql", "run with --ds=tests.settings_mariadb"
    partnership = make_partnership(COURSE, "anna", "luis")
    ref = api.DocumentRef(COURSE, f"{COURSE}/block-v1:step", partnership.owner_key)
    outcomes = []  # (writer, base_version, changes, result)
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        rng = random.Random(number)
        seen = 0
        try:
            start.wait()
            for save in range(SAVES_EACH):
                if rng.random() < 0.6:
                    section, field = rng.choice(CONTESTED)
                else:
                    section, field = "twinspace", "details"  # every writer's own line below
                value = f"writer {number} save {save}"
                changes = {section: {field: value}}
                if (section, field) == ("twinspace", "details"):
                    changes = {"evaluation": {"details": value}} if number % 2 else changes
                result = api.save_document(ref, "anna" if number % 2 else "luis", seen, changes)
                with lock:
                    outcomes.append((number, seen, changes, result))
                # A writer who saw a collision (or a merge) now knows the stored version.
                seen = result.state.version
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    document = SharedDocument.objects.get(usage_key=ref.usage_key, owner_key=ref.owner_key)
    revisions = list(DocumentRevision.objects.filter(document=document).order_by("version"))
    accepted = [o for o in outcomes if o[3].accepted]
    refused = [o for o in outcomes if not o[3].accepted]
    assert len(outcomes) == WRITERS * SAVES_EACH
    assert refused, "the test must produce collisions to check their reporting"
    print(f"{len(accepted)} saves accepted, {len(refused)} collisions reported")

    # versions run 1..N, one revision per accepted save (every value written is new, so each applies)
    assert all(o[3].applied for o in accepted)
    assert [r.version for r in revisions] == list(range(1, document.version + 1))
    assert len(accepted) == document.version == len(revisions)
    assert sorted(o[3].state.version for o in accepted) == [r.version for r in revisions]

    # replaying the revisions gives the stored worksheet: nothing accepted was lost
    replay: dict = {}
    for revision in revisions:
        for section, fields in revision.changes.items():
            replay.setdefault(section, {}).update(fields)
    assert replay == document.content

    # no blind overwrite: a later change to the same field was made on a version containing the earlier
    last_change: dict = {}
    for revision in revisions:
        for section, fields in revision.changes.items():
            for field, value in fields.items():
                earlier = last_change.get((section, field))
                if earlier is not None and earlier[1] != value:
                    assert revision.base_version >= earlier[0], (section, field, revision.version)
                last_change[(section, field)] = (revision.version, value)

    # every refusal names fields changed after the writer's version
    by_version = {r.version: r for r in revisions}
    for _number, base, changes, result in refused:
        assert result.conflicts
        for conflict in result.conflicts:
            assert conflict.yours == changes[conflict.section][conflict.field]
            later = [by_version[v] for v in range(base + 1, result.state.version + 1)
                     if conflict.field in by_version[v].changes.get(conflict.section, {})]
            assert later, "a collision was reported without a later change to the field"
            assert conflict.theirs == result.state.content[conflict.section][conflict.field]
