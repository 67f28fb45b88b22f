"""
Reporting to the NSS: the facts recorded from the platform's events (``facts``, ``receivers``), the
records built from them and from the blocks' work (``records``), the outbox and its delivery
(``outbox``), the surveys' summaries (``summaries``) and the contract they follow (``contract``).

Everything outside this package that has a record to send calls ``emit``, and nothing else here:
the block-facing ``api`` never builds or queues a record itself.
"""

from __future__ import annotations

from . import contract, records
from .outbox import queue


def emit(record_type: str, *args, **facts) -> None:
    """
    Queue the NSS record ``record_type`` built from ``facts`` (see ``records.<type>.build``), in the
    caller's transaction, delivered after the commit. A site without the reporting secrets keeps its
    facts and queues nothing, and no learner's request fails for it.
    """
    if contract.reporting_configured():
        queue(records.build(record_type, *args, **facts))
