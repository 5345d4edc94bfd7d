"""Attachments (issue 10 item 4; RULES.md program 1 §三(一): 附件二/三 and 附县级以上政府批准的
发展规划及相关文件): what a file handed to a cluster may be — its type (by extension AND by its
first bytes), its size, its name — and who may attach what, for which purpose, at which stage.

Pure: callers pass the bytes' facts and the cluster's facts; the blob store keeps the bytes
(named by their SHA-256) and the journal keeps only the hash and these facts.

Who may attach (decided here, checked by the service before anything is stored and again by
the workflow's ``attach`` validator):
- 申请材料 (application): the applicant government, or the secretariat on its behalf, from
  cultivation until the formal review ends;
- 报告 (report): the panel's lead during the site evaluation (考评报告), the applicant for its
  annual reports while the lifecycle lives (年度报表), the secretariat;
- 意见 (opinion): an association or provincial body while opinions are owed (申请 and 行业意见
  stages), the secretariat;
- 补充材料 (supplement): the applicant or the secretariat, only while the secretariat has asked
  for a supplement.
The auditor reads and acts on nothing; scope (``domain.cnlic.access``) is checked by the caller.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from domain.errors import DomainError
from domain.limits import LIMITS, Limits
from domain.cnlic.model import Actor, Role, Stage, TERMINAL_STAGES

PURPOSES = {
    "application": "申请材料",
    "report": "报告",
    "opinion": "意见",
    "supplement": "补充材料",
    "recommendation": "推荐材料",  # program 2's (推荐表 seals, photos, video); program 1 takes none
}


@dataclass(frozen=True)
class FileType:
    extension: str
    media_type: str
    label: str
    magic: tuple[bytes, ...]


_OLE2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # .doc / .xls (Compound File Binary)
_ZIP = (b"PK\x03\x04",)  # .docx / .xlsx / .zip (an empty zip has nothing to attach)
FILE_TYPES = {t.extension: t for t in (
    FileType("pdf", "application/pdf", "PDF", (b"%PDF-",)),
    FileType("doc", "application/msword", "Word", _OLE2),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", _ZIP),
    FileType("xls", "application/vnd.ms-excel", "Excel", _OLE2),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", _ZIP),
    FileType("jpg", "image/jpeg", "JPEG", (b"\xff\xd8\xff",)),
    FileType("jpeg", "image/jpeg", "JPEG", (b"\xff\xd8\xff",)),
    FileType("png", "image/png", "PNG", (b"\x89PNG\r\n\x1a\n",)),
    FileType("zip", "application/zip", "ZIP", _ZIP),
)}
ALLOWED_TEXT = "PDF、DOC/DOCX、XLS/XLSX、JPG/PNG、ZIP"
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class AttachmentMeta:
    """What the journal records of one attachment (never the bytes)."""

    sha256: str
    name: str
    size: int
    media_type: str
    purpose: str
    note: str = ""

    def as_event_data(self) -> dict:
        return {"sha256": self.sha256, "name": self.name, "size": self.size, "type": self.media_type,
                "purpose": self.purpose, "note": self.note}


@dataclass(frozen=True)
class AttachFacts:
    """The cluster's facts the attach rules read (from the workflow's state or its view)."""

    stage: str
    panel_leads: tuple[str, ...] = ()
    supplement_requested: bool = False


def purpose_label(purpose: str) -> str:
    return PURPOSES.get(purpose, purpose)


def clean_name(name: str, limits: Limits = LIMITS) -> str:
    """The file's own name, without any directory part or control character, bounded."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").split("/")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if not name or "." not in name:
        raise DomainError("attachment_name_invalid", "附件须有文件名和扩展名（如 发展规划.pdf）")
    if len(name) > limits.name_chars:
        raise DomainError("attachment_name_invalid",
                          f"附件文件名长 {len(name)} 字，超过上限 {limits.name_chars} 字", limit=limits.name_chars)
    return name


def check_note(note: str, limits: Limits = LIMITS) -> str:
    note = (note or "").strip()
    if len(note) > limits.name_chars * 5:
        raise DomainError("text_too_long", f"附件说明长 {len(note)} 字，超过上限 {limits.name_chars * 5} 字")
    return note


def check_size(size: int, limits: Limits = LIMITS) -> None:
    """Before the bytes are read in full where possible (a declared size), and after."""
    if size > limits.attachment_bytes:
        raise DomainError("attachment_too_large",
                          f"附件 {size / 1024 / 1024:.1f} MiB，超过上限 {limits.attachment_bytes // (1024 * 1024)} MiB",
                          limit=limits.attachment_bytes, size=size)


def check_file(name: str, data: bytes, purpose: str, note: str = "", limits: Limits = LIMITS) -> AttachmentMeta:
    """Refuse a file the rules do not take (type by extension and by its first bytes, size,
    name, purpose); return what the journal will record."""
    check_purpose(purpose)
    name = clean_name(name, limits)
    check_size(len(data), limits)
    if not data:
        raise DomainError("attachment_empty", f"附件“{name}”是空文件")
    ext = name.rsplit(".", 1)[-1].lower()
    ftype = FILE_TYPES.get(ext)
    if ftype is None:
        raise DomainError("attachment_type_not_allowed",
                          f"不接受 .{ext[:20]} 文件；附件只能是 {ALLOWED_TEXT}")
    if not any(data.startswith(m) for m in ftype.magic) or not _package_matches(ftype, data):
        raise DomainError("attachment_type_not_allowed",
                          f"附件“{name}”的内容不是 {ftype.label} 文件（扩展名与文件内容不符）；附件只能是 {ALLOWED_TEXT}")
    return AttachmentMeta(hashlib.sha256(data).hexdigest(), name, len(data), ftype.media_type, purpose,
                          check_note(note, limits))


# an Office Open XML file is a zip whose parts name the application (only the central
# directory is read: nothing is inflated)
_PACKAGE_PARTS = {"docx": "word/", "xlsx": "xl/"}


def _package_matches(ftype: FileType, data: bytes) -> bool:
    if ftype.magic is not _ZIP:
        return True
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    part = _PACKAGE_PARTS.get(ftype.extension)
    return part is None or any(n.startswith(part) for n in names)


def check_meta(meta: AttachmentMeta, limits: Limits = LIMITS) -> AttachmentMeta:
    """The facts an ``attach`` Update carries, checked again where only they (not the bytes)
    arrive: the workflow's validator."""
    check_sha256(meta.sha256)
    check_purpose(meta.purpose)
    if clean_name(meta.name, limits) != meta.name:
        raise DomainError("attachment_name_invalid", "附件文件名含有路径或控制字符")
    if not isinstance(meta.size, int) or meta.size <= 0:
        raise DomainError("attachment_empty", f"附件“{meta.name}”是空文件")
    check_size(meta.size, limits)
    ftype = FILE_TYPES.get(meta.name.rsplit(".", 1)[-1].lower())
    if ftype is None or ftype.media_type != meta.media_type:
        raise DomainError("attachment_type_not_allowed", f"附件只能是 {ALLOWED_TEXT}")
    check_note(meta.note, limits)
    return meta


def check_purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        names = "、".join(f"{k}（{v}）" for k, v in PURPOSES.items())
        raise DomainError("attachment_purpose_unknown", f"附件用途“{str(purpose)[:40]}”无效，应为：{names}")
    return purpose


# who may attach for each purpose (the stage and person checks follow in check_attach)
PURPOSE_ROLES: dict[str, tuple[Role, ...]] = {
    "application": (Role.APPLICANT, Role.SECRETARIAT),
    "report": (Role.EXPERT, Role.APPLICANT, Role.SECRETARIAT),
    "opinion": (Role.ASSOCIATION, Role.PROVINCIAL, Role.SECRETARIAT),
    "supplement": (Role.APPLICANT, Role.SECRETARIAT),
    "recommendation": (),  # program 2 decides who attaches to a recommendation (domain.demonstration.round)
}
APPLICATION_STAGES = (Stage.CULTIVATION, Stage.APPLIED, Stage.ACCEPTED, Stage.SITE_EVALUATION,
                      Stage.ASSOCIATION_OPINION, Stage.FORMAL_REVIEW)
OPINION_STAGES = (Stage.APPLIED, Stage.ASSOCIATION_OPINION)


def check_attach(purpose: str, actor: Actor, facts: AttachFacts) -> None:
    """Refuse an attachment this actor may not add now, with the rule's code."""
    check_purpose(purpose)
    label = purpose_label(purpose)
    if actor.role == Role.AUDITOR:
        raise DomainError("read_only", "审计账号只能查阅，不能上传附件")
    roles = PURPOSE_ROLES[purpose]
    if not roles:
        raise DomainError("attachment_purpose_unknown", f"“{label}”不是共建集群的附件用途")
    if actor.role not in roles:
        names = "、".join(Role(r).label for r in roles)
        raise DomainError("role_not_allowed", f"“{label}”附件只能由{names}上传，{actor.describe()}无此权限")
    stage = Stage(facts.stage)
    if stage in TERMINAL_STAGES:
        raise DomainError("lifecycle_ended", f"该集群的共建已结束（{stage.label}），不能再上传附件")
    if actor.role == Role.SECRETARIAT:
        return  # on behalf of any party, while the lifecycle lives
    where = f"当前阶段为“{stage.label}”"
    if purpose == "application" and stage not in APPLICATION_STAGES:
        raise DomainError("action_not_allowed", f"{where}，申请材料只能在培育期至形式审查期间上传")
    if purpose == "opinion" and stage not in OPINION_STAGES:
        raise DomainError("action_not_allowed", f"{where}，此时没有待出具的意见，不能上传意见附件")
    if purpose == "supplement" and not facts.supplement_requested:
        raise DomainError("action_not_allowed", f"{where}，秘书处未要求补充材料，不能上传补充材料")
    if purpose == "report" and actor.role == Role.EXPERT:
        if stage != Stage.SITE_EVALUATION:
            raise DomainError("action_not_allowed", f"{where}，考评报告只能在考评阶段上传")
        if facts.panel_leads and actor.name not in facts.panel_leads:
            raise DomainError("not_panel_lead", f"考评报告附件由专家组组长（{'、'.join(facts.panel_leads)}）上传")


def purposes_for(actor: Actor, facts: AttachFacts) -> list[str]:
    """The purposes this actor may attach for now (the console offers these)."""
    out = []
    for purpose in PURPOSES:
        try:
            check_attach(purpose, actor, facts)
        except DomainError:
            continue
        out.append(purpose)
    return out


def check_count(existing: int, limits: Limits = LIMITS) -> None:
    """Each attachment is one Update in the lifecycle's history: bounded per cluster."""
    if existing >= limits.attachments_per_cluster:
        raise DomainError("too_many_items", f"该集群已有 {existing} 个附件，达到上限 {limits.attachments_per_cluster} 个",
                          limit=limits.attachments_per_cluster)


def check_sha256(value: str) -> str:
    if not SHA256.match(value or ""):
        raise DomainError("attachment_unknown", "附件编号应为 64 位十六进制 SHA-256")
    return value


def archive_name(sha256: str, name: str) -> str:
    """The file's path inside an evidence pack: unique by hash, readable by name."""
    return f"attachments/{sha256}-{name}"


def unique(metas: Iterable[AttachmentMeta]) -> list[AttachmentMeta]:
    seen: dict[str, AttachmentMeta] = {}
    for m in metas:
        seen.setdefault(m.sha256, m)
    return list(seen.values())
