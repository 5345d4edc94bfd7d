"""附件三 in the console (issue 11): the workbook of a cluster's filing, in the annex's own layout,
downloaded prefilled (its 表二 years computed from the procedure and today; a re-evaluation's
evaluation-year column filled from this cluster's last evaluation) and uploaded back as the
``annex3`` data of the filing, a refusal naming the sheet, row and cell.

API: ``GET /api/clusters/{key}/annex3/template?action=…`` and ``POST /api/clusters/{key}/annex3?action=…``
(the XLSX as the body; answers the schema's JSON, ready for the action's ``annex3``). Page: the
download link and an upload that fills the filing's form on the cluster page.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from console import api, pages
from console.errors import status_for
from domain.errors import DomainError
from service.annex3 import PROCEDURE_OF, XLSX, Annex3In, as_form_values, parse_for, template_for

api_router = APIRouter(prefix="/api", tags=["console"])
router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.nav_todo)])

ActionQuery = Annotated[str | None, Query(
    description="随哪项申请提交：file_application | file_reevaluation | file_rectification_review | file_title_change；"
                "留空按集群当前阶段（已授名、到期为复评，整改期为整改复查，否则为新申请）",
    pattern="^(file_application|file_reevaluation|file_rectification_review|file_title_change)$")]


@api_router.get("/clusters/{key}/annex3/template", responses={
    200: {"content": {XLSX: {}}, "description": "附件三 基本情况表（表一、表二、表四）的 XLSX，按本集群预填"},
    **api.responses(401, 403, 404, 422, 503)})
async def annex3_template(key: api.KeyPath, user: api.UserDep, console: api.ConsoleDep,
                          action: ActionQuery = None) -> Response:
    """下载附件三模板：表二的年度由服务按程序和今天计算（新申请为近三年；复评、整改复查为上次考评年度和近两年，
    第一列按本集群上次考评的记录预填）；表四每家重点企业一张。"""
    content, name = await template_for(console, user, key, action)
    return api.file_response(content, XLSX, name)


@api_router.post("/clusters/{key}/annex3", response_model=Annex3In, response_model_exclude_none=True,
                 openapi_extra={"requestBody": {"required": True, "content": {XLSX: {"schema": {
                     "type": "string", "format": "binary"}}}}},
                 responses=api.responses(401, 403, 404, 422, 503))
async def annex3_upload(key: api.KeyPath, http: Request, user: api.UserDep, console: api.ConsoleDep,
                        action: ActionQuery = None) -> Any:
    """上传填好的附件三工作簿：按模板的格式读回，答复即申请数据中的 annex3（可直接随申请、复评提交）；
    有误时答复 422，说明工作表、行和列。"""
    return await parse_for(console, user, key, action, await http.body())


# ---------------------------------------------------------------- the cluster page


@router.get("/clusters/{key}/annex3.xlsx")
async def annex3_download(request: Request, key: str, action: str | None = None) -> Response:
    user = pages.page_user(request)
    pages._check_key(key)
    content, name = await template_for(pages._console(request), user, key, action or None)
    return api.file_response(content, XLSX, name)


@router.post("/clusters/{key}/annex3", response_class=HTMLResponse)
async def annex3_page_upload(request: Request, key: str) -> HTMLResponse:
    """The uploaded workbook fills the filing's form on the cluster page (the person still
    checks and submits it); a refusal is shown inline, naming the cell."""
    user = pages.page_user(request)
    pages._check_key(key)
    form = await request.form()
    action = str(form.get("action") or "")
    try:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        if not hmac.compare_digest(values.get("csrf", ""), pages._csrf(request)):
            raise DomainError("csrf_invalid", "表单已过期，请刷新页面后重试")
        if action not in PROCEDURE_OF:
            raise DomainError("action_unknown", f"未知的申请“{action}”")
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise DomainError("annex3_invalid", "请选择填好的附件三 XLSX 文件")
        data = await parse_for(pages._console(request), user, key, action, await upload.read())
    except DomainError as e:
        if e.code in ("cluster_unknown", "out_of_scope"):
            raise
        return await pages._cluster_page(request, user, key, status_for(e.code), e, action if action in PROCEDURE_OF
                                         else None, {})
    filled = {"csrf": values.get("csrf", ""), **as_form_values(data)}
    return await pages._cluster_page(request, user, key, failed_action=action, values=filled)
