"""达标值 tables in the console (issue 11; RULES.md "Thresholds"): the API
(``/api/thresholds…``: list, read a version, file one as JSON or as the XLSX template, download
the template) and the pages (``/thresholds``: the tables by industry and tier, a version's
rows, upload), plus the 附件一 score sheet as XLSX for a cluster's site report (download the
template with the table in force, upload it to get the sheet's data). Thin: parse, call
``service.cnlic.thresholds``, shape. Who may file is the domain's rule.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from console.cnlic import api, pages
from console.errors import status_for
from console.schema_route import refusing_route
from domain.cnlic.access import User
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.cnlic.thresholds import TIER_LABELS, ThresholdsInvalid
from service.cnlic import thresholds as svc
from store.cnlic import lifecycle as lifecycle_repo

api_router = APIRouter(prefix="/api", tags=["console"])
router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.nav_todo)])

# checked by the service (a refusal in Chinese), not by a path pattern FastAPI would answer in its own words
IndustryPath = Annotated[str, Path(description="行业（不超过 50 字）")]
TierPath = Annotated[str, Path(description="等级：capital（都）、base（基地）、town（乡镇）")]


class ThresholdRowIn(BaseModel):
    key: str = Field(max_length=50, title="指标代码", description="指标代码（附件一第一、二部分，见模板 A 列）")
    value: float | None = Field(None, title="达标值", description="达标值；“或”项的另一项可留空")
    direction: str = Field(">=", max_length=10, title="比较方向", description=">=（不低于）或 <=（不高于）")
    unit: str = Field("", max_length=20, title="单位", description="单位（留空取附件一的单位）")


class ThresholdTableIn(BaseModel):
    effective_from: date = Field(title="生效日期", description="生效日期：此日及以后的考评按本版核对")
    rows: list[ThresholdRowIn] = Field(max_length=40, title="各项达标值", description="各项指标的达标值")
    note: str = Field("", max_length=500, title="说明", description="说明（可选）")


class FiledOut(BaseModel):
    industry: str
    tier: str
    version: int
    ref: str = Field(description="打分表记录的版本名：行业/等级/v版本号")
    effective_from: date
    outcome: str = Field(description="created：新版本；unchanged：相同内容已是该版本，未重复建立")


def _engine(request: Request):
    return request.app.state.console.engine


async def _today(request: Request) -> date:
    return await request.app.state.console.today()


def _filed_out(f: svc.Filed) -> FiledOut:
    t = f.table
    return FiledOut(industry=t.industry, tier=t.tier, version=t.version, ref=t.ref, effective_from=t.effective_from,
                    outcome="created" if f.created else "unchanged")


def _refusal(e: DomainError) -> JSONResponse:
    """A refused table names every row and indicator (not only the first)."""
    return JSONResponse({"code": e.code, "message": e.message, "errors": svc.errors_by_row(e)},
                        status_code=status_for(e.code))


def _xlsx(content: bytes, name: str) -> Response:
    return Response(content, media_type=svc.XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"thresholds.xlsx\"; filename*=UTF-8''{quote(name, safe='')}"})


async def _upload(request: Request) -> tuple[dict[str, str], bytes]:
    try:
        form = await request.form(max_files=2, max_fields=20)
    except Exception:  # a malformed or non-multipart body: one line, never a 500
        raise DomainError("invalid_data", "请求应为 multipart/form-data：file（XLSX 文件）") from None
    files = [v for k, v in form.multi_items() if k == "file" and isinstance(v, UploadFile)]
    if not files:
        raise DomainError("file_missing", "请选择要上传的 XLSX 文件（字段 file）")
    content = await files[0].read(LIMITS.import_file_bytes + 1)
    return {k: v for k, v in form.items() if isinstance(v, str)}, content


# ---------------------------------------------------------------- API


@api_router.get("/thresholds", responses=api.responses(401))
async def list_tables(request: Request, user: api.UserDep) -> list[dict[str, Any]]:
    """各行业、各等级的达标值表：历次版本（生效日期、报送人）与今天生效的版本。"""
    return svc.table_list(_engine(request), await _today(request))


@api_router.get("/thresholds/{industry}/{tier}", responses=api.responses(401, 404))
async def show_table(request: Request, industry: IndustryPath, tier: TierPath, user: api.UserDep,
                     version: Annotated[int | None, Query(ge=1, le=1_000_000, description="版本号；留空取最新版本")] = None,
                     on: Annotated[date | None, Query(description="取在此日生效的版本")] = None) -> dict[str, Any]:
    """一个版本的各行：指标、单位、比较方向、达标值。"""
    svc.check_path(industry, tier)
    return svc.show(_engine(request), industry, tier, version, on)


def _parse_table(path: str, body: Any) -> Any:
    """A refused body in Chinese, naming the field by its title (``console.schema_route``)."""
    from pydantic import ValidationError

    from service.refusals import refusal

    try:
        return ThresholdTableIn.model_validate(body)
    except ValidationError as e:
        raise refusal(e, ThresholdTableIn) from None  # type: ignore[arg-type]


filing_router = APIRouter(route_class=refusing_route(_parse_table, "达标值表数据格式不正确：应为 {effective_from, rows, note}"))


@filing_router.post("/thresholds/{industry}/{tier}", response_model=FiledOut, responses=api.responses(400, 401, 403, 422))
async def file_table(request: Request, industry: IndustryPath, tier: TierPath, body: ThresholdTableIn,
                     user: api.UserDep) -> Any:
    """报送新版本（协会报送本行业，综合业务部报送任何行业）；相同内容再次报送不建立新版本。"""
    try:
        filed = svc.file_table(_engine(request), user, industry, tier, body.effective_from,
                               [r.model_dump() for r in body.rows], body.note)
    except ThresholdsInvalid as e:
        return _refusal(e)
    return _filed_out(filed)


@api_router.get("/thresholds/{industry}/{tier}/template.xlsx", response_class=Response,
                responses={200: {"content": {svc.XLSX: {}}, "description": "达标值表模板"}, **api.responses(401)})
async def table_template(request: Request, industry: IndustryPath, tier: TierPath, user: api.UserDep,
                         prefill: bool = True) -> Response:
    """达标值表 XLSX 模板：各行的指标与单位；有版本时预填最新版本。"""
    svc.check_path(industry, tier)
    return _template(request, industry, tier, prefill)


def _template(request: Request, industry: str, tier: str, prefill: bool) -> Response:
    current = None
    if prefill:
        try:
            current = svc.show(_engine(request), industry, tier)
        except DomainError:
            current = None
    return _xlsx(svc.table_template(industry, tier, current), f"达标值表-{industry}-{TIER_LABELS[tier]}.xlsx")


@api_router.post("/thresholds/{industry}/{tier}/xlsx", response_model=FiledOut,
                 responses={422: {"description": "逐行列出的错误（行号、指标）"}, **api.responses(400, 401, 403)})
async def upload_table(request: Request, industry: IndustryPath, tier: TierPath, user: api.UserDep) -> Any:
    """上传填好的模板（multipart：file）建立新版本；错误逐行列出；内容未变时不建立新版本。"""
    svc.check_path(industry, tier)
    _, content = await _upload(request)
    try:
        filed = svc.import_table_xlsx(_engine(request), user, content, industry, tier)
    except ThresholdsInvalid as e:
        return _refusal(e)
    return _filed_out(filed)


@api_router.get("/clusters/{key}/score-sheet.xlsx", response_class=Response,
                responses={200: {"content": {svc.XLSX: {}}, "description": "附件一打分表模板"},
                           **api.responses(401, 403, 404)})
async def score_sheet_template(request: Request, key: api.KeyPath, user: api.UserDep,
                               recorded: Annotated[bool, Query(description="true：最近一次记录的打分表（数值、达标值、是否达标、得分）")] = False
                               ) -> Response:
    """附件一 评价体系打分表 XLSX：各行指标、今天生效的达标值、数值列与各部分得分；或最近记录的一份。"""
    return await _score_template(request, user, key, recorded)


async def _score_template(request: Request, user: User, key: str, recorded: bool = False) -> Response:
    request.app.state.console.facts(user, key)  # refuses a cluster out of this user's scope
    if recorded:
        sheet = svc.recorded_score(_engine(request), key)
        if sheet is None:
            raise DomainError("site_report_unknown", f"集群 {key} 尚无记录的打分表")
        return _xlsx(svc.score_sheet_template(None, sheet), f"附件一打分表-{key}-已记录.xlsx")
    row = lifecycle_repo.cluster(_engine(request), key)
    table = None
    if row is not None:
        try:
            table = svc.resolve(_engine(request), row.industry, row.tier, await _today(request))
        except DomainError:
            table = None
    return _xlsx(svc.score_sheet_template(table), f"附件一打分表-{key}.xlsx")


@api_router.post("/score-sheet/xlsx", responses=api.responses(400, 401, 422))
async def read_score_sheet(request: Request, user: api.UserDep) -> Any:
    """读取填好的附件一打分表 XLSX，返回打分表数据（score_sheet），供考评报告使用。"""
    _, content = await _upload(request)
    try:
        return svc.read_score_sheet_xlsx(content)
    except ThresholdsInvalid as e:
        return _refusal(e)


api_router.include_router(filing_router)


# ---------------------------------------------------------------- pages

FILERS = ("secretariat", "association")


def _tiers() -> list[tuple[str, str]]:
    return list(TIER_LABELS.items())


@router.get("/thresholds", response_class=HTMLResponse)
async def tables_page(request: Request) -> HTMLResponse:
    user = pages.page_user(request)
    return pages.page(request, "thresholds.html", user, tables=svc.table_list(_engine(request), await _today(request)),
                      tiers=_tiers(), can_file=user.role in FILERS, errors=None, error=None)


@router.get("/thresholds/template.xlsx")
async def template_from_page(request: Request, industry: str = "", tier: str = "capital") -> Response:
    pages.page_user(request)
    if tier not in TIER_LABELS or not industry.strip() or len(industry) > 50:
        raise DomainError("thresholds_industry_missing", "请写明行业并选择等级（都、基地、乡镇）")
    return _template(request, industry.strip(), tier, True)


@router.get("/thresholds/{industry}/{tier}", response_class=HTMLResponse)
async def table_page(request: Request, industry: str, tier: str, version: int | None = None) -> HTMLResponse:
    user = pages.page_user(request)
    if tier not in TIER_LABELS:
        raise DomainError("tier_unknown", "等级应为 都、基地、乡镇 之一")
    if version is not None and not 1 <= version <= 1_000_000:
        raise DomainError("thresholds_unknown", f"没有第 {version} 版")
    engine = _engine(request)
    table = svc.show(engine, industry, tier, version)
    listing = [t for t in svc.table_list(engine, await _today(request)) if t["industry"] == industry and t["tier"] == tier]
    return pages.page(request, "threshold.html", user, table=table, listing=listing[0] if listing else None,
                      can_file=user.role in FILERS)


@router.post("/thresholds/upload", response_class=HTMLResponse)
async def upload_from_page(request: Request) -> Response:
    user = pages.page_user(request)
    engine = _engine(request)
    try:
        await pages._checked_form(request)
        _, content = await _upload(request)
        filed = svc.import_table_xlsx(engine, user, content)
    except DomainError as e:
        if e.code == "csrf_invalid":
            raise
        return pages.page(request, "thresholds.html", user, status_code=status_for(e.code),
                          tables=svc.table_list(engine, await _today(request)), tiers=_tiers(),
                          can_file=user.role in FILERS, error=e, errors=svc.errors_by_row(e))
    t = filed.table
    return RedirectResponse(f"/thresholds/{quote(t.industry)}/{t.tier}?version={t.version}"
                            f"&outcome={'created' if filed.created else 'unchanged'}", status_code=303)


@router.get("/clusters/{key}/score-sheet.xlsx")
async def score_template_from_page(request: Request, key: str, recorded: bool = False) -> Response:
    user = pages.page_user(request)
    pages._check_key(key)
    return await _score_template(request, user, key, recorded)


@router.post("/clusters/{key}/score-sheet", response_class=HTMLResponse)
async def score_sheet_from_page(request: Request, key: str) -> Response:
    """The uploaded 附件一 XLSX fills the site report form's score sheet (nothing is recorded
    until the form itself is submitted)."""
    user = pages.page_user(request)
    pages._check_key(key)
    try:
        await pages._checked_form(request)
        _, content = await _upload(request)
        sheet = svc.read_score_sheet_xlsx(content)
    except DomainError as e:
        if e.code == "csrf_invalid":
            raise
        return await pages._cluster_page(request, user, key, status_for(e.code), e, "record_site_report", {})
    values = {f"f_score_sheet.values.{k}": str(v) for k, v in sheet.pop("values").items()}
    values.update({f"f_score_sheet.{k}": (f"{v:g}" if isinstance(v, float) else str(v)) for k, v in sheet.items()})
    return await pages._cluster_page(request, user, key, 200, None, "record_site_report", values)
