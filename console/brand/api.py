"""Program 4's HTTP API under ``/api/brand`` (bearer tokens, as the rest of ``/api``): pilots,
one typed operation per action (its schema in OpenAPI with Chinese titles), the MIIT batches,
the forms as XLSX both ways, the published list of typical experiences (DOCX). Thin: parse,
authorise in the service, call it, shape the answer. Refusals are ``{code, message}``.

(No ``from __future__ import annotations`` here: each action's route is built with its schema as
the body's annotation, which FastAPI must see as a class, not a string.)
"""

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from console.cnlic.api import ApiError, UserDep, responses
from console.errors import status_for
from console.schema_route import refusing_route
from domain.brand.labels import action_label, stage_label
from domain.brand.machine import ACTION_LABELS
from domain.errors import DomainError
from service.brand import forms
from service.brand.pilots import BrandService

KEY = r"^[A-Za-z0-9_-]{1,60}$"
KeyPath = Annotated[str, Path(pattern=KEY, description="试点编号")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# program 4's refusals that are not 422 (the kernel's table answers the rest)
STATUS = {"pilot_unknown": 404, "expert_not_assigned": 403, "pilot_ended": 409, "pilot_exists": 409,
          "summary_duplicate": 409, "supervision_duplicate": 409, "province_quota_exceeded": 409,
          "batch_already_held": 409, "batch_not_current": 409, "batch_intake_open": 409, "batch_not_member": 409,
          "summaries_missing": 409, "material_review_missing": 409, "defence_review_missing": 409,
          "rereview_too_early": 409, "report_year_not_started": 409}


def status_of(code: str) -> int:
    return STATUS.get(code) or status_for(code)


def brand(request: Request) -> BrandService:
    svc = getattr(request.app.state, "brand", None)
    if svc is None:
        lc = request.app.state.console.lifecycle
        svc = BrandService(lc.client, lc.engine, task_queue=lc.task_queue, now=lc._now)
        request.app.state.brand = svc
    return svc


def refuse(e: DomainError) -> ApiError:
    return ApiError(status_of(e.code), e.code, e.message)


def _parse_body(path: str, body: Any) -> Any:
    """The schema's own Chinese refusal for a body FastAPI's validation refused."""
    if path.endswith("/batches/hold"):
        return forms.parse(forms.HoldBatchData, body, "批次论证评审")
    if path.endswith("/api/brand/pilots"):
        return forms.parse(forms.StartPilotIn, body, "提交试点申报书")
    action = path.rsplit("/", 1)[-1]
    return forms.parse_action(action, body)


router = APIRouter(prefix="/api/brand", tags=["产业集群区域品牌建设试点示范"],
                   route_class=refusing_route(_parse_body, "请求数据不符合表单"))


class PilotOut(BaseModel):
    key: str
    name: str
    province: str
    city: str
    applicant: str
    industries: list[str]
    stage: str
    stage_label: str
    batch_id: str | None
    approved_on: date | None
    titles: list[dict[str, Any]]
    valid_until: date | None
    next_due: date | None
    next_due_what: str | None
    overdue: bool


def pilot_out(row: Any) -> PilotOut:
    return PilotOut(key=row.key, name=row.name, province=row.province, city=row.city, applicant=row.applicant,
                    industries=list(row.industries or []), stage=row.stage, stage_label=stage_label(row.stage),
                    batch_id=row.batch_id, approved_on=row.approved_on, titles=list(row.titles or []),
                    valid_until=row.valid_until, next_due=row.next_due, next_due_what=row.next_due_what,
                    overdue=row.overdue)


class BrandFiledOut(BaseModel):
    key: str
    workflow_id: str


class ActionDone(BaseModel):
    action: str = Field(description="操作代码")
    label: str = Field(description="操作")
    stage: str
    stage_label: str
    events: int = Field(description="本次写入日志的事件数")


@router.get("/pilots", response_model=list[PilotOut], responses=responses(401))
async def list_pilots(request: Request, user: UserDep, stage: str | None = None,
                      province: str | None = None) -> list[PilotOut]:
    """试点列表（按用户范围：实施主体看本单位的，省级主管部门看本省的，工业和信息化部看全部）。"""
    return [pilot_out(r) for r in brand(request).list(user, stage=stage, province=province)]


@router.post("/pilots", status_code=201, response_model=BrandFiledOut, responses=responses(401, 403, 409, 422))
async def file_pilot(request: Request, user: UserDep, body: forms.StartPilotIn) -> BrandFiledOut:
    """提交试点申报书（申报书两部分与推荐表表头；申报条件承诺）。"""
    try:
        filed = await brand(request).file(user, body.model_dump(mode="json", exclude_none=True))
    except DomainError as e:
        raise refuse(e) from None
    return BrandFiledOut(key=filed.key, workflow_id=filed.workflow_id)


@router.get("/pilots/{key}", responses=responses(401, 403, 404))
async def show_pilot(request: Request, key: KeyPath, user: UserDep) -> dict[str, Any]:
    """一个试点：阶段、时限、评审、称号决定及其依据、本用户此刻可办理的操作、日志。"""
    svc = brand(request)
    try:
        row = svc.visible(user, key)
        view = await svc.view(user, key)
    except DomainError as e:
        raise refuse(e) from None
    from store.brand import repo
    from domain.brand.labels import describe_event

    events = repo.journal(svc.engine, f"brand.{key}")
    return {**pilot_out(row).model_dump(mode="json"), "procedure": view.procedure,
            "deadlines": [vars(d) | {"due": d.due.isoformat(), "remind_on": d.remind_on.isoformat() if d.remind_on else None}
                          for d in view.deadlines],
            "review": view.review, "decision": view.decision, "preview": view.preview,
            "summaries": view.summaries, "supervisions": view.supervisions,
            "allowed": [{"action": a, "label": action_label(a)} for a in svc.allowed_for(user, row, view)],
            "timeline": [{"seq": r.seq, "on": r.on.isoformat(), "kind": r.kind, "text": describe_event(r.kind, r.data),
                          "actor": {"role": r.actor_role, "name": r.actor_name}} for r in events[-300:]]}


def _action_route(action: str, model: type) -> None:
    async def act(request: Request, key: KeyPath, user: UserDep, data: model = Body(...)) -> ActionDone:  # type: ignore[valid-type]
        try:
            result = await brand(request).act(user, key, action, data.model_dump(mode="json", exclude_none=True))
        except DomainError as e:
            raise refuse(e) from None
        return ActionDone(action=action, label=action_label(action), stage=result.stage,
                          stage_label=stage_label(result.stage), events=len(result.events))

    act.__name__ = f"brand_{action}"
    router.add_api_route(f"/pilots/{{key}}/actions/{action}", act, methods=["POST"], response_model=ActionDone,
                         summary=ACTION_LABELS.get(action, action), description=(model.__doc__ or "").strip(),
                         responses=responses(401, 403, 404, 409, 422))


for _action, _model in forms.ACTION_SCHEMAS.items():
    _action_route(_action, _model)


@router.get("/batches", responses=responses(401, 403))
async def batches(request: Request, user: UserDep) -> dict[str, Any]:
    """工业和信息化部的批次：当前批次（截止日、名单）、等候的申报、各省本年推荐数、已评审的批次。"""
    from domain.brand.access import check_read_all
    from store.brand import repo

    try:
        check_read_all(user)
    except DomainError as e:
        raise refuse(e) from None
    svc = brand(request)
    view = await svc.batch_view()
    rows = repo.batches(svc.engine)
    return {"current": view.current if view else None, "closed": view.closed if view else False,
            "members": view.members if view else [], "overdue": view.overdue if view else False,
            "queue": [vars(w) | {"received_on": w.received_on.isoformat()} for w in (view.queue if view else [])],
            "recommended": view.recommended if view else {},
            "batches": [{"batch_id": b.batch_id, "cutoff": b.cutoff.isoformat(), "members": b.members,
                         "held_on": b.held_on.isoformat() if b.held_on else None, "decisions": b.decisions,
                         "overdue": b.overdue} for b in rows]}


@router.post("/batches/hold", responses=responses(401, 403, 409, 422))
async def hold_batch(request: Request, user: UserDep, body: forms.HoldBatchData) -> dict[str, Any]:
    """召开批次论证评审：本批次每家的决定（未列出的转入下一批次），每个决定送达其试点一次。"""
    try:
        result = await brand(request).hold_batch(user, body.model_dump(mode="json", exclude_none=True))
    except DomainError as e:
        raise refuse(e) from None
    return {"batch_id": result.batch_id, "held_on": result.held_on.isoformat(), "decisions": result.decisions}


# ---------------------------------------------------------------- forms as files


def attachment(content: bytes, media: str, filename: str) -> Response:
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    return Response(content, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"})


XLSX_OUT = {200: {"content": {XLSX: {}}, "description": "XLSX 工作簿"}}
DOCX_OUT = {200: {"content": {DOCX: {}}, "description": "DOCX 文件"}}


@router.get("/templates/summary.xlsx", response_class=Response, responses={**XLSX_OUT, **responses(401)})
async def summary_template(request: Request, user: UserDep) -> Response:
    """年度总结报告（第一部分）的 XLSX 模板，按附件1的版式。"""
    from service.brand.xlsx import summary_workbook

    return attachment(summary_workbook(None), XLSX, "年度总结报告.xlsx")


@router.get("/pilots/{key}/summaries/{cycle}-{year_no}.xlsx", response_class=Response,
            responses={**XLSX_OUT, **responses(401, 403, 404)})
async def summary_xlsx(request: Request, key: KeyPath, cycle: int, year_no: int, user: UserDep) -> Response:
    """一份已提交的年度总结报告（第一部分）XLSX。"""
    from service.brand.xlsx import filed_summary, summary_workbook

    svc = brand(request)
    try:
        svc.visible(user, key)
        data = filed_summary(svc.engine, key, cycle, year_no)
    except DomainError as e:
        raise refuse(e) from None
    return attachment(summary_workbook(data), XLSX, f"{key}-年度总结报告-{cycle}-{year_no}.xlsx")


@router.post("/forms/summary.xlsx", responses=responses(401, 422))
async def read_summary(user: UserDep, content: bytes = Body(..., media_type=XLSX)) -> dict[str, Any]:
    """读回填好的年度总结报告 XLSX：返回 submit_summary 的数据；每个错误的单元格都指名。"""
    from service.brand.xlsx import read_summary_workbook

    try:
        return read_summary_workbook(content)
    except DomainError as e:
        raise refuse(e) from None


@router.get("/templates/application.xlsx", response_class=Response, responses={**XLSX_OUT, **responses(401)})
async def application_template(request: Request, user: UserDep) -> Response:
    """申报书（第一部分 区域情况、主导产业、第二部分 试点工作方案）的 XLSX 模板。"""
    from service.brand.xlsx import application_workbook

    return attachment(application_workbook(None), XLSX, "试点申报书.xlsx")


@router.post("/forms/application.xlsx", responses=responses(401, 422))
async def read_application(user: UserDep, content: bytes = Body(..., media_type=XLSX)) -> dict[str, Any]:
    """读回填好的申报书 XLSX：返回申报书数据（提交时放在 application 中）。"""
    from service.brand.xlsx import read_application_workbook

    try:
        return read_application_workbook(content)
    except DomainError as e:
        raise refuse(e) from None


@router.get("/experiences", responses=responses(401))
async def experiences(request: Request, user: UserDep) -> list[dict[str, Any]]:
    """区域品牌建设典型经验推荐名单（评价优秀的试点，按决定日期）。"""
    from service.brand.documents import experience_list

    return experience_list(brand(request).engine)


@router.get("/experiences.docx", response_class=Response, responses={**DOCX_OUT, **responses(401)})
async def experiences_docx(request: Request, user: UserDep) -> Response:
    """区域品牌建设典型经验推荐名单（DOCX，供部网站公布）。"""
    from service.brand.documents import experience_docx

    svc = brand(request)
    return attachment(experience_docx(svc.engine, await svc.today()), DOCX, "区域品牌建设典型经验推荐名单.docx")


__all__ = ["router", "brand", "status_of", "JSONResponse"]
