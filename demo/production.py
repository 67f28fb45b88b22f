"""
What the production-like demo (``demo.settings_production``) needs besides settings: handler calls
made safe across gunicorn's processes, and the WSGI application (scenarios and plugins read once).

The workbench keeps each learner's XBlock state of a block in one ``XBlockState`` row, found with
``get_or_create`` and no unique index, and writes a field by reading the row's JSON, changing one
key and saving the whole text. In one process the demo ran handler calls one at a time
(``demo.middleware.one_handler_call_at_a_time``). Across processes:

- ``unique_state_rows()`` adds a unique index on (scope, scope id, learner) (a generated column
  stands for a missing learner, since a unique index lets NULLs repeat). ``get_or_create`` then
  meets an IntegrityError instead of making a second row, and takes the row the other call made:
  the LMS's ``StudentModule`` has the same unique key.
- ``one_call_per_learner_and_block`` holds a MariaDB named lock (``GET_LOCK``) for the learner and
  block of a handler call while it runs, so two calls of one learner on one block (an autosave and
  a poll from two tabs) never write the row from stale copies. Other learners and other blocks run
  in parallel. The lock belongs to the connection: a worker that dies releases it.

``python -m demo.production prepare`` adds the index (once; tools/serve.sh runs it after migrate).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys

from django.db import connection

_HANDLER = re.compile(r"^/(?:unauth_)?handler/(?P<usage>[^/]+)/")
LOCK_WAIT_SECONDS = 120  # longer than gunicorn's timeout: a call waits its turn, it is not refused


def _lock_name(student: str, usage_id: str) -> str:
    """MariaDB's lock names are at most 64 characters: a digest of the learner and the block."""
    return "skl:" + hashlib.sha256(f"{student}\0{usage_id}".encode()).hexdigest()[:56]


def one_call_per_learner_and_block(get_response):
    def middleware(request):
        match = _HANDLER.match(request.path)
        if not match:
            return get_response(request)
        name = _lock_name(request.GET.get("student", "student_1"), match["usage"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT GET_LOCK(%s, %s)", [name, LOCK_WAIT_SECONDS])
            (got,) = cursor.fetchone()
        if got != 1:
            raise RuntimeError(f"the handler lock {name} was not granted within {LOCK_WAIT_SECONDS} s")
        try:
            return get_response(request)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT RELEASE_LOCK(%s)", [name])

    return middleware


def unique_state_rows() -> int:
    """
    The unique index on the workbench's state rows, added once. Rows already doubled by an earlier
    server without it are merged first (the newest row of each key stays); returns how many went.
    """
    with connection.cursor() as cursor:
        cursor.execute("SHOW INDEX FROM workbench_xblockstate WHERE Key_name = 'xblockstate_one_row'")
        if cursor.fetchall():
            return 0
        cursor.execute(
            "DELETE old FROM workbench_xblockstate old JOIN workbench_xblockstate newer"
            " ON old.scope <=> newer.scope AND old.scope_id <=> newer.scope_id"
            " AND old.user_id <=> newer.user_id AND old.id < newer.id")
        removed = cursor.rowcount
        cursor.execute(
            "ALTER TABLE workbench_xblockstate"
            " ADD COLUMN IF NOT EXISTS user_key VARCHAR(255) AS (IFNULL(user_id, '')) PERSISTENT,"
            " ADD UNIQUE INDEX xblockstate_one_row (scope, scope_id, user_key)")
        return removed


def _aside_types_read_once() -> None:
    """
    The XBlock runtime looks for aside plugins (``XBlockAside.load_classes``, the installed
    packages' entry points, read anew) for every block it renders: 13 times a course page, a
    third of its time on this machine. Plugins do not change while a server runs: read them once.
    """
    from workbench.runtime import WorkbenchRuntime  # noqa: PLC0415
    from xblock.core import XBlockAside  # noqa: PLC0415

    aside_types = tuple(aside_type for aside_type, _cls in XBlockAside.load_classes())
    WorkbenchRuntime.applicable_aside_types = lambda self, block: list(aside_types)


def application():
    """
    The WSGI application, with the workbench's scenarios loaded once, in gunicorn's master
    (``--preload``), before it forks its workers: each worker knows every block from the start
    (the workbench loads them lazily, on the first page, and a first handler call would 404), and
    the scenarios' rows are written by one process, not by each worker at once. Aside plugins are
    read once too (``_aside_types_read_once``).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings_production")
    from django.core.wsgi import get_wsgi_application  # noqa: PLC0415
    from django.db import connections  # noqa: PLC0415

    wsgi = get_wsgi_application()
    _aside_types_read_once()
    from workbench.scenarios import get_scenarios  # noqa: PLC0415

    get_scenarios()
    connections.close_all()  # no connection crosses the fork
    return wsgi


if __name__ == "__main__":
    if sys.argv[1:] != ["prepare"]:
        sys.exit("usage: python -m demo.production prepare")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings_production")
    import django  # noqa: PLC0415

    django.setup()
    removed = unique_state_rows()
    print(f"XBlockState: one row per scope, block and learner (unique index; {removed} doubled rows merged)")
