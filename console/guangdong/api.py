"""Program 3's HTTP API under ``/api/guangdong`` (bearer tokens, the platform's users). Thin:
parse the schema, call ``service.guangdong``, shape the answer. Refusals are ``{code,
message}`` in Chinese, a refused form value named by its field (or its cell, for an XLSX)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from console.cnlic.api import UserDep, responses
from console.schema_route import refusing_route
from domain.errors import DomainError
from domain.guangdong.labels import action_label, event_label, step_label
from domain.limits import LIMITS
from service.guangdong import reports, schemas
from service.guangdong.form_xlsx import XLSX, read_form, write_form
from service.guangdong.rounds import GuangdongService

ZONE_PATTERN = r"^gd-[a-z0-9-]{1,60}$"
Year = Annotated[int, Path(ge=2007, le=2200, description="数据年度")]
ZoneKey = Annotated[str, Path(pattern=ZONE_PATTERN, description="示范区编号，如 gd-foshan-xiqiao-textiles")]
PATHS = {"/api/guangdong/rounds": "open_round", "draft": "save_draft", "submit": "submit", "sign-off": "sign_off",
         "return": "return_filing", "receive": "receive"}


def _parse_for(path: str, body: Any) -> Any:
    action = PATHS.get(path) or PATHS.get(path.rsplit("/", 1)[-1])
    return schemas.parse(action, body) if action else None


router = APIRouter(prefix="/api/guangdong", tags=["广东省产业集群升级示范区"],
                   route_class=refusing_route(_parse_for, "请求数据不符合格式"))


def service(request: Request) -> GuangdongService:
    return GuangdongService.of_console(request.app.state.console)


class ZoneOut(BaseModel):
    key: str
    no: int = Field(description="附件1 中的序号")
    name: str
    city: str = Field(description="地级市")
    district: str = Field(description="区、县（市）、镇或开发区")
    industry: str


class GuangdongRoundOut(BaseModel):
    data_year: int
    workflow_id: str
    opened_on: date
    opened_by: str
    due: date
    reminders: list[str]
    zones: int
    closed_on: date | None


class FilingSummaryOut(BaseModel):
    zone: ZoneOut
    step: str | None
    step_label: str
    due: date | None
    overdue: bool
    late: bool
    returns: int


class GuangdongRoundDetailOut(GuangdongRoundOut):
    filings: list[FilingSummaryOut]


class ChangeOut(BaseModel):
    key: str
    label: str
    unit: str
    this_year: float | int | None
    last_year: float | int | None
    change: float | None = Field(description="增减（百分比字段为百分点）")
    growth: float | None = Field(description="增长 %（上年为 0 或缺时为空）")


class GuangdongEventOut(BaseModel):
    seq: int
    on: date
    kind: str
    label: str
    actor: dict[str, str]
    data: dict[str, Any]


class FilingOut(BaseModel):
    zone: ZoneOut
    data_year: int
    step: str | None
    step_label: str
    due: date | None
    overdue: bool
    late: bool
    returns: int
    last_return: dict[str, Any] | None
    signed: list[dict[str, Any]]
    allowed: list[str] = Field(description="本用户此刻可办理的操作")
    draft: bool = Field(description="form 为尚未报送的草稿")
    form: dict[str, Any]
    summary: dict[str, str]
    contact: dict[str, str]
    changes: list[ChangeOut] = Field(description="每个数值字段与上一年度考核的比较")
    journal: list[GuangdongEventOut]


class GuangdongActionOut(BaseModel):
    action: str
    label: str
    step: str
    step_label: str
    events: list[GuangdongEventOut]


def zone_out(z: Any) -> ZoneOut:
    return ZoneOut(key=z.key, no=z.no, name=z.name, city=z.city, district=z.district, industry=z.industry)


def round_out(r: Any) -> dict[str, Any]:
    return dict(data_year=r.data_year, workflow_id=r.workflow_id, opened_on=r.opened_on, opened_by=r.opened_by, due=r.due,
                reminders=list(r.reminders), zones=r.zones, closed_on=r.closed_on)


def event_out(e: Any) -> GuangdongEventOut:
    actor = getattr(e, "actor", None)
    role, name = (actor.role, actor.name) if actor is not None else (e.actor_role, e.actor_name)
    return GuangdongEventOut(seq=e.seq, on=e.on, kind=e.kind, label=event_label(e.kind), actor={"role": role, "name": name},
                    data=dict(e.data or {}))


def filing_out(d: Any, data_year: int) -> FilingOut:
    row = d.row
    return FilingOut(
        zone=zone_out(d.zone), data_year=data_year, step=row.step if row else None,
        step_label=step_label(row.step) if row else "未开启", due=row.due if row else None,
        overdue=bool(row and row.overdue), late=bool(row and row.late), returns=row.returns if row else 0,
        last_return=row.last_return if row else None, signed=list(row.signed) if row else [], allowed=d.allowed,
        draft=d.draft, form=d.values, summary=d.summary, contact=d.contact,
        changes=[ChangeOut(**c.__dict__) for c in d.changes], journal=[event_out(e) for e in d.journal])


def action_out(r: Any) -> GuangdongActionOut:
    return GuangdongActionOut(action=r.action, label=action_label(r.action), step=r.step, step_label=step_label(r.step),
                     events=[event_out(e) for e in r.events])


@router.get("/zones", response_model=list[ZoneOut], responses=responses(401))
async def list_zones(request: Request, user: UserDep) -> list[ZoneOut]:
    """附件1 的示范区（本用户范围内）：编号、名称、地级市、区县镇、产业。"""
    return [zone_out(z) for z in service(request).zones(user)]


@router.get("/rounds", response_model=list[GuangdongRoundOut], responses=responses(401))
async def list_rounds(request: Request, user: UserDep) -> list[GuangdongRoundOut]:
    """已开启的年度考核。"""
    return [GuangdongRoundOut(**round_out(r)) for r in service(request).rounds()]


@router.post("/rounds", response_model=dict, responses=responses(401, 403, 409, 422))
async def open_round(request: Request, user: UserDep, body: schemas.OpenRoundIn) -> dict:
    """省级主管部门开启年度考核：每个示范区一个填报流程，截止日期与提醒（前 30 天、7 天）由工作流计算。"""
    workflow_id = await service(request).open_round(user, body.data_year, body.due)
    return {"workflow_id": workflow_id, "data_year": body.data_year}


@router.get("/rounds/{year}", response_model=GuangdongRoundDetailOut, responses=responses(401, 404))
async def show_round(request: Request, year: Year, user: UserDep) -> GuangdongRoundDetailOut:
    """一个年度考核：本用户范围内每个示范区的环节、截止日期、是否逾期、退回次数。"""
    svc = service(request)
    r = svc.round_of(year)
    return GuangdongRoundDetailOut(**round_out(r), filings=[
        FilingSummaryOut(zone=zone_out(z), step=f.step if f else None, step_label=step_label(f.step) if f else "未开启",
                         due=f.due if f else None, overdue=bool(f and f.overdue), late=bool(f and f.late),
                         returns=f.returns if f else 0) for z, f in svc.filings(user, year)])


@router.get("/rounds/{year}/zones/{zone}", response_model=FilingOut, responses=responses(401, 403, 404))
async def show_filing(request: Request, year: Year, zone: ZoneKey, user: UserDep) -> FilingOut:
    """一个示范区的考核材料：环节、考核表（94 个字段）与上年比较、年度工作总结、审核意见、退回、日志。"""
    return filing_out(service(request).filing(user, year, zone), year)


@router.put("/rounds/{year}/zones/{zone}/draft", response_model=FilingOut, responses=responses(401, 403, 404, 409, 422))
async def save_draft(request: Request, year: Year, zone: ZoneKey, user: UserDep, body: schemas.DraftIn) -> FilingOut:
    """保存草稿（示范区办公室）：每个值按其类型和范围检查，比重不能超过 100%，字段之间须一致；不要求填全。"""
    data = schemas.plain(body)
    svc = service(request)
    svc.save_draft(user, year, zone, data.get("form"), data.get("summary"), data.get("contact"))
    return filing_out(svc.filing(user, year, zone), year)


@router.post("/rounds/{year}/zones/{zone}/submit", response_model=GuangdongActionOut, responses=responses(401, 403, 404, 409, 422))
async def submit(request: Request, year: Year, zone: ZoneKey, user: UserDep, body: schemas.DraftIn) -> GuangdongActionOut:
    """报送（或退回后更正重新报送）：先保存所给的部分，再检查考核表和年度工作总结已填全，报市县人民政府审核。"""
    data = schemas.plain(body)
    r = await service(request).submit(user, year, zone, data.get("form"), data.get("summary"), data.get("contact"))
    return action_out(r)


async def _act(request: Request, year: int, zone: str, user: Any, action: str, body: Any) -> GuangdongActionOut:
    return action_out(await service(request).act(user, year, zone, action, schemas.plain(body)))


@router.post("/rounds/{year}/zones/{zone}/sign-off", response_model=GuangdongActionOut, responses=responses(401, 403, 404, 409, 422))
async def sign_off(request: Request, year: Year, zone: ZoneKey, user: UserDep, body: schemas.SignOffIn) -> GuangdongActionOut:
    """审核同意并报送上一级（市县人民政府 → 地级市经贸局 → 省级主管部门）。"""
    return await _act(request, year, zone, user, "sign_off", body)


@router.post("/rounds/{year}/zones/{zone}/return", response_model=GuangdongActionOut, responses=responses(401, 403, 404, 409, 422))
async def return_filing(request: Request, year: Year, zone: ZoneKey, user: UserDep, body: schemas.ReturnIn) -> GuangdongActionOut:
    """退回示范区办公室修改（任一级均可），须写明理由。"""
    return await _act(request, year, zone, user, "return_filing", body)


@router.post("/rounds/{year}/zones/{zone}/receive", response_model=GuangdongActionOut, responses=responses(401, 403, 404, 409, 422))
async def receive(request: Request, year: Year, zone: ZoneKey, user: UserDep, body: schemas.ReceiveIn) -> GuangdongActionOut:
    """省级主管部门接收。"""
    return await _act(request, year, zone, user, "receive", body)


def xlsx_response(content: bytes, ascii_name: str, name: str) -> Response:
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"})


def form_workbook(svc: GuangdongService, user: Any, year: int, zone: str) -> Response:
    d = svc.filing(user, year, zone)
    content = write_form(d.zone, year, d.values, d.contact)
    return xlsx_response(content, f"kaohebiao-{zone}-{year}.xlsx", f"考核表-{d.zone.name}-{year}.xlsx")


@router.get("/rounds/{year}/zones/{zone}/form.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "考核表工作簿"}, **responses(401, 403, 404)})
async def download_form(request: Request, year: Year, zone: ZoneKey, user: UserDep) -> Response:
    """下载考核表 XLSX（附件2 的版式），预填本示范区已填写或已报送的内容。"""
    return form_workbook(service(request), user, year, zone)


@router.post("/rounds/{year}/zones/{zone}/form.xlsx", response_model=FilingOut,
             openapi_extra={"requestBody": {"required": True, "content": {XLSX: {"schema": {"type": "string",
                                                                                           "format": "binary"}}}}},
             responses=responses(400, 401, 403, 404, 409, 422))
async def upload_form(request: Request, year: Year, zone: ZoneKey, user: UserDep) -> FilingOut:
    """上传在 Excel 中填好的考核表（请求体为文件本身）：逐格检查，问题指明单元格和字段；通过后保存为草稿。"""
    svc = service(request)
    z = svc.zone(user, zone)
    values, contact = read_form(await request.body(), z, year)
    svc.save_draft(user, year, zone, values, None, contact or None)
    return filing_out(svc.filing(user, year, zone), year)


@router.post("/rounds/{year}/zones/{zone}/attachments", response_model=GuangdongActionOut,
             openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": {
                 "schema": {"type": "string", "format": "binary"}}}}},
             responses=responses(401, 403, 404, 409, 422))
async def attach(request: Request, year: Year, zone: ZoneKey, user: UserDep,
                 name: Annotated[str, Query(max_length=200, description="文件名（含扩展名）")],
                 note: Annotated[str, Query(max_length=1000, description="说明")] = "") -> GuangdongActionOut:
    """上传年度工作总结的附件（PDF、Word、Excel、图片、ZIP）：存入文件存储，附件的 SHA-256 记入日志。"""
    content = await request.body()
    if len(content) > LIMITS.attachment_bytes:
        raise DomainError("attachment_too_large", "附件超过上限")
    return action_out(await service(request).attach(user, year, zone, name, content, note))


class SummaryRowOut(BaseModel):
    zone: ZoneOut
    step: str | None
    late: bool
    cells: dict[str, dict[str, Any]] = Field(description="字段 → {this_year, last_year, growth}")


class SummaryOut(BaseModel):
    data_year: int
    fields: dict[str, str] = Field(description="汇总的关键字段及其名称")
    rows: list[SummaryRowOut]
    totals: dict[str, dict[str, Any]]


@router.get("/rounds/{year}/summary", response_model=SummaryOut, responses=responses(401))
async def summary(request: Request, year: Year, user: UserDep) -> SummaryOut:
    """汇总：本用户范围内全部示范区 × 关键字段，本年、上年与增长。"""
    s = reports.summary(service(request).engine, user, year)
    return SummaryOut(data_year=year, fields={f.key: f.label for f in s.fields},
                      rows=[SummaryRowOut(zone=zone_out(r.zone), step=r.step, late=r.late,
                                          cells={k: c.__dict__ for k, c in r.cells.items()}) for r in s.rows],
                      totals={k: c.__dict__ for k, c in s.totals.items()})


@router.get("/rounds/{year}/summary.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "汇总表"}, **responses(401)})
async def summary_xlsx(request: Request, year: Year, user: UserDep) -> Response:
    """汇总表 XLSX。"""
    s = reports.summary(service(request).engine, user, year)
    return xlsx_response(reports.summary_xlsx(s), f"summary-{year}.xlsx", f"升级示范区考核汇总-{year}.xlsx")


@router.get("/zones/{zone}/history", response_model=list[dict], responses=responses(401, 403, 404))
async def history(request: Request, zone: ZoneKey, user: UserDep) -> list[dict]:
    """一个示范区历年的考核：环节、报送与接收日期、关键字段。"""
    return [{"data_year": r.data_year, "step": r.step, "step_label": step_label(r.step), "late": r.late,
             "returns": r.returns, "submitted_on": r.submitted_on, "received_on": r.received_on,
             "key_fields": {k: form.get(k) for k in reports.KEY_FIELDS}}
            for r, form in service(request).history(user, zone)]


