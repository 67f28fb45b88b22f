"""
The NSS contract, version 1, apart from each record type (``records/``): the learner pseudonyms,
the idempotency keys, the request body and its signature, and the JSON Schemas in ``schemas/``
that the tests check every record against. docs/nss-contract.md describes it for the NSS.

A record is ``{"type", "schema_version", "idempotency_key", "occurred_at", "course_id", ...}``. The
idempotency key is a hash of the record's type and *natural key* (course, learner and what
happened), so the same fact always gets the same key, however often it is recorded or sent: the
NSS stores a key once and answers a repeat with 409 or 2xx.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import cache
from importlib import resources

from django.conf import settings

SCHEMA_VERSION = "1.0"
SIGNATURE_HEADER = "X-NSS-Signature"
TIMESTAMP_HEADER = "X-NSS-Timestamp"


def _secret(name: str) -> bytes:
    value = getattr(settings, name, "") or ""
    if not value:
        raise RuntimeError(f"{name} is not set: the plugin cannot sign or pseudonymise records")
    return value.encode("utf-8")


def reporting_configured() -> bool:
    """Records can be built only with the site's two secrets; without them facts are kept, not queued."""
    return bool(settings.ETWINNING_PSEUDONYM_KEY and settings.ETWINNING_NSS_SECRET)


def pseudonym(user_id: str | int) -> str:
    """
    The learner as the NSS sees them without consent: a keyed hash (HMAC-SHA256 with
    ETWINNING_PSEUDONYM_KEY) of the platform's user id. Stable across records and courses, so the
    NSS can count people, and not reversible without the key, which never leaves the platform.
    """
    digest = hmac.new(_secret("ETWINNING_PSEUDONYM_KEY"), str(user_id).encode("utf-8"), hashlib.sha256)
    return "p-" + digest.hexdigest()[:40]


def idempotency_key(record_type: str, *natural_key: object) -> str:
    """The same fact, the same key: SHA-256 of the type, the schema version and the natural key."""
    text = json.dumps([record_type, SCHEMA_VERSION, *[str(part) for part in natural_key]], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sign(body: bytes, timestamp: int) -> str:
    """
    The signature the NSS checks: hex HMAC-SHA256, keyed with ETWINNING_NSS_SECRET, over
    ``"<timestamp>." + body`` (the Unix time in seconds, a dot, the exact request body bytes).
    """
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(_secret("ETWINNING_NSS_SECRET"), message, hashlib.sha256).hexdigest()


def batch_body(records: list[dict]) -> bytes:
    """The request body: ``{"schema_version", "records": [...]}`` as compact UTF-8 JSON."""
    return json.dumps({"schema_version": SCHEMA_VERSION, "records": records}, ensure_ascii=False,
                      separators=(",", ":"), sort_keys=True).encode("utf-8")


@cache
def schema(record_type: str) -> dict:
    """The JSON Schema of a record type, shipped in the package."""
    text = resources.files(__package__).joinpath("schemas", f"{record_type}.schema.json").read_text("utf-8")
    return json.loads(text)
