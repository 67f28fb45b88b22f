"""
The change feed: ``POST /etwinning/changes/`` with ``{"tokens": [...]}`` (the watch tokens of the
blocks on one page) answers ``{"stamps": [...]}``, each token's stamp in the same order (None: not
known, ask the block's handler). One cache read for the whole page; no XBlock runtime, no database
beyond the platform's own sign-in, and nothing written (``api.changes`` says why it is safe).
"""

from __future__ import annotations

import json
import logging

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.http import require_POST

from .api import changes

log = logging.getLogger(__name__)

MAX_TOKENS = 32  # more blocks than any unit page holds
MAX_TOKEN_LENGTH = 1000
MAX_BODY = 40 * 1024  # bytes: MAX_TOKENS tokens of MAX_TOKEN_LENGTH, with room to spare


class Refusal(Exception):
    def __init__(self, status: int, message: str, **params):
        super().__init__(message)
        self.status, self.message, self.params = status, message, params


def _refused(status: int, message: str, **params) -> JsonResponse:
    response = JsonResponse({"error": _(message).format(**params)}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _tokens(request) -> list[str]:
    """The request's tokens, or Refusal: the body is read only when it is small enough."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY + 1
    if length > MAX_BODY:
        raise Refusal(400, N_("The request is too large."))
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as bad:
        raise Refusal(400, N_("The request must be a JSON object with a list of watch tokens.")) from bad
    tokens = data.get("tokens") if isinstance(data, dict) and set(data) == {"tokens"} else None
    if not isinstance(tokens, list) or not tokens \
            or not all(isinstance(t, str) and 0 < len(t) <= MAX_TOKEN_LENGTH for t in tokens):
        raise Refusal(400, N_("The request must be a JSON object with a list of watch tokens."))
    if len(tokens) > MAX_TOKENS:
        raise Refusal(400, N_("Too many watch tokens: at most {max} in one request."), max=MAX_TOKENS)
    return tokens


def _is_requester(request, learner_id: str) -> bool:
    """
    The token's learner is the one asking. The LMS's blocks know a learner by their user id; the SDK
    workbench's (the demo) by a name, which the demo signs in as that Django user.
    """
    user = request.user
    return learner_id == (str(user.pk) if learner_id.isdigit() else user.get_username())


def _watched(request, tokens: list[str]) -> list[list[str]]:
    """Each token's keys, once every token is this site's, unexpired, and the requester's."""
    watched = []
    for token in tokens:
        try:
            learner_id, keys = changes.read(token)
        except changes.BadToken as bad:
            raise Refusal(400, N_("A watch token is not valid or has expired. Reload the page.")) from bad
        if not _is_requester(request, learner_id):
            raise Refusal(400, N_("A watch token was issued to someone else. Reload the page."))
        watched.append(keys)
    return watched


@require_POST
def change_feed(request):
    if not request.user.is_authenticated:
        return _refused(403, N_("Please sign in to take part."))
    if not changes.available():
        return _refused(404, N_("This site has no change feed: its cache is not one that all its processes share."))
    try:
        watched = _watched(request, _tokens(request))
    except Refusal as refusal:
        return _refused(refusal.status, refusal.message, **refusal.params)
    try:
        values = changes.stamps(sorted({key for keys in watched for key in keys}))
    except Exception:  # noqa: BLE001 - a cache outage: the page asks the blocks' handlers meanwhile
        log.exception("The change feed could not read the stamps")
        return _refused(503, N_("Changes cannot be checked right now."))
    response = JsonResponse({"stamps": [changes.combined(keys, values) for keys in watched]})
    response["Cache-Control"] = "no-store"
    return response
