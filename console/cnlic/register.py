"""Register and onboard clusters in the console (issue 10 item 2): ``POST /api/clusters`` and
the bulk import API, and the 登记集群 page with its form, template download and upload. Thin:
parse, call ``service.cnlic.registration``, render. The request schemas (``service.cnlic.starts``) are
the API's request bodies in OpenAPI and the page's form fields alike.

Who may: the secretariat registers every kind; an association may take a cluster of its
industries into cultivation (§二(一)); see ``domain.cnlic.starts.check_may_start``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from console.cnlic import api, pages
from console.errors import status_for
from console.schema_route import refusing_route
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.cnlic.model import Role
from domain.cnlic.starts import START_LABELS
from service.cnlic.bodies import BodiesService
from service.cnlic.registration import OUTCOME_LABELS, XLSX, ImportReport, RegistrationService, template_xlsx
from service.cnlic.starts import START_SCHEMAS, StartRequest, choices_of, flat_fields, header, is_list, nest, parse_start

REGISTRARS = (Role.SECRETARIAT.value, Role.ASSOCIATION.value)  # who sees the page (domain.cnlic.starts decides the rest)


def registration(request: Request) -> RegistrationService:
    return RegistrationService(request.app.state.console.lifecycle)


StartRoute = refusing_route(lambda path, body: parse_start(body), "登记数据无效")


router = APIRouter(route_class=StartRoute)


# ---------------------------------------------------------------- API


class RegisteredOut(BaseModel):
    key: str = Field(description="集群编号")
    workflow_id: str = Field(description="该集群生命周期工作流的编号")
    kind: str = Field(description="登记方式：cultivation | application | onboarding")
    stage: str = Field(description="开始的阶段（导入已到期的称号时工作流会转入 expired）")
    outcome: str = Field(description="accepted：已登记；unchanged：编号已存在且登记内容相同，未改动")
    override_reason: str | None = None


class RowOut(BaseModel):
    row: int = Field(description="表格中的行号")
    key: str
    outcome: str = Field(description="accepted | refused | unchanged")
    outcome_label: str
    code: str = Field("", description="拒绝时的规则代码")
    message: str = Field("", description="拒绝时的中文说明")
    workflow_id: str = ""


class ImportOut(BaseModel):
    accepted: int
    unchanged: int
    refused: int
    rows: list[RowOut]
    elapsed_s: float


def import_out(report: ImportReport) -> ImportOut:
    return ImportOut(**report.summary, elapsed_s=round(report.elapsed_s, 3),
                     rows=[RowOut(row=r.row, key=r.key, outcome=r.outcome, outcome_label=OUTCOME_LABELS[r.outcome],
                                  code=r.code, message=r.message, workflow_id=r.workflow_id) for r in report.rows])


@router.post("/api/clusters", response_model=RegisteredOut, status_code=201, tags=["console"],
             responses={200: {"model": RegisteredOut, "description": "编号已存在且登记内容相同：未改动"},
                        **api.responses(400, 401, 403, 409, 422, 503)})
async def add_cluster(request: StartRequest, http: Request, user: api.UserDep) -> Response:
    """登记一个集群：纳入培育（cultivation）、登记申请（application）或导入已授名称号（onboarding）。
    秘书处可办理全部三种；行业协会可将本行业的集群纳入培育。"""
    added = await registration(http).add(user, request.model_dump(mode="json"))
    out = RegisteredOut(key=added.key, workflow_id=added.workflow_id, kind=added.kind, stage=added.stage,
                        outcome=added.outcome, override_reason=added.override_reason)
    return JSONResponse(out.model_dump(), status_code=201 if added.outcome == "accepted" else 200)


@router.get("/api/cluster-imports/template", tags=["console"], responses={
    200: {"content": {XLSX: {}}, "description": "批量导入已授名称号的 XLSX 模板（含填写说明工作表）"}})
async def import_template(user: api.UserDep) -> Response:
    """批量导入模板：每行一个集群，列即导入已授名称号（onboarding）的各字段。"""
    return api.file_response(template_xlsx(), XLSX, "cluster-import-template.xlsx")


@router.post("/api/cluster-imports", response_model=ImportOut, tags=["console"],
             openapi_extra={"requestBody": {"required": True, "content": {XLSX: {"schema": {
                 "type": "string", "format": "binary"}}}}},
             responses=api.responses(401, 403, 422, 503))
async def import_clusters(http: Request, user: api.UserDep) -> ImportOut:
    """批量导入已授名称号：请求体为按模板填写的 XLSX 文件（至多 2 MiB、2000 行）。逐行校验并报告：
    accepted（已登记）、refused（规则代码与说明）、unchanged（已存在且相同）。再次导入同一文件不会改动任何集群。"""
    content = await http.body()
    return import_out(await registration(http).import_xlsx(user, content))


# ---------------------------------------------------------------- the page


def _constraint(f: Any, name: str) -> Any:
    for m in f.metadata:
        if hasattr(m, name):
            return getattr(m, name)
    return None


def form_fields(model: type[BaseModel], today: date) -> list[dict[str, Any]]:
    """The inputs of one schema, from the schema: label with unit, kind, bounds, choices."""
    out = []
    for name, f in flat_fields(model):
        choices = choices_of(f)
        ann = str(f.annotation)
        if choices and is_list(f):
            kind = "checkboxes"
        elif choices:
            kind = "select"
        elif is_list(f):
            kind = "lines"
        elif "date" in ann:
            kind = "date"
        elif "int" in ann or "float" in ann:
            kind = "number"
        else:
            kind = "text"
        default = f.default if f.default not in (None, ...) and not callable(f.default) else ""
        out.append({
            "name": name, "label": header(f), "hint": f.description or "", "kind": kind, "choices": choices or {},
            "required": f.is_required(), "min": _constraint(f, "ge"), "max": _constraint(f, "le"),
            "maxlength": _constraint(f, "max_length") if kind == "text" else None,
            "step": "1" if "int" in ann else "any", "default": "" if default is None else str(default),
            "date_max": today.isoformat() if name == "conferred_on" or name.endswith("evaluated_on") else "",
        })
    return out


def page_fields(today: date) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The shared cluster fields once, then each kind's own."""
    per_kind = {k: form_fields(m, today) for k, m in START_SCHEMAS.items()}
    common = [f for f in per_kind["cultivation"] if f["name"].startswith("cluster.")]
    own = {k: [f for f in fs if not f["name"].startswith("cluster.")] for k, fs in per_kind.items()}
    return common, own


def _may_register(user: Any) -> None:
    if user.role not in REGISTRARS:
        raise DomainError("role_not_allowed", "登记集群只能由综合业务部（秘书处）或行业协（学）会、中心（本行业，纳入培育）办理")


async def _register_page(request: Request, user: Any, status_code: int = 200, error: DomainError | None = None,
                         values: dict[str, Any] | None = None, report: ImportReport | None = None) -> HTMLResponse:
    today = await request.app.state.console.today()
    common, own = page_fields(today)
    # RULES.md "Bodies": an application's bodies are chosen from the directory (its active bodies,
    # labelled with kind and scope; the service refuses one that does not serve the cluster)
    directory = {e.name: e.describe() for e in BodiesService(request.app.state.console.engine).list(active_only=True)}
    for f in own.get("application", []):
        if f["name"] == "bodies":
            f.update(kind="checkboxes", choices=directory,
                     hint=f["hint"] + "（从意见单位名录中勾选：本行业的行业协（学）会、本省的省级轻工行业组织）")
    kinds = {k: v for k, v in START_LABELS.items() if user.role == Role.SECRETARIAT or k == "cultivation"}
    return pages.page(request, "register.html", user, status_code=status_code, error=error, values=values or {},
                      common=common, own=own, kinds=kinds, report=report, outcome_labels=OUTCOME_LABELS,
                      import_limit=f"{LIMITS.import_file_bytes // (1024 * 1024)} MiB、{LIMITS.import_rows} 行")


@router.get("/register", response_class=HTMLResponse, include_in_schema=False)
async def register_page(request: Request) -> HTMLResponse:
    user = pages.page_user(request)
    _may_register(user)
    return await _register_page(request, user)


def data_from_form(form: Any) -> dict[str, Any]:
    """A submitted form as a start request: the shared cluster fields and the chosen kind's."""
    kind = str(form.get("kind") or "")
    model = START_SCHEMAS.get(kind)
    if model is None:
        raise DomainError("invalid_start", f"登记方式“{kind[:40]}”无效，应为：{'、'.join(START_LABELS.values())}")
    flat: dict[str, Any] = {}
    for name, f in flat_fields(model):
        if (choices_of(f) or name == "bodies") and is_list(f):  # bodies: the directory's checkboxes
            values = [str(v) for v in form.getlist(name) if isinstance(v, str) and v]
            if values:
                flat[name] = values
            continue
        raw = form.get(name)
        if not isinstance(raw, str) or not raw.strip():
            continue
        if is_list(f):
            flat[name] = [line.strip() for line in raw.splitlines() if line.strip()]
        else:
            flat[name] = raw.strip()
    return {"kind": kind, **nest(flat)}


@router.post("/register", response_class=HTMLResponse, include_in_schema=False)
async def register_submit(request: Request) -> Response:
    user = pages.page_user(request)
    _may_register(user)
    values: dict[str, Any] = {}
    try:
        await pages._checked_form(request)
        form = await request.form()
        values = {k: form.getlist(k) if k in ("cluster.elements", "bodies") else v for k, v in form.items()
                  if isinstance(v, str)}
        added = await registration(request).add(user, data_from_form(form))
    except DomainError as e:
        return await _register_page(request, user, status_for(e.code), e, values)
    return RedirectResponse(f"/clusters/{added.key}", status_code=303)


@router.get("/register/template.xlsx", include_in_schema=False)
async def register_template(request: Request) -> Response:
    user = pages.page_user(request)
    _may_register(user)
    return api.file_response(template_xlsx(), XLSX, "cluster-import-template.xlsx")


@router.post("/register/import", response_class=HTMLResponse, include_in_schema=False)
async def register_import(request: Request) -> HTMLResponse:
    user = pages.page_user(request)
    _may_register(user)
    try:
        await pages._checked_form(request)
        upload = (await request.form()).get("file")
        if upload is None or isinstance(upload, str):
            raise DomainError("file_invalid", "请选择按模板填写的 XLSX 文件")
        content = await upload.read(LIMITS.import_file_bytes + 1)
        report = await registration(request).import_xlsx(user, content)
    except DomainError as e:
        return await _register_page(request, user, status_for(e.code), e)
    return await _register_page(request, user, report=report)

