"""The directory of opinion-giving bodies in the console (RULES.md "Bodies"): ``/api/bodies`` for
the API (everyone reads, the secretariat keeps it) and the 意见单位名录 page with a form per body.
Thin: parse, call ``service.cnlic.bodies``, render. The schema (``service.cnlic.bodies.BodyData``) is the
API's request body and the page's fields alike."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console.cnlic import api, pages
from console.errors import status_for
from domain.cnlic.bodies import KINDS
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.cnlic.model import Role
from pydantic import BaseModel, Field

from service.cnlic.bodies import XLSX, BodiesService, BodyData, BodyOut, body_out, import_xlsx, template_xlsx

api_router = APIRouter(prefix="/api", tags=["console"])
router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.nav_todo)])

BodyName = Annotated[str, Path(min_length=1, max_length=100, description="意见单位全称")]


def bodies_of(request: Request) -> BodiesService:
    return BodiesService(request.app.state.console.engine)


Bodies = Annotated[BodiesService, Depends(bodies_of)]


# ---------------------------------------------------------------- API


@api_router.get("/bodies", response_model=list[BodyOut], responses=api.responses(401, 422))
async def list_bodies(
    user: api.UserDep, bodies: Bodies,
    industry: Annotated[str | None, Query(max_length=100, description="只列出负责该行业的行业协（学）会，及该省的省级组织")] = None,
    province: Annotated[str | None, Query(max_length=100, description="集群所在省份（与 industry 一起使用）")] = None,
    active: Annotated[bool | None, Query(description="true：只列启用的")] = None,
) -> list[BodyOut]:
    """意见单位名录：全国性行业协（学）会、中心（及其行业）与省级地方轻工行业组织（及其省份）。
    给出 industry 与 province 时，只列出该集群的申请可选的单位（启用的）。"""
    if industry is not None or province is not None:
        entries = bodies.choices(industry or "", province or "")
    else:
        entries = bodies.list(active_only=bool(active))
    return [body_out(e) for e in entries]


@api_router.post("/bodies", response_model=BodyOut, status_code=201, responses=api.responses(401, 403, 409, 422))
async def add_body(data: BodyData, user: api.UserDep, bodies: Bodies) -> BodyOut:
    """向名录添加一个意见单位（综合业务部）。"""
    return body_out(bodies.add(user, data.model_dump()))


@api_router.put("/bodies/{name}", response_model=BodyOut, responses=api.responses(401, 403, 404, 422))
async def update_body(name: BodyName, data: BodyData, user: api.UserDep, bodies: Bodies) -> BodyOut:
    """修改名录中的意见单位：类别、行业或省份、启用与否、备注（综合业务部；名称不可改，停用代替删除）。"""
    if data.name != name:
        raise DomainError("invalid_data", f"请求体的单位名称“{data.name}”与地址中的“{name}”不同：名称不可修改")
    return body_out(bodies.update(user, name, data.model_dump()))


class ImportRowOut(BaseModel):
    row: int = Field(description="表格中的行号")
    name: str
    outcome: str = Field(description="added | updated | unchanged | refused")
    outcome_label: str
    code: str = Field("", description="拒绝时的规则代码")
    message: str = Field("", description="拒绝时的中文说明")


@api_router.get("/bodies/directory.xlsx", responses={200: {"content": {XLSX: {}}, "description": "名录 XLSX（即导入模板）"},
                                                      **api.responses(401)})
async def bodies_xlsx(user: api.UserDep, bodies: Bodies) -> Response:
    """意见单位名录的 XLSX：每行一个单位，列即导入时读取的列（改好后可上传）。"""
    return api.file_response(template_xlsx(bodies.list()), XLSX, "bodies-directory.xlsx")


@api_router.post("/bodies/import", response_model=list[ImportRowOut],
                 openapi_extra={"requestBody": {"required": True, "content": {XLSX: {"schema": {
                     "type": "string", "format": "binary"}}}}},
                 responses=api.responses(401, 403, 422))
async def import_bodies(http: Request, user: api.UserDep, bodies: Bodies) -> list[ImportRowOut]:
    """上传名录 XLSX（综合业务部）：按单位名称添加或修改，逐行报告 added / updated / unchanged / refused。"""
    return [ImportRowOut(**r) for r in import_xlsx(bodies, user, await http.body())]


# ---------------------------------------------------------------- the page


def _fields_of(form: Any) -> dict[str, Any]:
    industries = [p.strip() for p in str(form.get("industries") or "").replace("，", "\n").replace("、", "\n").splitlines()
                  if p.strip()]
    return {"name": str(form.get("name") or "").strip(), "kind": str(form.get("kind") or ""),
            "industries": industries, "province": str(form.get("province") or "").strip(),
            "active": form.get("active") == "yes", "note": str(form.get("note") or "").strip()}


async def _page(request: Request, user: Any, status_code: int = 200, error: DomainError | None = None,
                values: dict[str, Any] | None = None, report: list[dict[str, Any]] | None = None) -> HTMLResponse:
    entries = bodies_of(request).list()
    return pages.page(request, "bodies.html", user, status_code=status_code, error=error, values=values or {},
                      entries=entries, kinds=KINDS, may_manage=user.role == Role.SECRETARIAT, report=report)


@router.get("/bodies/directory.xlsx")
async def bodies_page_xlsx(request: Request) -> Response:
    pages.page_user(request)
    return api.file_response(template_xlsx(bodies_of(request).list()), XLSX, "bodies-directory.xlsx")


@router.post("/bodies/import", response_class=HTMLResponse)
async def bodies_page_import(request: Request) -> HTMLResponse:
    user = pages.page_user(request)
    try:
        await pages._checked_form(request)
        upload = (await request.form()).get("file")
        if upload is None or isinstance(upload, str):
            raise DomainError("file_invalid", "请选择名录 XLSX 文件")
        content = await upload.read(LIMITS.import_file_bytes + 1)
        report = import_xlsx(bodies_of(request), user, content)
    except DomainError as e:
        return await _page(request, user, status_for(e.code), e)
    return await _page(request, user, report=report)


@router.get("/bodies", response_class=HTMLResponse)
async def bodies_page(request: Request) -> HTMLResponse:
    return await _page(request, pages.page_user(request))


@router.post("/bodies", response_class=HTMLResponse)
async def bodies_submit(request: Request) -> Response:
    """One form per body (and one for a new body): ``mode`` add or update."""
    user = pages.page_user(request)
    values: dict[str, Any] = {}
    try:
        await pages._checked_form(request)
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        data = _fields_of(form)
        service = bodies_of(request)
        if form.get("mode") == "update":
            service.update(user, data["name"], data)
        else:
            service.add(user, data)
    except DomainError as e:
        return await _page(request, user, status_for(e.code), e, values)
    return RedirectResponse("/bodies", status_code=303)
