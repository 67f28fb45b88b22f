"""
The door of every block's JSON handlers: the body read and checked (size, JSON, an object, text a
database can store), refusals (``RequestRejected``) answered in the user's language, a refusal
changing nothing, a database lock answered with a 409 to retry, and the author-only variant.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import OperationalError
from webob import Response
from xblock.core import XBlock

from etwinning_plugin.api.errors import is_lock_timeout
from skillslab_xblock.support.i18n import N_

MAX_REQUEST_BYTES = 256 * 1024



class RequestRejected(Exception):
    """A handler's answer to bad input: a 4xx status, an N_-marked message and optional field errors."""

    def __init__(self, status: int, message: str, params: dict | None = None, field_errors: dict | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.params = params or {}
        self.field_errors = field_errors or {}
        self.extra = extra or {}  # more for the page, such as both versions of a collision


_SURROGATE = re.compile("[\ud800-\udfff]")



def has_unstorable_text(data: Any) -> bool:
    """
    True when any text in ``data`` (keys included) holds a lone UTF-16 surrogate: valid JSON
    ("\\ud800"), but text no database stores and no page encodes. Walked without recursion, so
    that a deeply nested body cannot exhaust the stack here either.
    """
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json", charset="utf8")


def read_body(request, max_bytes: int) -> dict:
    """
    The request's JSON object, or RequestRejected: not a POST, too large, not JSON (or nested deeper
    than Python reads), not an object, or holding text no database stores.
    """
    if request.method != "POST":
        raise RequestRejected(405, N_("This action needs a POST request."))
    body = request.body
    if len(body) > max_bytes:
        raise RequestRejected(413, N_("The request is too large."))
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as unreadable:  # RecursionError: nested too deep
        raise RequestRejected(400, N_("The request could not be read (malformed JSON).")) from unreadable
    if not isinstance(data, dict):
        raise RequestRejected(400, N_("The request must be a JSON object."))
    if has_unstorable_text(data):
        raise RequestRejected(400, N_("The request holds characters that cannot be stored. "
                                      "Please type the text again."))
    return data


def learner_json_handler(func: Callable | None = None, *, max_bytes: int = MAX_REQUEST_BYTES,
                         for_authors: bool = False) -> Callable:
    """
    Like ``XBlock.json_handler``, but every error (wrong method, a body over ``max_bytes``, a
    malformed body, a RequestRejected from the handler) comes back as
    ``{"error": ..., "field_errors": {...}}`` in the user's language. The handler runs only on a
    well-formed JSON object. Use bare (``@learner_json_handler``) or with a larger ``max_bytes``.

    A learner's handler refuses to run in Studio's preview (the runtime's ``is_author_mode``): the
    author's clicks there must not become a learner's saves, partnerships or NSS records. A handler
    ``for_authors`` (``author_json_handler``) runs only for those who may change the course
    (``_require_author``).
    """
    if func is None:
        return functools.partial(learner_json_handler, max_bytes=max_bytes, for_authors=for_authors)

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        try:
            data = read_body(request, max_bytes)
            if for_authors:
                self._require_author()
            elif getattr(self.runtime, "is_author_mode", False):
                raise RequestRejected(403, N_("This is Studio's preview: nothing is saved here."))
            try:
                return json_response(func(self, data, suffix))
            except OperationalError as error:
                if not is_lock_timeout(error):
                    raise
                # Past the database's own wait for a lock (SQLite's timeout, InnoDB's lock wait, a
                # deadlock retried already): nothing was written; the page may send it again.
                raise RequestRejected(409, N_("Too many changes arrived at once: yours was not saved. "
                                              "Please try again."), extra={"retry": True}) from error
        except RequestRejected as rejected:
            # A refusal changes nothing: field values the handler set before it refused (such as
            # learner_key) are dropped, not saved by the runtime after the handler returns.
            self._clear_dirty_fields()
            response = json_response({**rejected.extra, "error": self._(rejected.message).format(**rejected.params),
                                      "field_errors": rejected.field_errors}, status=rejected.status)
            if rejected.status == 405:
                response.headers["Allow"] = "POST"
            return response

    return wrapper


def author_json_handler(func: Callable | None = None, *, max_bytes: int = MAX_REQUEST_BYTES) -> Callable:
    """A ``learner_json_handler`` that only course authors may call (Studio's editor saves through it)."""
    return learner_json_handler(func, max_bytes=max_bytes, for_authors=True)

