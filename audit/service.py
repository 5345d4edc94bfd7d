"""What the CLI and the console call for audits; each read is journaled in ``audit_read``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from temporalio.client import Client

from audit.export import attachment_files, build_pack
from audit.history import PROGRAM1, latest_head, listed_heads, recorded_head, run_chain, spec_for, workflow_id_for
from audit.replay import ReplayReport, replay_cluster
from audit.verify import VerifyReport, check_attachments, verify_rows
from domain.errors import DomainError
from store import audit as audit_log
from store.cnlic import lifecycle as repo


RECHECK_SECONDS = 1.0  # how long a journal may run ahead of its workflow's history (a workflow task)


def program_journal_keys(engine: Engine) -> list[str]:
    """The journals of programs 2–4 present in this build (``<program>.<entity>`` keys)."""
    from service.programs import programs

    return [k for p in programs() for k in repo.journal_keys(engine, prefix=p.key + ".")]


@dataclass
class AuditService:
    client: Client | None
    engine: Engine
    blobs: Any = None  # the attachments' blob store (store.blobs); the configured one when None
    # how this service's verifies found their heads: from the visibility listing, from histories
    heads_listed: int = field(default=0, init=False)
    heads_read: int = field(default=0, init=False)

    def _blobs(self) -> Any:
        if self.blobs is None:
            from store.blobs import blob_store

            self.blobs = blob_store(self.engine)
        return self.blobs

    def _require_cluster(self, key: str) -> None:
        """A program-1 cluster, or a journal of programs 2–4 (``<program>.<entity>``)."""
        from service.programs import program_of_key

        if program_of_key(key) is not None:
            if not repo.has_journal(self.engine, key):
                raise DomainError("cluster_unknown", f"没有编号为 {key} 的日志")
            return
        if not repo.has_cluster(self.engine, key):
            raise DomainError("cluster_unknown", f"没有编号为 {key} 的集群")

    async def replay(self, key: str, actor: str) -> ReplayReport:
        self._require_cluster(key)
        report = await replay_cluster(self._client(), self.engine, key)
        self._check_attachments(report, report.rows)
        outcome = "一致" if report.ok else f"不一致：{len(report.differences)} 处差异，重放{'通过' if report.deterministic else '失败'}"
        audit_log.record_read(self.engine, actor, "replay", key, outcome)
        return report

    async def verify(self, key: str | None, actor: str) -> list[VerifyReport]:
        if key:
            self._require_cluster(key)
            head = None
            if self.client is not None:
                head = recorded_head(await run_chain(self.client, workflow_id_for(key)), spec_for(key))
            rows = repo.journal_rows(self.engine, key)
            reports = [check_attachments(verify_rows(key, rows, head), rows, self._blobs())]
        else:
            reports = await self._verify_all()
        bad = [r for r in reports if not r.ok]
        audit_log.record_read(self.engine, actor, "verify", key,
                              "完整" if not bad else f"{len(bad)} 个集群的日志有问题：{', '.join(r.cluster_key for r in bad)}")
        return reports

    async def _verify_all(self) -> list[VerifyReport]:
        """Every chain in one streamed pass over the journal, the heads fetched from Temporal
        concurrently beforehand (issue 15: no query per cluster, no history one at a time)."""
        wanted = set(repo.cluster_keys(self.engine)) | set(program_journal_keys(self.engine))
        heads = await self._heads(sorted(wanted)) if self.client is not None else {}
        blobs = self._blobs()
        reports = []
        for k, rows in repo.journal_stream(self.engine):
            if k in wanted:
                wanted.discard(k)
                reports.append(check_attachments(verify_rows(k, rows, heads.get(k)), rows, blobs))
        reports += [verify_rows(k, [], heads.get(k)) for k in wanted]  # registered, never journaled
        ahead = [r.cluster_key for r in reports if any(p.kind == "forged" for p in r.problems)]
        if ahead and self.client is not None:
            # a lifecycle busy this instant journals inside its workflow task (lean-history-v1):
            # its rows can reach the store a moment before the task lands in history; look again
            # before calling rows the workflow never wrote forged
            await asyncio.sleep(RECHECK_SECONDS)
            heads.update(await self._heads(ahead, listed=False))  # the histories themselves
            again = {k: check_attachments(verify_rows(k, rows, heads.get(k)), rows, blobs)
                     for k in ahead for rows in [repo.journal_rows(self.engine, k)]}
            reports = [again.get(r.cluster_key, r) for r in reports]
        return sorted(reports, key=lambda r: r.cluster_key)

    async def _heads(self, keys: list[str], concurrency: int = 64, listed: bool = True) -> dict[str, tuple[int, str]]:
        """The head each workflow last recorded (issue 15): program 1's lifecycles from one
        visibility listing of their JournalHead attribute (``listed``), the rest — programs 2–4,
        runs from before that attribute, a server without visibility — read backwards from the
        end of their latest run's history, many workflows at once."""
        client = self._client()
        ids = {k: workflow_id_for(k) for k in keys}
        specs = {k: spec_for(k) for k in keys}
        heads: dict[str, tuple[int, str]] = {}
        if listed:
            found = await listed_heads(client, {w for k, w in ids.items() if specs[k] is PROGRAM1})
            heads = {k: found[w] for k, w in ids.items() if w in found}
        self.heads_listed += len(heads)
        self.heads_read += len(keys) - len(heads)
        gate = asyncio.Semaphore(concurrency)

        async def one(k: str) -> tuple[str, tuple[int, str] | None]:
            async with gate:
                return k, await latest_head(client, ids[k], specs[k])

        read = await asyncio.gather(*(one(k) for k in keys if k not in heads))
        return heads | {k: h for k, h in read if h is not None}

    async def export(self, key: str, actor: str) -> tuple[ReplayReport, bytes]:
        self._require_cluster(key)
        client = self._client()
        chain = await run_chain(client, workflow_id_for(key))
        report = await replay_cluster(client, self.engine, key)
        journal = report.rows if report.rows is not None else repo.journal_rows(self.engine, key)
        self._check_attachments(report, journal)
        pack = build_pack(report, chain, journal, actor, attachment_files(journal, self._blobs()))
        audit_log.record_read(self.engine, actor, "export", key, f"证据包 {len(pack)} 字节，{len(chain)} 次运行")
        return report, pack

    def _check_attachments(self, report: ReplayReport, journal: list | None = None) -> None:
        """The journaled attachments' blobs join the chain check (issue 10 item 4)."""
        if report.verification is not None:
            check_attachments(report.verification, journal if journal is not None else repo.journal_rows(
                self.engine, report.cluster_key), self._blobs())

    def _client(self) -> Client:
        if self.client is None:
            raise DomainError("temporal_unavailable", "需要连接 Temporal 才能读取事件历史")
        return self.client
