"""What the CLI and the console call for audits; each read is journaled in ``audit_read``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from temporalio.client import Client

from audit.export import attachment_files, build_pack
from audit.history import recorded_head, run_chain, spec_for, workflow_id_for
from audit.replay import ReplayReport, replay_cluster
from audit.verify import VerifyReport, check_attachments, verify_rows
from domain.errors import DomainError
from store import audit as audit_log
from store.cnlic import lifecycle as repo


def program_journal_keys(engine: Engine) -> list[str]:
    """The journals of programs 2–4 present in this build (``<program>.<entity>`` keys)."""
    from service.programs import programs

    return [k for p in programs() for k in repo.journal_keys(engine, prefix=p.key + ".")]


@dataclass
class AuditService:
    client: Client | None
    engine: Engine
    blobs: Any = None  # the attachments' blob store (store.blobs); the configured one when None

    def _blobs(self) -> Any:
        if self.blobs is None:
            from store.blobs import blob_store

            self.blobs = blob_store(self.engine)
        return self.blobs

    def _require_cluster(self, key: str) -> None:
        """A program-1 cluster, or a journal of programs 2–4 (``<program>.<entity>``)."""
        from service.programs import program_of_key

        if program_of_key(key) is not None:
            if not repo.journal_keys(self.engine, prefix=key.split(".", 1)[0] + ".", exact=key):
                raise DomainError("cluster_unknown", f"没有编号为 {key} 的日志")
            return
        if repo.cluster(self.engine, key) is None:
            raise DomainError("cluster_unknown", f"没有编号为 {key} 的集群")

    async def replay(self, key: str, actor: str) -> ReplayReport:
        self._require_cluster(key)
        report = await replay_cluster(self._client(), self.engine, key)
        self._check_attachments(report)
        outcome = "一致" if report.ok else f"不一致：{len(report.differences)} 处差异，重放{'通过' if report.deterministic else '失败'}"
        audit_log.record_read(self.engine, actor, "replay", key, outcome)
        return report

    async def verify(self, key: str | None, actor: str) -> list[VerifyReport]:
        keys = [key] if key else [c.key for c in repo.clusters(self.engine)] + program_journal_keys(self.engine)
        if key:
            self._require_cluster(key)
        reports = []
        for k in keys:
            head = None
            if self.client is not None:
                head = recorded_head(await run_chain(self.client, workflow_id_for(k)), spec_for(k))
            rows = repo.journal(self.engine, k)
            reports.append(check_attachments(verify_rows(k, rows, head), rows, self._blobs()))
        bad = [r for r in reports if not r.ok]
        audit_log.record_read(self.engine, actor, "verify", key,
                              "完整" if not bad else f"{len(bad)} 个集群的日志有问题：{', '.join(r.cluster_key for r in bad)}")
        return reports

    async def export(self, key: str, actor: str) -> tuple[ReplayReport, bytes]:
        self._require_cluster(key)
        client = self._client()
        chain = await run_chain(client, workflow_id_for(key))
        report = await replay_cluster(client, self.engine, key)
        journal = repo.journal(self.engine, key)
        self._check_attachments(report, journal)
        pack = build_pack(report, chain, journal, actor, attachment_files(journal, self._blobs()))
        audit_log.record_read(self.engine, actor, "export", key, f"证据包 {len(pack)} 字节，{len(chain)} 次运行")
        return report, pack

    def _check_attachments(self, report: ReplayReport, journal: list | None = None) -> None:
        """The journaled attachments' blobs join the chain check (issue 10 item 4)."""
        if report.verification is not None:
            check_attachments(report.verification, journal if journal is not None else repo.journal(self.engine,
                                                                                                  report.cluster_key),
                              self._blobs())

    def _client(self) -> Client:
        if self.client is None:
            raise DomainError("temporal_unavailable", "需要连接 Temporal 才能读取事件历史")
        return self.client
