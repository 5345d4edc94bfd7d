"""Verification of the hash-chained journal (per cluster): every row's own hash, every link
to the previous row, no gap or duplicate in the sequence, and the tail against the head the
workflow recorded in its history."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from domain.journal import GENESIS, canonical, canonical_text, link


@dataclass
class Problem:
    seq: int
    kind: str  # edited | missing | duplicated | relinked | truncated | forged | diverged | attachment_missing | attachment_altered
    message: str


@dataclass
class VerifyReport:
    cluster_key: str
    rows: int
    head_seq: int  # what the workflow recorded
    ok: bool = True
    problems: list[Problem] = field(default_factory=list)

    @property
    def first_bad(self) -> int | None:
        return self.problems[0].seq if self.problems else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "first_bad": self.first_bad}

    def summary(self) -> str:
        if self.ok:
            return f"{self.cluster_key}: 日志完整，{self.rows} 行，哈希链与工作流记录的末端（第 {self.head_seq} 行）一致"
        return f"{self.cluster_key}: 日志被改动，首个问题在第 {self.first_bad} 行：{self.problems[0].message}"


def verify_rows(cluster_key: str, rows: list[Any], head: tuple[int, str] | None) -> VerifyReport:
    """``rows`` are the cluster's journal rows; ``head`` is (seq, hash) from the history."""
    if any(a.seq > b.seq or (a.seq == b.seq and (a.id or 0) > (b.id or 0)) for a, b in zip(rows, rows[1:])):
        rows = sorted(rows, key=lambda r: (r.seq, r.id or 0))  # the store streams them in order already
    report = VerifyReport(cluster_key, len(rows), head[0] if head else 0)
    problems = report.problems
    expected_seq, prev_hash = 1, GENESIS
    for row in rows:
        seq, own_prev, own_hash = row.seq, row.prev_hash, row.hash
        if seq < expected_seq:
            problems.append(Problem(seq, "duplicated", f"第 {seq} 行重复出现（行号 {row.id}）"))
            continue
        if seq > expected_seq:
            missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
            problems.append(Problem(expected_seq, "missing", f"第 {missing} 行缺失（被删除）"))
        text = getattr(row, "data_text", None)
        digest = None
        if text is not None:  # the stored text as is (canonical since issue 15), parsed only if that fails
            digest = link(own_prev, canonical_text(row.cluster_key, seq, row.on, row.kind, row.actor_role,
                                                   row.actor_name, text))
        if digest != own_hash:
            digest = link(own_prev, canonical(row.cluster_key, seq, row.on, row.kind, row.actor_role, row.actor_name,
                                              row.data))
        if digest != own_hash:
            problems.append(Problem(seq, "edited", f"第 {seq} 行的内容与其哈希不符（内容被修改）"))
        elif own_prev != prev_hash and seq == expected_seq:
            problems.append(Problem(seq, "relinked", f"第 {seq} 行与前一行的哈希链断开（前面的行被改动或调换）"))
        prev_hash, expected_seq = own_hash, seq + 1
    if head is not None:
        head_seq, head_hash = head
        last_seq = rows[-1].seq if rows else 0
        if last_seq < head_seq:
            problems.append(Problem(last_seq + 1, "truncated",
                                    f"日志止于第 {last_seq} 行，工作流记录到第 {head_seq} 行（末尾被截断）"))
        elif last_seq > head_seq:
            problems.append(Problem(head_seq + 1, "forged",
                                    f"日志有第 {head_seq + 1}–{last_seq} 行，工作流只记录到第 {head_seq} 行（多出的行不是工作流写的）"))
        elif head_seq and head_hash and prev_hash != head_hash and not problems:
            # (an empty recorded head comes from a history written before the chain existed:
            # only its sequence number can be checked)
            problems.append(Problem(head_seq, "diverged", f"第 {head_seq} 行的哈希与工作流记录的末端不一致"))
    problems.sort(key=lambda p: p.seq)
    report.ok = not problems
    return report


def check_attachments(report: VerifyReport, rows: list[Any], blobs: Any) -> VerifyReport:
    """Every journaled attachment (issue 10 item 4) against the blob store: its blob is there
    and hashes to the SHA-256 the chain recorded. A missing or altered file is named."""
    import hashlib

    checked: dict[str, str | None] = {}  # sha256 -> problem kind (None: fine); each blob read once
    attached = [r for r in rows if r.kind == "attachment"]
    if not attached:
        return report
    for row in sorted(attached, key=lambda r: (r.seq, r.id or 0)):
        d = row.data or {}
        sha, name = str(d.get("sha256", "")), str(d.get("name", ""))
        if sha not in checked:
            try:
                data = blobs.get(sha)
            except Exception:  # a malformed hash in an edited row: the chain check names that row
                data = None
            checked[sha] = "attachment_missing" if data is None else (
                None if hashlib.sha256(data).hexdigest() == sha else "attachment_altered")
        kind = checked[sha]
        if kind == "attachment_missing":
            report.problems.append(Problem(row.seq, kind, f"第 {row.seq} 行的附件“{name}”（{sha}）在文件存储中缺失"))
        elif kind == "attachment_altered":
            report.problems.append(Problem(row.seq, kind,
                                           f"第 {row.seq} 行的附件“{name}”的文件已被改动，与记录的 SHA-256 {sha} 不符"))
    report.problems.sort(key=lambda p: p.seq)
    report.ok = not report.problems
    return report
