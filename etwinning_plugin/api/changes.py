"""
What changed for a learner, cheaply: one *stamp* per watched thing, kept in the cache every process
of the site shares.

An open page asks "did anything change for me?" once per tick for all its blocks, through the change
feed (``etwinning_plugin/change_feed.py``), instead of one XBlock handler call per block. The blocks
issue signed *watch tokens* naming what their learner may watch: their partnership and invitations
in a course (``partnering``), a shared document (``document``). The api functions that change one of
those bump its stamp once their transaction has committed; the feed answers each token's stamps
from the cache, without the XBlock runtime or the database; a block whose stamp moved asks its own
handler, which stays the truth (the feed only says when to ask it).

Why this is never wrong, only sometimes wasteful:

- a bump comes after the commit it announces, and a block reads a stamp *before* the state it shows
  with it (``Watch``), so a page that has shown the state that came with stamp ``s`` has seen every
  change whose bump made ``s``; a change after that moves the stamp past ``s``;
- a stamp the cache lost (eviction, a restart) is answered ``None`` ("unknown"), and the block asks
  its handler; handlers (which may write) put a missing stamp back with a random value, so that it
  cannot equal a value some page kept from before;
- a process-local cache (local memory, dummy) would let processes disagree: the feed is then off
  (``available()``) and the pages ask their handlers as they did before the feed.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field

from django.core import signing
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

log = logging.getLogger(__name__)

SALT = "etwinning_plugin.changes.watch-token"
TOKEN_MAX_AGE = 24 * 3600  # seconds; every handler answer brings a new token
STAMP_TIMEOUT = 14 * 24 * 3600  # seconds a stamp nobody bumps stays in the cache
PREFIX = "etwinning_plugin:changes:"
_KEY = re.compile(r"^[0-9a-f]{32}$")
MAX_KEYS_PER_TOKEN = 4


def _key(*parts: str) -> str:
    """A watch key: a short digest of what is watched, which tells a reader of a token nothing."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def partnering(course_key: str, learner_id: str) -> str:
    """A learner's partnership and invitations in a course, as their partner block shows them."""
    return _key("partnering", course_key, learner_id)


def document(usage_key: str, owner_key: str) -> str:
    """One block's shared document (worksheet or plan) of one owner."""
    return _key("document", usage_key, owner_key)


def available() -> bool:
    """Whether the feed can serve this site: its cache must be one every process shares."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


# --- bumps (the api's writers) -------------------------------------------------------------------


def bump_on_commit(keys) -> None:
    """Move the stamps of ``keys`` once the current transaction commits (at once outside one)."""
    keys = sorted(set(keys))
    if keys:
        transaction.on_commit(lambda: bump(keys))


def bump(keys) -> None:
    """Move each stamp; a missing one comes back as a random value. A cache that fails is logged, never raised."""
    for key in keys:
        name = PREFIX + key
        try:
            try:
                cache.incr(name)
            except ValueError:  # not in the cache: any new value is a change for every page
                if not cache.add(name, _fresh(), timeout=STAMP_TIMEOUT):
                    cache.incr(name)  # someone put it back meanwhile: move it on
        except Exception:  # noqa: BLE001 - the change itself is committed; the pages see it at their next handler call
            log.exception("A change stamp could not be moved")


def _fresh() -> int:
    return secrets.randbelow(2 ** 52)


# --- stamps (the feed and the blocks) ------------------------------------------------------------


def stamps(keys: list[str]) -> dict[str, int | None]:
    """The stamp of each key (None: not in the cache), in one cache round trip; writes nothing."""
    found = cache.get_many([PREFIX + key for key in keys])
    return {key: found.get(PREFIX + key) for key in keys}


def seeded(keys: list[str]) -> dict[str, int | None]:
    """The same, first putting back any missing stamp (handlers only: a view writes nothing)."""
    for key in keys:
        cache.add(PREFIX + key, _fresh(), timeout=STAMP_TIMEOUT)
    return stamps(keys)


def combined(keys: list[str], values: dict[str, int | None]) -> str | None:
    """A token's stamp: its keys' stamps together, or None when any is unknown."""
    parts = [values.get(key) for key in keys]
    return None if any(part is None for part in parts) else ".".join(str(part) for part in parts)


# --- watch tokens ----------------------------------------------------------------------------------


class BadToken(Exception):
    """A token that is forged, expired or malformed."""


def issue(learner_id: str, keys: list[str]) -> str:
    return signing.dumps({"u": learner_id, "k": keys}, salt=SALT, compress=True)


def read(token: str) -> tuple[str, list[str]]:
    """(learner id, keys) of a token this site issued within TOKEN_MAX_AGE, else BadToken."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError) as bad:
        raise BadToken from bad
    learner, keys = (payload.get("u"), payload.get("k")) if isinstance(payload, dict) else (None, None)
    if not isinstance(learner, str) or not learner or not isinstance(keys, list) \
            or not 0 < len(keys) <= MAX_KEYS_PER_TOKEN or not all(isinstance(k, str) and _KEY.match(k) for k in keys):
        raise BadToken
    return learner, keys


@dataclass
class Watch:
    """
    What one block watches for its learner, with each stamp read before the state the block shows
    with it: start the watch (and ``add`` a key) *before* reading what it covers. ``seed`` (handlers
    only) puts back stamps the cache lost.
    """

    learner_id: str
    seed: bool = False
    url: str = ""  # the feed's, for the page
    keys: list[str] = field(default_factory=list)
    values: dict[str, int | None] = field(default_factory=dict)

    def add(self, *keys: str) -> Watch:
        new = [key for key in keys if key not in self.keys]
        if new:
            try:
                self.values.update(seeded(new) if self.seed else stamps(new))
            except Exception:  # noqa: BLE001 - a cache outage: "unknown", the block asks its handler
                log.exception("Change stamps could not be read")
                self.values.update(dict.fromkeys(new))
            self.keys.extend(new)
        return self

    def answer(self) -> dict:
        """``{"url", "token", "stamp"}`` for the page: the stamp as read, None where unknown."""
        return {"url": self.url, "token": issue(self.learner_id, self.keys),
                "stamp": combined(self.keys, self.values)}
