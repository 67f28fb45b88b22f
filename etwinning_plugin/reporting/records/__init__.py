"""
The records the plugin sends the NSS, one module per type: how it is built, its natural key (which
fields say which fact it is, hashed into its idempotency key), and, where a fact implies it, how it
is derived from that fact. Each type's JSON Schema is ``schemas/<type>.schema.json``;
docs/nss-contract.md describes them for the NSS.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    completion,
    enrollment,
    registration,
    retirement,
    self_assessment_summary,
    site_summary,
    step_completion,
    survey_response,
    survey_summary,
)
from .base import keyed

TYPES: dict[str, ModuleType] = {module.TYPE: module for module in (
    enrollment, completion, survey_response, survey_summary, registration, step_completion, retirement,
    site_summary, self_assessment_summary)}


def build(record_type: str, *args, **facts) -> dict:
    """The record of ``record_type`` for these facts (see the type's ``build``)."""
    return TYPES[record_type].build(*args, **facts)


def keyed_again(record: dict) -> dict:
    """The record with the key of what it now says (after a retirement rewrote it)."""
    return keyed(record, TYPES[record["type"]].NATURAL_KEY)
