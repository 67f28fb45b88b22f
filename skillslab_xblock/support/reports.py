"""The rows blocks give the instructor's problem-responses report, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from itertools import batched
from typing import Any

from webob import Response

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A report cell a spreadsheet will not run as a formula: text starting like one gets a leading "'"."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


REPORT_BATCH = 500  # user states read, and rows made, at a time


def report_rows(user_states, limit_responses: int | None, rows_of: Callable[[list], list[dict | None]],
                ) -> Iterator[tuple[str, dict]]:
    """
    The body of every block's ``generate_report_data``: ``(username, row)`` for each user state
    ``rows_of`` makes a row of (None: no row for that learner), at most ``limit_responses`` rows.
    The states are taken ``REPORT_BATCH`` at a time and ``rows_of`` gets each batch whole, so that a
    block asks for a batch's data in a few queries, never one per learner, and memory stays flat
    whatever the course's size. Every cell is ``spreadsheet_safe``: the instructor opens the report
    in a spreadsheet.
    """
    count = 0
    for batch in batched(user_states, REPORT_BATCH):
        for user_state, row in zip(batch, rows_of(list(batch)), strict=True):
            if limit_responses is not None and count >= limit_responses:
                return
            if row is not None:
                count += 1
                yield user_state.username, {key: spreadsheet_safe(value) for key, value in row.items()}


def learner_key_of(user_state) -> str | None:
    """The learner id a block stored in the learner's state (``learner_key``), if any."""
    return (user_state.state or {}).get("learner_key")



def staff_csv(block, filename: str, rows: Callable[[], list[list]]) -> Response:
    """
    A CSV download for course staff (others get a 403 in their language, and ``rows`` is not
    counted): the header and rows ``rows()`` makes, with a byte-order mark so that spreadsheet
    programs read the Greek as UTF-8. Text cells must already be ``spreadsheet_safe``.
    """
    if not block.current_user_is_staff:
        return Response(block.translator.gettext("Only course staff can download the results."), status=403,
                        content_type="text/plain", charset="utf8")
    out = io.StringIO()
    csv.writer(out).writerows(rows())
    response = Response("\ufeff" + out.getvalue(), content_type="text/csv", charset="utf8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
