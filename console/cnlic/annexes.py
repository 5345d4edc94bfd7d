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
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from console.cnlic import api, pages
from console.errors import status_for
from domain.errors import DomainError
from service.cnlic.annex3 import PROCEDURE_OF, XLSX, Annex3In, as_form_values, parse_for, template_for

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


# ---------------------------------------------------------------- the filing form's workbook, the report's prefill


async def with_uploaded_annex3(request: Request, user: Any, key: str, action: str, data: dict[str, Any]) -> dict[str, Any]:
    """A filing submitted with its filled workbook (the form's file input): the workbook is the
    annex3 (its 表四 finances and products included, which the page's table does not carry)."""
    if action not in PROCEDURE_OF:
        return data
    upload = (await request.form()).get("f_annex3_xlsx")
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read()
        if content:
            return {**data, "annex3": await parse_for(pages._console(request), user, key, action, content)}
    return data


def _plain(v: Any) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


async def site_report_form(console: Any, view: Any, items: list[Any], shown: dict[str, str] | None,
                           fresh: bool) -> tuple[list[Any], dict[str, str]]:
    """附件四's form on the cluster page: 组长, 副组长 and signatures chosen from the approved
    panel; a fresh form prefilled from this cluster's own record — the panel's lead, the visit,
    the figures of its 附件三 and, for a re-evaluation, the previous evaluation's figures — and
    the annual reports filed and missing since the title shown beside the indicators."""
    from dataclasses import replace

    from console.cnlic.action_forms import Group, with_panel_choices
    from domain.cnlic import annex3 as A
    from domain.cnlic.annual_report import annual_report_record
    from workflows.cnlic.designation import DesignationWorkflow

    values = dict(shown or {})
    items = with_panel_choices(items, list(view.panel))
    facts = await console.lifecycle._query(view.key, DesignationWorkflow.annex_facts, "annex_facts")
    new = facts.get("procedure") in A.NEW_PROCEDURES
    previous, current, prev_year, cur_year = A.previous_and_current(
        facts.get("annex3") or None, None if new else facts.get("evaluation_indicators"))
    note = []
    if fresh:
        leads = list(view.panel_leads)
        if leads:
            values.setdefault("f_leader", leads[0])
        if facts.get("visit_on") and facts["visit_on"] <= view.today.isoformat():  # a visit that took place
            r = view.profile.region
            values.setdefault("f_basics.visited_on", facts["visit_on"])
            values.setdefault("f_basics.place", f"{r.province}{r.city}{r.county}")
            values.setdefault("f_signed_on", view.today.isoformat())
            for i, name in enumerate(view.panel):
                values.setdefault(f"f_signed_by.{i}", name)
        for k, v in current.items():
            values.setdefault(f"f_indicators.{k}.value", _plain(v))
        if not new:
            for k, v in previous.items():
                values.setdefault(f"f_indicators.{k}.previous", _plain(v))
    if cur_year:
        note.append(f"数值已按附件三表二 {cur_year} 年预填")
    if not new:
        note.append(f"上次考评（{prev_year or '—'} 年）的数值已预填，增减百分比由系统计算")
        conferred = date.fromisoformat(facts["conferred_on"]) if facts.get("conferred_on") else None
        rec = annual_report_record(facts.get("annual_reports") or {}, view.deadlines, conferred, view.today)
        filed = "、".join(f"{e.year}" + ("（逾期）" if e.late else "") for e in rec.filed) or "无"
        missing = "、".join(str(e.year) for e in rec.missing) or "无"
        note.append(f"授名以来的年度报表：已报送 {filed}；未报送 {missing}（§四(一) 列入复评要求）")
    if note:
        items = [replace(it, hint=f"{it.hint}。{'；'.join(note)}") if isinstance(it, Group) and it.name == "f_indicators"
                 else it for it in items]
    return items, values


async def filing_form(console: Any, view: Any, action: str, items: list[Any], shown: dict[str, str] | None,
                      fresh: bool) -> tuple[list[Any], dict[str, str]]:
    """A filing's 附件三 on the cluster page: 表二's columns headed by the years the procedure owes
    today; a fresh re-evaluation's (or rectification review's) first column prefilled from this
    cluster's last evaluation."""
    from dataclasses import replace

    from console.cnlic.action_forms import Group
    from domain.cnlic import annex3 as A
    from service.cnlic.annex3 import columns, prefill_from_record
    from workflows.cnlic.designation import DesignationWorkflow

    facts = await console.lifecycle._query(view.key, DesignationWorkflow.annex_facts, "annex_facts")
    years, ev_year = columns(action, facts, view.today)
    values = dict(shown or {})
    if fresh and PROCEDURE_OF[action] not in A.NEW_PROCEDURES:
        for k, v in as_form_values(prefill_from_record(years, facts.get("evaluation_indicators"), ev_year)).items():
            values.setdefault(k, v)
    heads = ("指标", *(f"{y}年" for y in years), "最近一年占全国同行业比重（%）")
    items = [replace(it, columns=heads) if isinstance(it, Group) and it.name == "f_annex3.table2" else it
             for it in items]
    return items, values
