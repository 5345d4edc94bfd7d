"""附件五 年度报表 in the console (issue 11): the workbook in the annex's layout to download
(prefilled) and to upload (parsed into the same schema, then submitted as the action), for
the API and the cluster page; the reports filed and missing since conferral with each
report's 20 rows and 同比 (``_annex5.html``). Thin: parse, call ``service.cnlic.annex5``, shape.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from console.cnlic import api, pages
from console.errors import status_for
from domain.cnlic.access import User
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.cnlic.model import PROCEDURE_STAGES, Stage
from service.cnlic import annex5
from store.cnlic import lifecycle as journal_store

api_router = APIRouter(prefix="/api", tags=["console"])
router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.nav_todo)])
Year = Annotated[int, Path(ge=2016, le=2200, description="报告年度")]
ACTION = "submit_annual_report"


async def _facts(request: Request, user: User, key: str) -> tuple[Any, dict[int, annex5.FiledReport]]:
    console = request.app.state.console
    await console.live_facts(user, key)  # a cluster out of scope is not even named
    view = await console.lifecycle.view(key)
    return view, annex5.filed_reports(journal_store.journal(console.engine, key))


async def _workbook(request: Request, user: User, key: str, year: int) -> Response:
    view, filed = await _facts(request, user, key)
    row = journal_store.cluster(request.app.state.console.engine, key)
    header, previous = annex5.prefill(view, filed, year, getattr(row, "name", "") or "")
    report = filed[year].report if year in filed else None
    content = annex5.workbook(year, header, previous, report)
    name = f"附件五-{key}-{year}.xlsx"
    return Response(content, media_type=annex5.XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"annex5-{key}-{year}.xlsx\"; filename*=UTF-8''{quote(name)}"})


async def _submit(request: Request, user: User, key: str, content: bytes) -> Any:
    data = annex5.read_workbook(content)
    return await request.app.state.console.act(user, key, ACTION, data)


# ---------------------------------------------------------------- API


class AnnualEntryOut(BaseModel):
    year: int
    status: str = Field(description="filed（已报送）| missing（逾期未报送）| owed（待报送，未到期）")
    status_label: str
    filed_on: str | None = None
    late: bool = False
    due: str | None = None


class AnnualReportsOut(BaseModel):
    since: str | None = Field(description="本次称号的授名日期：自此起算应报送的年度报表")
    entries: list[AnnualEntryOut] = Field(description="逐年：已报送（日期、是否逾期）、逾期未报送、待报送")
    missing: list[int] = Field(description="逾期未报送的年度（复评时列出，§四(一) 此项工作列入复评要求）")
    reports: dict[int, dict[str, Any]] = Field(description="已报送的报表：表头、20 行指标、龙头企业、同比")


@api_router.get("/clusters/{key}/annual-reports", response_model=AnnualReportsOut,
                responses=api.responses(401, 403, 404, 503))
async def annual_reports(request: Request, key: api.KeyPath, user: api.UserDep) -> AnnualReportsOut:
    """该集群本次称号授名以来的年度报表（附件五）：已报送、逾期未报送和待报送的年度，及各年报表内容与同比。"""
    view, filed = await _facts(request, user, key)
    record = annex5.record_of(view, filed)
    return AnnualReportsOut(since=record.since.isoformat() if record.since else None,
                            entries=[AnnualEntryOut(**e.as_dict()) for e in record.entries],
                            missing=[e.year for e in record.missing],
                            reports={y: f.report for y, f in sorted(filed.items())})


@api_router.get("/clusters/{key}/annual-reports/{year}/annex5.xlsx", response_class=Response,
                responses={200: {"content": {annex5.XLSX: {}}, "description": "附件五工作簿"},
                           **api.responses(401, 403, 404, 503)})
async def annex5_workbook(request: Request, key: api.KeyPath, year: Year, user: api.UserDep) -> Response:
    """下载附件五（年度报表）XLSX，按附件的版式：表头、20 行（本年、上年、同比）、附表（龙头企业 8 行 × 12 列）。
    已报送的年度为其报表；未报送的预填集群名称、所在地、上次报表的填表单位和联系人、上一年度的数。"""
    return await _workbook(request, user, key, year)


@api_router.post("/clusters/{key}/annual-reports/annex5", response_model=None,
                 openapi_extra={"requestBody": {"required": True, "content": {annex5.XLSX: {"schema": {
                     "type": "string", "format": "binary"}}}}},
                 responses={200: {"description": "dry_run：解析出的报表数据（AnnualReportData）；否则为办理结果（ActionResultOut）"},
                            **api.responses(400, 401, 403, 404, 409, 422, 503)})
async def annex5_upload(request: Request, key: api.KeyPath, user: api.UserDep,
                        dry_run: Annotated[bool, Query(description="只解析、不报送")] = False) -> Any:
    """上传填好的附件五 XLSX（请求体为文件本身）：按 AnnualReportData 解析，问题逐一指明工作表和单元格；
    dry_run=true 时只返回解析结果，否则作为“报送年度报表”办理。"""
    content = await request.body()
    if dry_run:
        from service.cnlic.actions import parse_action, plain

        await request.app.state.console.live_facts(user, key)
        return plain(parse_action(ACTION, annex5.read_workbook(content)))
    r = await _submit(request, user, key, content)
    return api.ActionResultOut(action=r.action, stage=r.stage, stage_label=api._label(Stage, r.stage),
                               procedure=r.procedure, title_status=r.title_status, valid_until=r.valid_until,
                               events=[api.event_out(e) for e in r.events])


# ---------------------------------------------------------------- the cluster page


def annual_panel(request: Request, user: User | None, view: Any) -> dict[str, Any]:
    """What ``_annex5.html`` shows: the reports filed and missing since conferral (on every
    page, and headed as a re-evaluation requirement while one is under way), the latest
    report's rows with 同比, and an upload refusal."""
    if user is None or view is None:
        return {"record": None, "latest": None}
    filed = annex5.filed_reports(journal_store.journal(request.app.state.console.engine, view.key))
    record = annex5.record_of(view, filed)
    owed = sorted(e.year for e in record.entries if e.status != "filed")
    return {"record": record, "filed": filed, "latest": filed[max(filed)] if filed else None,
            # while a re-evaluation (or rectification review) runs, the card is its requirement
            "reevaluation": view.procedure in ("reevaluation", "rectification_review")
            and view.stage in {s.value for s in PROCEDURE_STAGES},
            "owed": owed, "error": getattr(request.state, "annex5_error", None)}


pages.TEMPLATES.env.globals["annual_panel"] = annual_panel


@router.get("/clusters/{key}/annual-reports/{year}/annex5.xlsx")
async def workbook_from_page(request: Request, key: str, year: int) -> Response:
    user = pages.page_user(request)
    pages._check_key(key)
    if not 2016 <= year <= 2200:
        raise DomainError("annual_report_year_invalid", f"报告年度 {year} 无效")
    return await _workbook(request, user, key, year)


@router.post("/clusters/{key}/annual-reports/annex5", response_class=HTMLResponse)
async def upload_from_page(request: Request, key: str) -> Response:
    user = pages.page_user(request)
    pages._check_key(key)
    try:
        await pages._checked_form(request)
        form = await request.form(max_files=2, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise DomainError("attachment_file_missing", "请选择填好的附件五 XLSX 文件")
        content = await upload.read(LIMITS.import_file_bytes + 1)
        await _submit(request, user, key, content)
    except DomainError as e:
        if e.code in ("cluster_unknown", "out_of_scope"):
            raise
        request.state.annex5_error = e
        return await pages._cluster_page(request, user, key, status_for(e.code))
    return RedirectResponse(f"/clusters/{quote(key)}?done={ACTION}#annual-reports", status_code=303)

