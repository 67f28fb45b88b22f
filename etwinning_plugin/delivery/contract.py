"""
The NSS contract, version 1: the records the plugin sends, their idempotency keys, the learner
pseudonyms, and the request signature. docs/nss-contract.md describes it for the NSS; the JSON
Schemas in ``schemas/`` are the machine-readable form, and the tests check every record against them.

A record is ``{"type", "schema_version", "idempotency_key", "occurred_at", "course_id", ...}``. The
idempotency key is a hash of the record's type and *natural key* (course, learner and what
happened), so the same fact always gets the same key, however often it is recorded or sent: the
NSS stores a key once and answers a repeat with 409 or 2xx.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from functools import cache
from importlib import resources

from django.conf import settings

SCHEMA_VERSION = "1.0"
RECORD_TYPES = ("enrollment", "completion", "survey_response", "survey_summary", "registration", "step_completion",
                "retirement")
SIGNATURE_HEADER = "X-NSS-Signature"
TIMESTAMP_HEADER = "X-NSS-Timestamp"


def _secret(name: str) -> bytes:
    value = getattr(settings, name, "") or ""
    if not value:
        raise RuntimeError(f"{name} is not set: the plugin cannot sign or pseudonymise records")
    return value.encode("utf-8")


def reporting_configured() -> bool:
    """Records can be built only with the site's two secrets; without them facts are kept, not queued."""
    return bool(getattr(settings, "ETWINNING_PSEUDONYM_KEY", "") and getattr(settings, "ETWINNING_NSS_SECRET", ""))


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


# Each record type's natural key: the fields of the record that say which fact it is. Keys are
# computed from the record as sent, so they hold pseudonyms, never a platform user id: the NSS sees
# the keys, and a key hashed from a small user id would give the id back by enumeration. Computed
# from the record, a key can also be computed again after a retirement replaced the pseudonym.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "enrollment": ("course_id", "learner", "state", "mode"),
    "completion": ("course_id", "learner", "basis", "outcome", "certificate_status"),
    "survey_response": ("course_id", "survey_id", "response_id", "answers"),
    "survey_summary": ("course_id", "survey_id", "responses", "items"),
    "registration": ("course_id", "learner", "teacher_registered_during_course", "school_registered_during_course",
                     "school", "profile_url"),
    "step_completion": ("course_id", "step_id", "kind", "learners"),
    "retirement": ("learner",),
}


def keyed(record: dict) -> dict:
    """The record with its ``idempotency_key``, from its type's natural key."""
    parts = []
    for name in NATURAL_KEYS[record["type"]]:
        value = record.get(name)
        if isinstance(value, list):
            parts.extend(json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for v in value)
        elif isinstance(value, dict):
            parts.append(json.dumps(value, sort_keys=True))
        else:
            parts.append("" if value is None else value)
    return {**record, "idempotency_key": idempotency_key(record["type"], *parts)}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def enrollment_record(course_key: str, user_id: str, *, mode: str, is_active: bool, enrolled_at: datetime | None,
                      occurred_at: datetime) -> dict:
    state = "active" if is_active else "inactive"
    return keyed({
        "type": "enrollment",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": _iso(occurred_at),
        "course_id": course_key,
        "learner": pseudonym(user_id),
        "mode": mode,
        "state": state,
        "enrolled_at": _iso(enrolled_at),
    })


def completion_record(course_key: str, user_id: str, *, basis: str, passed: bool, grade: float | None,
                      certificate_status: str, occurred_at: datetime) -> dict:
    """``basis``: "passing_status" or "certificate", the platform fact the completion comes from."""
    outcome = "passed" if passed else "not_passed"
    return keyed({
        "type": "completion",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": _iso(occurred_at),
        "course_id": course_key,
        "learner": pseudonym(user_id),
        "basis": basis,
        "outcome": outcome,
        "grade": grade,
        "certificate_status": certificate_status or None,
    })


def survey_response_record(course_key: str, usage_key: str, response_id: str, answers: dict[str, int], *,
                           learner_id: str | None, occurred_at: datetime) -> dict:
    """
    One respondent's answers. ``learner`` is present only when the learner agreed to share their
    eTwinning profile with the NSS (``learner_id`` given); otherwise the record is anonymous. A
    changed answer is a new record with the same ``response_id``: the NSS keeps the newest.
    """
    record = {
        "type": "survey_response",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": _iso(occurred_at),
        "course_id": course_key,
        "survey_id": usage_key,
        "response_id": response_id,
        "answers": answers,
    }
    if learner_id is not None:
        record["learner"] = pseudonym(learner_id)
    return keyed(record)


def survey_summary_record(course_key: str, usage_key: str, *, responses: int, items: list[dict],
                          occurred_at: datetime) -> dict:
    """
    A survey's tallies as of ``occurred_at``: per item, the answers per point of the five-point
    scale, how many answered, how many answered 4 or 5, and that share in percent. Counted from the
    stored answers, so counts and percentages always agree. A newer summary of the same survey
    supersedes the older; the same counts are the same fact (one key).
    """
    return keyed({
        "type": "survey_summary",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": _iso(occurred_at),
        "course_id": course_key,
        "survey_id": usage_key,
        "responses": responses,
        "items": items,
    })


def registration_record(course_key: str, learner_id: str, *, teacher_new: bool, school_new: bool, school_key: str,
                        profile_url: str | None, occurred_at: datetime) -> dict:
    """A teacher's (and school's) eTwinning registration; the profile address only with consent."""
    return keyed({
        "type": "registration",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": _iso(occurred_at),
        "course_id": course_key,
        "learner": pseudonym(learner_id),
        "teacher_registered_during_course": teacher_new,
        "school_registered_during_course": school_new,
        "school": hashlib.sha256(school_key.encode("utf-8")).hexdigest()[:32],
        "profile_url": profile_url,
    })


def step_completion_record(course_key: str, usage_key: str, *, kind: str, title: str, learner_ids: list[str],
                           occurred_at: datetime) -> dict:
    """
    A worksheet step or project plan completed (``kind``: "step" or "plan"), by one learner or by
    a partnership (``learners``: every member's pseudonym). Completing again is the same fact.
    """
    learners = sorted(pseudonym(learner_id) for learner_id in learner_ids)
    return keyed({
        "type": "step_completion",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": _iso(occurred_at),
        "course_id": course_key,
        "step_id": usage_key,
        "kind": kind,
        "title": title[:400],
        "learners": learners,
    })


def retirement_record(user_id: str, *, occurred_at: datetime) -> dict:
    """The learner asked the platform to delete their account: the NSS forgets this pseudonym."""
    return keyed({"type": "retirement", "schema_version": SCHEMA_VERSION, "occurred_at": _iso(occurred_at),
                  "course_id": "", "learner": pseudonym(user_id)})


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
