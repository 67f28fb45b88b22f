"""What every record type shares: its header, and its idempotency key from its own natural key."""

from __future__ import annotations

import json
from datetime import datetime

from ..contract import SCHEMA_VERSION, idempotency_key


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def header(record_type: str, course_key: str, occurred_at: datetime) -> dict:
    return {"type": record_type, "schema_version": SCHEMA_VERSION, "occurred_at": iso(occurred_at),
            "course_id": course_key}


def keyed(record: dict, natural_key: tuple[str, ...]) -> dict:
    """
    The record with its ``idempotency_key``: a hash of its type and the fields of ``natural_key``,
    read from the record as sent. So a key holds pseudonyms, never a platform user id (the NSS sees
    the keys, and a key hashed from a small user id would give the id back by enumeration), and it
    can be computed again after a retirement replaced the pseudonym.
    """
    parts = []
    for name in natural_key:
        value = record.get(name)
        if isinstance(value, list):
            parts.extend(json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for v in value)
        elif isinstance(value, dict):
            parts.append(json.dumps(value, sort_keys=True))
        else:
            parts.append("" if value is None else value)
    return {**record, "idempotency_key": idempotency_key(record["type"], *parts)}
