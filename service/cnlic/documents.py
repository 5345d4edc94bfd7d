"""The documents the rules publish, generated from the records (issue 11 item 5): reads the
store and the journal, hands plain facts to ``domain.cnlic.documents``, and renders the result as
DOCX (python-docx) and, where LibreOffice is installed, as PDF.

Who may read what: the joint designation list, the recognition list and the revocation
announcement are published documents (§三(四), §四(四): announced on CNLIC's website), so any
signed-in user may download them whole; a site-visit report (附件四) follows its cluster's
scope (``domain.cnlic.access``).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from domain.cnlic import access, labels
from domain.cnlic import documents as content
from domain.cnlic.access import User
from domain.errors import DomainError
from domain.cnlic.policy import get_policy
from store.cnlic import readmodel
from store.models import JournalRow
from store.cnlic.models import Cluster, MeetingDecisionRow, MeetingRow, RecognitionRow

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FORMATS = {"docx": DOCX, "pdf": PDF}
PDF_TIMEOUT = 120  # seconds LibreOffice may take for one document
# the action that records the joint document in each approved lifecycle (RULES.md "Validity
# starts at the joint document")
JOINT_DOCUMENT_ACTIONS = ("record_joint_document",)


@dataclass(frozen=True)
class Rendered:
    content: bytes
    media_type: str
    filename: str  # Chinese, with extension
    fallback: str  # ASCII, with extension

    @property
    def disposition(self) -> str:
        """``Content-Disposition`` with the Chinese name per RFC 5987 and an ASCII fallback."""
        return f"attachment; filename=\"{self.fallback}\"; filename*=UTF-8''{quote(self.filename, safe='')}"


# ---------------------------------------------------------------- rendering


def pdf_converter() -> str | None:
    """LibreOffice's command line when it is on PATH; without it the service offers DOCX only."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def render(doc: content.Document, fmt: str) -> Rendered:
    if fmt not in FORMATS:
        raise DomainError("document_format_unknown", f"文件格式“{fmt}”无效，应为 docx 或 pdf")
    data = to_docx(doc)
    if fmt == "pdf":
        data = to_pdf(data)
    return Rendered(data, FORMATS[fmt], f"{doc.filename}.{fmt}", f"{doc.slug}.{fmt}")


def to_docx(doc: content.Document) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()

    def chinese(style_or_run: Any, face: str) -> None:
        style_or_run.font.name = face
        rpr = style_or_run.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), face)

    normal = d.styles["Normal"]
    chinese(normal, "宋体")
    normal.font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2"):
        chinese(d.styles[name], "黑体")
    d.core_properties.title = doc.title
    d.core_properties.author = content.ISSUER

    head = d.add_heading(doc.title, level=0)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for b in doc.blocks:
        if isinstance(b, content.Heading):
            d.add_heading(b.text, level=b.level)
        elif isinstance(b, content.Paragraph):
            p = d.add_paragraph()
            p.add_run(b.text).bold = b.bold
            if b.center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            table = d.add_table(rows=1, cols=len(b.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.header):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for row in b.rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
            if not b.rows:
                cells = table.add_row().cells
                merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
                merged.text = b.empty
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def to_pdf(docx_bytes: bytes) -> bytes:
    command = pdf_converter()
    if command is None:
        raise DomainError("pdf_unavailable", "本机未安装 LibreOffice（soffice），无法生成 PDF；请下载 DOCX 文件")
    with tempfile.TemporaryDirectory(prefix="designation-pdf-") as tmp:
        src = Path(tmp) / "document.docx"
        src.write_bytes(docx_bytes)
        # a profile of its own: two conversions at once would otherwise share (and lock) one
        profile = Path(tmp, "profile").as_uri()
        try:
            subprocess.run([command, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", tmp, str(src)], check=True, timeout=PDF_TIMEOUT, capture_output=True,
                           env={**os.environ, "HOME": tmp})
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
            raise DomainError("pdf_failed", f"PDF 转换失败（{e.__class__.__name__}）；请下载 DOCX 文件") from None
        out = Path(tmp) / "document.pdf"
        if not out.exists():
            raise DomainError("pdf_failed", "PDF 转换未生成文件；请下载 DOCX 文件")
        return out.read_bytes()


# ---------------------------------------------------------------- reading the records


def _region(c: Cluster | None) -> str:
    return "".join(p for p in (c.province, c.city, c.county) if p) if c else ""


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _entry(key: str, c: Cluster | None, title_event: dict[str, Any] | None = None, procedure: str = "") -> content.TitleEntry:
    ev = title_event or {}
    return content.TitleEntry(
        key=key,
        title=str(ev.get("title") or (c.title or c.name if c else "") or key),
        tier=c.tier if c else "",
        region=_region(c),
        industry=c.industry if c else "",
        conferred_on=_date(ev.get("conferred_on")) or (c.conferred_on if c else None),
        valid_until=_date(ev.get("valid_until")) if ev else (c.valid_until if c else None),
        procedure=procedure,
    )


class DocumentService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _session(self) -> Session:
        return Session(self.engine)

    def _clusters(self, keys: Iterable[str]) -> dict[str, Cluster]:
        return readmodel.clusters_by_key(self.engine, list(keys))

    def _last_titles(self, keys: list[str], until: date) -> dict[str, dict[str, Any]]:
        """Each cluster's last title event up to ``until``: the title as it stood that day."""
        out: dict[str, dict[str, Any]] = {}
        with self._session() as s:
            for start in range(0, len(keys), 500):
                rows = s.exec(select(JournalRow.cluster_key, JournalRow.data)
                              .where(JournalRow.kind == "title", JournalRow.on <= until,
                                     col(JournalRow.cluster_key).in_(keys[start:start + 500]))
                              .order_by(JournalRow.cluster_key, JournalRow.seq)).all()
                for key, data in rows:
                    out[key] = dict(data or {})
        return out

    # ------------------------------------------------------------ the lists for a year

    def years(self) -> list[int]:
        return readmodel.recognition_years(self.engine)

    def _recognition(self, year: int) -> RecognitionRow:
        row = readmodel.recognition(self.engine, year)
        if row is None:
            raise DomainError("recognition_unknown", f"{year} 年度的认定名单尚未公布（每年年初按上年 12 月 31 日的称号状态认定）")
        return row

    def recognition_list(self, user: User, year: int) -> content.Document:
        row = self._recognition(year)
        keys = [*row.recognised, *row.overdue, *row.rectifying]
        content.check_size(len(keys), f"{year} 年度认定名单")
        clusters = self._clusters(keys)
        titles = self._last_titles(keys, date(year, 12, 31))

        def entries(names: list[str]) -> list[content.TitleEntry]:
            return [_entry(k, clusters.get(k), titles.get(k)) for k in names]

        return content.recognition_list(year, row.announced_on, entries(row.recognised), entries(row.overdue),
                                        entries(row.rectifying))

    def revocation_announcement(self, user: User, year: int) -> content.Document:
        row = self._recognition(year)
        dec31 = date(year, 12, 31)
        with self._session() as s:
            # every title revoked during the year, other than by the previous year's announcement
            revoked = s.exec(select(JournalRow)
                             .where(JournalRow.kind == "title", JournalRow.on >= date(year, 1, 1), JournalRow.on <= dec31)
                             .order_by(JournalRow.on, JournalRow.cluster_key, JournalRow.seq)).all()
            revoked = [r for r in revoked if (r.data or {}).get("status") == "revoked"]
            content.check_size(len(row.revoked) + len(revoked), f"{year} 年度取消称号公告")
            others: list[tuple[JournalRow, str | None]] = []
            for r in revoked:
                trigger, reason = self._revocation_cause(s, r)
                if trigger != "revoke_overdue":
                    others.append((r, _reason_text(trigger, reason)))
        content.check_size(len(row.revoked) + len(others), f"{year} 年度取消称号公告")
        keys = [*row.revoked, *(r.cluster_key for r, _ in others)]
        clusters = self._clusters(keys)
        titles = self._last_titles(list(row.revoked), dec31)
        by_announcement = [_entry(k, clusters.get(k), titles.get(k)) for k in row.revoked]
        rest = [content.Revocation(_entry(r.cluster_key, clusters.get(r.cluster_key), dict(r.data or {})), r.on, reason or "")
                for r, reason in others]
        return content.revocation_announcement(year, row.announced_on, by_announcement, rest,
                                               get_policy().overdue_revocation_years)

    @staticmethod
    def _revocation_cause(s: Session, title: JournalRow) -> tuple[str | None, str | None]:
        """What revoked a title: the stage event's trigger just before it, and the written
        reason of the action that fired it, if any."""
        rows = s.exec(select(JournalRow)
                      .where(JournalRow.cluster_key == title.cluster_key, JournalRow.seq < title.seq,
                             JournalRow.seq >= title.seq - 8)
                      .order_by(col(JournalRow.seq).desc())).all()
        trigger = reason = None
        for r in rows:
            data = r.data or {}
            if r.kind == "stage" and data.get("to") == "revoked" and trigger is None:
                trigger = data.get("trigger")
            elif r.kind == "action" and data.get("reason") and reason is None:
                reason = str(data["reason"])
            elif r.kind == "decision" and reason is None:
                reason = f"{data.get('held_on', '')} 会长办公会{labels.decision_label(data.get('decision'))}整改复查"
            if trigger and (reason or r.kind == "title"):
                break
        return trigger, reason

    # ------------------------------------------------------------ the joint designation document

    def meetings(self) -> list[tuple[MeetingRow, int]]:
        """The latest 200 meetings, each with how many approvals its lifecycles took."""
        with self._session() as s:
            rows = list(s.exec(select(MeetingRow).order_by(col(MeetingRow.held_on).desc(), MeetingRow.meeting_id)
                               .limit(200)).all())
            counts = dict(s.exec(select(MeetingDecisionRow.meeting_id, func.count())
                                 .where(col(MeetingDecisionRow.meeting_id).in_([m.meeting_id for m in rows]),
                                        MeetingDecisionRow.decision == "approve")
                                 .group_by(MeetingDecisionRow.meeting_id)).all())
        return [(m, counts.get(m.meeting_id, 0)) for m in rows]

    def joint_list(self, user: User, meeting_id: str) -> content.Document:
        with self._session() as s:
            meeting = s.get(MeetingRow, meeting_id)
            if meeting is None:
                raise DomainError("meeting_unknown", f"没有编号为 {meeting_id} 的会长办公会记录")
            # the approvals each lifecycle took (a decision the meeting refused for one cluster,
            # such as a sheet under 70, never reaches it and is not on the list)
            procedures = dict(s.exec(select(MeetingDecisionRow.cluster_key, MeetingDecisionRow.procedure)
                                     .where(MeetingDecisionRow.meeting_id == meeting_id,
                                            MeetingDecisionRow.decision == "approve")
                                     .order_by(MeetingDecisionRow.cluster_key)
                                     .limit(content.MAX_ENTRIES + 1)).all())
            approved = sorted(procedures)
            content.check_size(len(approved), "本次会长办公会批准的集群")
            document = self._joint_document(s, meeting_id, approved)
        clusters = self._clusters(approved)
        titles = self._titles_after(meeting_id, approved)
        entries = [_entry(k, clusters.get(k), titles.get(k), procedures.get(k, "")) for k in approved]
        return content.joint_designation_list(meeting_id, meeting.held_on, entries, document)

    def _titles_after(self, meeting_id: str, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The title each approval conferred: the first title event after the meeting's decision
        (none yet while the document is pending)."""
        out: dict[str, dict[str, Any]] = {}
        with self._session() as s:
            for start in range(0, len(keys), 500):
                rows = s.exec(select(JournalRow)
                              .where(col(JournalRow.cluster_key).in_(keys[start:start + 500]),
                                     col(JournalRow.kind).in_(("decision", "title")))
                              .order_by(JournalRow.cluster_key, JournalRow.seq)).all()
                after: dict[str, bool] = {}
                for r in rows:
                    data = r.data or {}
                    if r.kind == "decision":
                        after[r.cluster_key] = data.get("meeting_id") == meeting_id and data.get("decision") == "approve"
                    elif after.get(r.cluster_key) and r.cluster_key not in out and data.get("status") in ("valid", "extended"):
                        out[r.cluster_key] = dict(data)
        return out

    @staticmethod
    def _joint_document(s: Session, meeting_id: str, keys: list[str]) -> content.JointDocument | None:
        """The joint document recorded for this meeting's approvals, once the secretariat has."""
        if not keys:
            return None
        rows = s.exec(select(JournalRow)
                      .where(JournalRow.kind == "action", col(JournalRow.cluster_key).in_(keys[:500]))
                      .order_by(JournalRow.seq)).all()
        for r in rows:
            data = r.data or {}
            if data.get("action") not in JOINT_DOCUMENT_ACTIONS:
                continue
            doc = data.get("document") if isinstance(data.get("document"), dict) else data
            if doc.get("meeting_id") not in (None, meeting_id):
                continue
            number = doc.get("number") or doc.get("document_number")
            issued = _date(doc.get("issued_on") or doc.get("date") or doc.get("document_date"))
            bodies = doc.get("bodies") or doc.get("issuing_bodies") or []
            if number and issued:
                return content.JointDocument(str(number), issued, tuple(str(b.get("name") if isinstance(b, dict) else b)
                                                                        for b in bodies))
        return None

    # ------------------------------------------------------------ 附件四

    def site_reports(self, user: User, key: str) -> list[JournalRow]:
        """A cluster's recorded site-visit reports, newest first (its scope decides)."""
        self._check_scope(user, key)
        with self._session() as s:
            rows = s.exec(select(JournalRow).where(JournalRow.cluster_key == key, JournalRow.kind == "action")
                          .order_by(col(JournalRow.seq).desc())).all()
        return [r for r in rows if (r.data or {}).get("action") == "record_site_report"]

    def _check_scope(self, user: User, key: str) -> None:
        facts = readmodel.facts(self.engine, key)
        if facts is None:
            raise DomainError("cluster_unknown", f"没有编号为 {key} 的集群")
        access.check_can_see(user, facts)

    def site_report(self, user: User, key: str, seq: int | None = None) -> content.Document:
        reports = self.site_reports(user, key)
        report = next((r for r in reports if seq is None or r.seq == seq), None)
        if report is None:
            raise DomainError("site_report_unknown", f"{key} 尚无考评报告" if seq is None else f"{key} 没有第 {seq} 条考评报告")
        with self._session() as s:
            visit = s.exec(select(JournalRow)
                           .where(JournalRow.cluster_key == key, JournalRow.kind == "action", JournalRow.seq < report.seq)
                           .order_by(col(JournalRow.seq).desc())).all()
            stage = s.exec(select(JournalRow)
                           .where(JournalRow.cluster_key == key, JournalRow.kind == "stage", JournalRow.seq < report.seq)
                           .order_by(col(JournalRow.seq).desc()).limit(1)).first()
        approval = next((r.data for r in visit if (r.data or {}).get("action") == "approve_site_visit"), {}) or {}
        cluster = self._clusters([key]).get(key)
        data = dict(report.data or {})
        panel = approval.get("panel") or []
        facts = content.SiteReportFacts(
            key=key,
            cluster=(cluster.title or cluster.name) if cluster and (cluster.title or cluster.name) else key,
            region=_region(cluster),
            procedure=str((stage.data or {}).get("procedure", "")) if stage else "",
            visit_on=_date(approval.get("visit_on")),
            recorded_on=report.on,
            recorded_by=report.actor_name,
            panel=content.panel_from_event(p for p in panel if isinstance(p, dict)),
            data=data,
        )
        return content.site_report(facts)


def _reason_text(trigger: str | None, reason: str | None) -> str:
    """Why a title was revoked, in the rules' words: the leader's written reason, the reason the
    lifecycle recorded (a rectification that ended still failing, §四(三)), or the trigger's label."""
    if trigger == "revoke":
        return f"会领导决定取消：{reason}" if reason else "会领导决定取消"
    if reason and trigger == "meeting_refuse" and "§" not in reason:
        return f"整改期结束仍不达标（§四(三)）：{reason}"
    if reason:
        return reason
    if trigger == "lapse_rectification":
        return labels.action_label(trigger) + "（§四(三)）"
    return labels.action_label(trigger) if trigger else "取消称号"
