"""The journal's hash chain: every row carries the hash of the previous row and of its own
canonical content, per cluster. The workflow computes the same chain from its own events,
so the head it records (state and history) also reveals a truncated tail."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

GENESIS = ""  # the "previous hash" of a lifecycle's first row


def canonical(cluster_key: str, seq: int, on: date | str, kind: str, actor_role: str, actor_name: str,
              data: Any) -> bytes:
    """The bytes a row's hash covers: every business field, nothing the database assigns."""
    record = {
        "cluster": cluster_key,
        "seq": seq,
        "on": on.isoformat() if isinstance(on, date) else str(on),
        "kind": kind,
        "actor": [actor_role, actor_name],
        "data": data,
    }
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def link(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + content).hexdigest()


def event_hash(prev_hash: str, cluster_key: str, event: Any) -> str:
    """The next link for a domain ``Event``."""
    return link(prev_hash, canonical(cluster_key, event.seq, event.on, event.kind, event.actor.role,
                                     event.actor.name, event.data))


def head_of(cluster_key: str, events: list[Any], start: str = GENESIS) -> str:
    head = start
    for e in events:
        head = event_hash(head, cluster_key, e)
    return head
