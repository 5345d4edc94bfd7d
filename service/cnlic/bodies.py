"""The directory of opinion-giving bodies (RULES.md "Bodies"): the secretariat keeps it (API,
console page, CLI); applications choose their bodies from it, and the service resolves each
chosen name to its kind before the Update, so the workflow (which does no I/O) is handed the
kinds and never guesses them from a name."""

from __future__ import annotations

from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.engine import Engine

from domain.cnlic.access import User
from domain.cnlic.bodies import ASSOCIATION, KINDS, PROVINCIAL, BodyEntry, check_body_entry, choices_for, resolve_bodies
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.cnlic.model import Role
from store.cnlic import bodies as repo

NAME = LIMITS.name_chars
# the actions whose data names the bodies of an application (§三(一), §四(三), §四(五))
APPLICATION_ACTIONS = ("file_application", "file_reevaluation", "file_rectification_review", "file_title_change")


class BodyData(BaseModel):
    """名录中的一个意见单位：全国性行业协（学）会、中心（写明所属行业）或省级地方轻工行业组织（写明省份）。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(title="单位名称", description="出具意见的单位全称，名录中不重复", min_length=1, max_length=NAME)
    kind: Literal["association", "provincial"] = Field(
        title="单位类别", description="association：全国性行业协（学）会、中心；provincial：省级地方轻工行业组织")
    industries: list[str] = Field(default_factory=list, title="所属行业",
                                  description="行业协（学）会负责的行业，如 陶瓷；每行一个（省级组织不填）", max_length=50)
    province: str = Field("", title="省份", description="省级组织所在的省级行政区全称，如 广东省（行业协会不填）",
                          max_length=NAME)
    active: StrictBool = Field(True, title="启用", description="停用后不能再被申请选用，已记录的意见不受影响")
    note: str = Field("", title="备注", max_length=NAME)


class BodyOut(BodyData):
    kind_label: str = Field(description="单位类别的中文名称")


def body_out(e: BodyEntry) -> BodyOut:
    return BodyOut(name=e.name, kind=e.kind, industries=list(e.industries), province=e.province, active=e.active,
                   note=e.note, kind_label=e.kind_label)


def check_may_manage(user: User) -> None:
    if user.role != Role.SECRETARIAT:
        raise DomainError("role_not_allowed", "意见单位名录由综合业务部（秘书处）维护")


class BodiesService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def list(self, *, active_only: bool = False) -> list[BodyEntry]:
        return repo.entries(self.engine, active_only=active_only)

    def add(self, user: User, data: Mapping[str, Any]) -> BodyEntry:
        check_may_manage(user)
        return repo.save(self.engine, check_body_entry(data), user.name, create=True)

    def update(self, user: User, name: str, data: Mapping[str, Any]) -> BodyEntry:
        check_may_manage(user)
        entry = check_body_entry({**dict(data), "name": name})
        return repo.save(self.engine, entry, user.name, create=False)

    def set_active(self, user: User, name: str, active: bool) -> BodyEntry:
        check_may_manage(user)
        current = repo.get(self.engine, name)
        if current is None:
            raise DomainError("body_entry_unknown", f"意见单位“{name}”不在名录中")
        entry = BodyEntry(current.name, current.kind, current.industries, current.province, active, current.note)
        return repo.save(self.engine, entry, user.name, create=False)

    def choices(self, industry: str, province: str) -> list[BodyEntry]:
        """The bodies a cluster of this industry and province may name (active only)."""
        return choices_for(self.list(active_only=True), industry, province)

    def resolve(self, raw: Any, industry: str, province: str) -> Any:
        return resolve_bodies(self.list(), raw, industry, province)


def resolve_application(engine: Engine, data: Mapping[str, Any], industry: str, province: str) -> dict[str, Any]:
    """An application's data with its bodies resolved against the directory (the kinds read
    from it); data without bodies is returned unchanged (a re-evaluation keeps the last ones)."""
    out = dict(data)
    if "bodies" in out and out["bodies"] is not None:
        out["bodies"] = BodiesService(engine).resolve(out["bodies"], industry, province)
    return out


__all__ = ["ASSOCIATION", "KINDS", "PROVINCIAL", "APPLICATION_ACTIONS", "BodiesService", "BodyData", "BodyOut",
           "body_out", "check_may_manage", "resolve_application"]


# ---------------------------------------------------------------- XLSX: the directory as a sheet, both ways

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "意见单位名录"
HEADERS = ("单位名称", "类别", "所属行业", "省份", "启用", "备注")
MAX_UNZIPPED = 16 * 1024 * 1024
IMPORT_OUTCOMES = {"added": "已添加", "updated": "已修改", "unchanged": "未改动", "refused": "拒绝"}


def template_xlsx(entries: list[BodyEntry]) -> bytes:
    """The directory as it stands, one body a row, in the columns the import reads back."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for e in entries:
        ws.append([e.name, e.kind_label, "、".join(e.industries), e.province, "是" if e.active else "否", e.note])
    for col, width in zip("ABCDEF", (28, 26, 24, 12, 8, 24)):
        ws.column_dimensions[col].width = width
    help_ = wb.create_sheet("填写说明")
    for line in (
        "每行一个意见单位；单位名称在名录中不重复（已有的单位按名称修改，新的名称即添加）。",
        f"类别：{KINDS[ASSOCIATION]}（{ASSOCIATION}）或 {KINDS[PROVINCIAL]}（{PROVINCIAL}）。",
        "所属行业：行业协（学）会必填，多个用“、”分隔；省级组织不填。省份：省级组织必填（如 广东省）；行业协会不填。",
        "启用：是 / 否（停用的单位不能再被新的申请选用）。",
    ):
        help_.append([line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    import io
    import zipfile

    if len(content) > LIMITS.import_file_bytes:
        raise DomainError("file_too_large", f"名录文件超过上限 {LIMITS.import_file_bytes // (1024 * 1024)} MiB")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                raise DomainError("file_too_large", "名录文件解压后过大")
    except zipfile.BadZipFile:
        raise DomainError("file_invalid", "名录文件不是有效的 XLSX，请用下载的名录表填写") from None
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
            it = ws.iter_rows(values_only=True)
            head = [str(h or "").strip() for h in (next(it, None) or ())]
            missing = [h for h in HEADERS[:2] if h not in head]
            if missing:
                raise DomainError("file_invalid", f"名录表第一行应为列名，缺少：{'、'.join(missing)}")
            rows: list[tuple[int, dict[str, Any]]] = []
            for number, values in enumerate(it, start=2):
                if number - 1 > LIMITS.import_rows:
                    raise DomainError("file_too_large", f"名录表超过 {LIMITS.import_rows} 行")
                record = {h: ("" if v is None else str(v).strip()) for h, v in zip(head, values) if h in HEADERS}
                if any(record.values()):
                    rows.append((number, record))
            return rows
        finally:
            wb.close()
    except DomainError:
        raise
    except Exception as e:  # a broken workbook: one line for the clerk
        raise DomainError("file_invalid", f"无法读取名录文件（{e.__class__.__name__}）") from None


KIND_ALIASES = {"行业协会": ASSOCIATION, "全国性行业协会": ASSOCIATION, "省级组织": PROVINCIAL, "省级轻工行业组织": PROVINCIAL}


def _kind(text: str) -> str:
    if text in KIND_ALIASES:
        return KIND_ALIASES[text]
    for code, label in KINDS.items():
        if text in (code, label) or (text and text in label):
            return code
    return text


def import_xlsx(service: BodiesService, user: User, content: bytes) -> list[dict[str, Any]]:
    """Each row added, updated, unchanged or refused with the rule's code and message."""
    check_may_manage(user)
    current = {e.name: e for e in service.list()}
    report: list[dict[str, Any]] = []
    for number, r in _rows(content):
        name = r.get("单位名称", "")
        try:
            active_text = r.get("启用", "") or "是"
            if active_text not in ("是", "否"):
                raise DomainError("invalid_data", f"启用应为 是 或 否，收到“{active_text[:20]}”")
            entry = check_body_entry({
                "name": name, "kind": _kind(r.get("类别", "")), "province": r.get("省份", ""),
                "industries": r.get("所属行业", ""), "active": active_text == "是", "note": r.get("备注", "")})
            before = current.get(entry.name)
            if before == entry:
                outcome = "unchanged"
            else:
                repo.save(service.engine, entry, user.name, create=before is None)
                outcome = "updated" if before is not None else "added"
                current[entry.name] = entry
            report.append({"row": number, "name": entry.name, "outcome": outcome,
                           "outcome_label": IMPORT_OUTCOMES[outcome], "code": "", "message": ""})
        except DomainError as e:
            report.append({"row": number, "name": name, "outcome": "refused", "outcome_label": IMPORT_OUTCOMES["refused"],
                           "code": e.code, "message": e.message})
    return report
