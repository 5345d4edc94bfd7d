"""``designation audit export``: one zip an auditor can take away — every run's raw history
(JSON, loadable by ``WorkflowHistory.from_json`` and the Temporal CLI/UI format), the
journal slice with its hash chain, the replay and verification reports, and the timeline as
CSV and XLSX — with a manifest of SHA-256 digests."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from audit.replay import ReplayReport
from domain.attachments import archive_name

TIMELINE_COLUMNS = ("seq", "on", "kind", "actor_role", "actor_name", "what", "details", "run_id")
KIND_LABELS = {
    "registered": "登记", "stage": "阶段变化", "title": "称号", "deadline": "设定时限", "deadline_cleared": "时限解除",
    "deadline_moved": "时限调整", "reminder": "提醒", "overdue": "逾期", "action": "操作", "decision": "会议决定",
    "attachment": "附件",
}


def _what(item: dict[str, Any]) -> str:
    d = item["data"]
    if item["kind"] == "stage":
        return f"{d.get('from') or '—'} → {d.get('to')}"
    if item["kind"] in ("deadline", "reminder", "overdue", "deadline_cleared"):
        version = f" [{d['calendar_version']}]" if d.get("calendar_version") else ""
        return f"{d.get('what')} 截止 {d.get('due')}{version}"
    if item["kind"] == "deadline_moved":
        return f"{d.get('what')} {d.get('old_due')} → {d.get('new_due')} [{d.get('old_calendar_version')} → {d.get('new_calendar_version')}]"
    if item["kind"] == "title":
        return f"{d.get('status')} 至 {d.get('valid_until') or '—'}"
    if item["kind"] == "action":
        return str(d.get("action"))
    if item["kind"] == "attachment":
        return f"{d.get('name')}（{d.get('purpose')}，{d.get('sha256')}）"
    if item["kind"] == "decision":
        return f"{d.get('decision')}（{d.get('meeting_id')}）"
    return ""


def timeline_rows(report: ReplayReport) -> list[list[Any]]:
    rows = []
    for item in report.timeline:
        rows.append([item["seq"], item["on"], KIND_LABELS.get(item["kind"], item["kind"]), item["actor"]["role"],
                     item["actor"]["name"], _what(item), json.dumps(item["data"], ensure_ascii=False, sort_keys=True),
                     item["run_id"]])
    return rows


def _csv(header: tuple[str, ...], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


def _xlsx(title: str, header: tuple[str, ...], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    for column, width in zip("ABCDEFGH", (6, 12, 10, 12, 20, 48, 60, 38)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def attachment_files(journal: list[Any], blobs: Any) -> list[dict[str, Any]]:
    """The journaled attachments (issue 10 item 4), each once, with its bytes when the blob
    store has them intact (``data`` None otherwise: listed in the manifest as missing or altered)."""
    out: dict[str, dict[str, Any]] = {}
    for r in sorted(journal, key=lambda r: (r.seq, r.id or 0)):
        if r.kind != "attachment" or str((r.data or {}).get("sha256")) in out:
            continue
        sha, name = str(r.data.get("sha256")), str(r.data.get("name"))
        try:
            data = blobs.get(sha)
        except Exception:
            data = None
        state = "missing" if data is None else ("ok" if hashlib.sha256(data).hexdigest() == sha else "altered")
        out[sha] = {"seq": r.seq, "sha256": sha, "name": name, "purpose": r.data.get("purpose"),
                    "path": archive_name(sha, name), "state": state, "data": data if state == "ok" else None}
    return list(out.values())


def build_pack(report: ReplayReport, histories: list[Any], journal: list[Any], actor: str,
               attachments: list[dict[str, Any]] | None = None) -> bytes:
    files: dict[str, bytes] = {}
    for a in attachments or ():
        if a["data"] is not None:
            files[a["path"]] = a["data"]
    for n, history in enumerate(histories, 1):
        files[f"histories/{n:02d}-{history.run_id}.json"] = history.to_json().encode()
    journal_dicts = [
        {"id": r.id, "seq": r.seq, "on": r.on.isoformat(), "kind": r.kind, "actor_role": r.actor_role,
         "actor_name": r.actor_name, "data": r.data, "prev_hash": r.prev_hash, "hash": r.hash,
         "workflow_id": r.workflow_id, "run_id": r.run_id,
         "recorded_at": r.recorded_at.isoformat() if r.recorded_at else None}
        for r in sorted(journal, key=lambda r: (r.seq, r.id or 0))
    ]
    files["journal.json"] = json.dumps(journal_dicts, ensure_ascii=False, indent=1).encode()
    files["journal.csv"] = _csv(("id", "seq", "on", "kind", "actor_role", "actor_name", "data", "prev_hash", "hash"),
                                [[j["id"], j["seq"], j["on"], j["kind"], j["actor_role"], j["actor_name"],
                                  json.dumps(j["data"], ensure_ascii=False, sort_keys=True), j["prev_hash"], j["hash"]]
                                 for j in journal_dicts])
    body = report.as_dict()
    body.pop("timeline")
    files["replay.json"] = json.dumps(body, ensure_ascii=False, indent=1, default=str).encode()
    files["verify.json"] = json.dumps(report.verification.as_dict() if report.verification else None,
                                      ensure_ascii=False, indent=1).encode()
    rows = timeline_rows(report)
    files["timeline.csv"] = _csv(TIMELINE_COLUMNS, rows)
    files["timeline.xlsx"] = _xlsx("时间线", TIMELINE_COLUMNS, rows)
    files["README.txt"] = README.format(cluster=report.cluster_key, runs=len(histories), by=actor,
                                        at=datetime.now(timezone.utc).isoformat(timespec="seconds")).encode()
    manifest = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    listed = [{k: v for k, v in a.items() if k != "data"} for a in attachments or ()]
    files["manifest.json"] = json.dumps({"cluster": report.cluster_key, "exported_by": actor,
                                         "ok": report.ok, "sha256": manifest, "attachments": listed},
                                        ensure_ascii=False, indent=1).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


README = """证据包 / evidence pack — {cluster}
导出人 {by}，时间 {at}（UTC）

histories/        该集群生命周期每一次运行（continue-as-new 链）的 Temporal 原始事件历史，共 {runs} 个，
                  JSON 格式与 Temporal Web UI / CLI 导出的格式相同，可用 WorkflowHistory.from_json 载入重放。
journal.json/csv  存储中的事件日志，每行带前一行哈希（prev_hash）和本行哈希（hash）。
replay.json       用当前代码重放每次运行的结果，以及历史推导的时间线与日志的逐条比对。
verify.json       哈希链校验结果（首个问题行）。
timeline.csv/xlsx 从历史推导的时间线：阶段、操作与操作人、时限及计算它的日历版本、提醒、逾期、会议决定。
attachments/      日志记录的附件文件（<SHA-256>-<原文件名>），内容与日志中的哈希一致；缺失或被改动的在 manifest 中注明。
manifest.json     以上每个文件的 SHA-256，以及附件清单。
"""


def write_pack(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
