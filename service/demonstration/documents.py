"""The commendation list of a round as DOCX (seeds/000 四、表彰), from the read model."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.demonstration.documents import Commended, commendation
from domain.errors import DomainError
from service.cnlic.documents import to_docx  # the platform's document renderer
from store.demonstration import cnlic_facts
from store.demonstration import rounds as repo


def commendation_document(engine: Any, row: Any):
    snap = row.snapshot or {}
    approved = list(snap.get("approved") or [])
    if not approved:
        raise DomainError("commendation_unavailable", f"评选 {row.key} 尚未审核批准，没有表彰名单")
    names = cnlic_facts.cluster_names(engine, approved)
    present = len(snap.get("members_present") or [])
    cands = {c.cluster_key: c for c in repo.candidates(engine, row.key)}
    entries = [Commended(k, (names.get(k) or ("", ""))[0] or (names.get(k) or ("", ""))[1], cands[k].association,
                         cands[k].yes or 0, present) for k in approved if k in cands]
    c = snap.get("commendation") or {}
    return commendation(row.key, row.title, c.get("document_number", ""),
                        date.fromisoformat(c["held_on"]) if c.get("held_on") else None,
                        date.fromisoformat(snap["approved_on"]) if snap.get("approved_on") else None,
                        entries, row.cap, row.valid_titles)


def commendation_docx(engine: Any, row: Any) -> bytes:
    return to_docx(commendation_document(engine, row))
