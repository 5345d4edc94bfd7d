"""Attachments for the console, the API and the CLI (issue 10 item 4): upload, list, download.

An upload is checked in this order, each before anything is stored: the user's scope
(``domain.cnlic.access``), the file (type by extension and first bytes, size, name: policy values of
``domain.limits``), the purpose for this user and the cluster's stage (``domain.attachments``,
asked of the workflow's own view). Then the bytes go to the blob store under their SHA-256,
and the ``attach`` Update journals the hash and the facts (the workflow's validator checks the
rules again). The same bytes for the same cluster and purpose are not journaled twice.

A blob is kept before its Update is sent, so a refusal that only the workflow can give (the
state moved between the check and the Update) leaves an unreferenced blob: never listed, never
exported, and removed by the daily sweep (``sweep``) once older than the grace period. It is
not deleted at once: the same bytes may be on their way to another cluster's Update.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from domain.cnlic.access import User
from domain.attachments import AttachFacts, AttachmentMeta, check_attach, check_count, check_file, check_sha256, purposes_for
from domain.errors import DomainError
from service.cnlic.console import ConsoleService
from service.cnlic.lifecycle import domain_error_from, timeout_error
from store import attachments as rows
from store.blobs import BlobStore, blob_store, sweep_orphans
from store.models import AttachmentRow
from workflows.cnlic.contracts import AttachInput, AttachResult, ClusterView, designation_workflow_id
from workflows.cnlic.designation import DesignationWorkflow


@dataclass(frozen=True)
class Uploaded:
    row: AttachmentRow
    outcome: str  # accepted | unchanged (the same bytes for the same purpose were already attached)
    stored: bool  # whether the blob was written now (False: the store already had these bytes)


def facts_of(view: ClusterView) -> AttachFacts:
    return AttachFacts(view.stage, tuple(view.panel_leads), bool(view.supplement_items))


class AttachmentService:
    def __init__(self, console: ConsoleService, blobs: BlobStore | None = None) -> None:
        self.console = console
        self.engine = console.engine
        self.blobs = blobs if blobs is not None else blob_store(console.engine)

    async def _view(self, user: User, key: str) -> ClusterView:
        """The workflow's own view, after the scope check (a cluster out of scope is not named)."""
        _, view = await self.console.live_facts(user, key)
        return view if view is not None else await self.console.lifecycle.view(key)

    async def purposes(self, user: User, key: str) -> list[str]:
        return purposes_for(user.actor, facts_of(await self._view(user, key))) if user.role != "auditor" else []

    async def upload(self, user: User, key: str, name: str, data: bytes, purpose: str, note: str = "") -> Uploaded:
        await self.console.live_facts(user, key)  # out of scope: refused before the file is looked at
        meta = check_file(name, data, purpose, note)
        view = await self._view(user, key)
        check_attach(meta.purpose, user.actor, facts_of(view))
        for row in rows.of_cluster(self.engine, key):
            if row.sha256 == meta.sha256 and row.purpose == meta.purpose:
                return Uploaded(row, "unchanged", False)
        check_count(rows.count(self.engine, key))
        sha, stored = self.blobs.put(data)
        assert sha == meta.sha256
        result = await self._attach(key, AttachInput(actor=user.actor, attachment=meta))
        row = next((r for r in rows.of_cluster(self.engine, key) if r.seq == result.seq), None)
        if row is None:  # pragma: no cover - the record activity wrote it before the Update returned
            raise DomainError("store_unavailable", "附件已记录，但存储尚未更新，请稍后刷新")
        return Uploaded(row, "accepted", stored)

    async def _attach(self, key: str, inp: AttachInput) -> AttachResult:
        lifecycle = self.console.lifecycle
        handle = lifecycle.client.get_workflow_handle(designation_workflow_id(key))
        try:
            return await asyncio.wait_for(handle.execute_update(DesignationWorkflow.attach, inp),
                                          self.console.action_timeout)
        except WorkflowUpdateFailedError as e:
            raise domain_error_from(e) or DomainError("action_failed", str(e)) from None
        except (WorkflowUpdateRPCTimeoutOrCancelledError, asyncio.TimeoutError):
            raise timeout_error() from None
        except RPCError as e:
            raise lifecycle._rpc_error(key, "attach", e) from None

    async def list(self, user: User, key: str) -> list[AttachmentRow]:
        await self.console.live_facts(user, key)
        return rows.of_cluster(self.engine, key)

    async def download(self, user: User, key: str, sha256: str) -> tuple[AttachmentRow, bytes]:
        """The bytes, only when they still hash to their name (an altered blob is never served)."""
        await self.console.live_facts(user, key)
        check_sha256(sha256)
        row = rows.find(self.engine, key, sha256)
        if row is None:
            raise DomainError("attachment_unknown", f"集群 {key} 没有编号为 {sha256[:12]}… 的附件")
        data = self.blobs.get(sha256)
        if data is None:
            raise DomainError("attachment_missing", f"附件“{row.name}”的文件不在存储中（{sha256[:12]}…），请联系管理员")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DomainError("attachment_altered", f"附件“{row.name}”的文件已被改动，与记录的 SHA-256 不符，不予下载")
        return row, data


def sweep(engine, blobs: BlobStore, now: datetime | None = None) -> list[str]:
    """Housekeeping: remove the blobs no attachment references, past the grace period."""
    return sweep_orphans(blobs, rows.referenced(engine), now or datetime.now(timezone.utc))


def meta_of(row: AttachmentRow) -> AttachmentMeta:
    return AttachmentMeta(row.sha256, row.name, row.size, row.media_type, row.purpose, row.note)
