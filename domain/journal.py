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


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_string = json.encoder.encode_basestring  # a JSON string literal, UTF-8 as is (C-accelerated)


def dumps(value: Any) -> str:
    """The canonical JSON text: sorted keys, no spaces, UTF-8 as is. The store writes its JSON
    columns with it too, so a journal row's ``data`` is already in the form its hash covers."""
    return _ENCODER.encode(value)


def canonical_text(cluster_key: str, seq: int, on: date | str, kind: str, actor_role: str, actor_name: str,
                   data_text: str) -> bytes:
    """``canonical`` built around the stored text of ``data`` without parsing it: the same bytes
    whenever that text is canonical (rows written since issue 15), which the verification checks
    first; anything else (older rows, a hand-edited row) is parsed and checked the long way."""
    day = on.isoformat() if isinstance(on, date) else str(on)
    return (f'{{"actor":[{_string(actor_role)},{_string(actor_name)}],"cluster":{_string(cluster_key)},'
            f'"data":{data_text},"kind":{_string(kind)},"on":{_string(day)},"seq":{int(seq)}}}').encode()


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
