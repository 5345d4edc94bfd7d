"""Program 4's console pages (Chinese, server-rendered, the kernel's shell and login): the pilot
list (scoped), a pilot's page — stage, clocks, titles and the decision's evidence, the timeline
and the forms of exactly the actions this user may take now, generated from the same schemas as
the API — the 申报 page, the MIIT batches and the list of typical experiences."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from console.brand.api import attachment, brand, status_of, DOCX, XLSX
from console.cnlic import action_forms
from console.cnlic.pages import TEMPLATES, _checked_form, nav_todo, page, page_user
from domain.brand import labels
from domain.brand.machine import STAGE_LABELS
from domain.brand.pilot import period_label
from domain.errors import DomainError
from service.brand import forms

router = APIRouter(include_in_schema=False, dependencies=[Depends(nav_todo)])

TEMPLATES.env.globals.update(
    brand_stage=labels.stage_label,
    brand_action=labels.action_label,
    brand_deadline=labels.deadline_label,
    brand_event=labels.event_label,
    brand_describe=labels.describe_event,
    brand_role=labels.role_label,
    brand_decision=lambda v: labels.DECISION_LABELS.get(v, v),
    brand_period=period_label,
)
FILE_ACTION = "file_application"


def _forms_for(actions: list[str], today, values: dict[str, str] | None = None, failed: str | None = None
               ) -> list[tuple[str, Any]]:
    out = []
    for action in actions:
        model = forms.ACTION_SCHEMAS[action]
        shown = values if (failed == action and values) else {}
        out.append((action, (action_forms.items_of(action, today, shown, model=model), shown)))
    return out


@router.get("/brand/pilots", response_class=HTMLResponse)
async def pilots(request: Request, stage: str | None = None, province: str | None = None) -> HTMLResponse:
    user = page_user(request)
    svc = brand(request)
    stage = stage if stage in STAGE_LABELS else None
    rows = svc.list(user, stage=stage, province=(province or None) and province[:100])
    return page(request, "brand/pilots.html", user, rows=rows, stages=STAGE_LABELS, stage=stage, province=province or "",
                can_file=user.role in ("implementing_body", "local_government"))


async def _pilot_page(request: Request, key: str, *, values: dict[str, str] | None = None,
                      failed: str | None = None, error: DomainError | None = None, notice: str = "",
                      status_code: int = 200) -> HTMLResponse:
    user = page_user(request)
    svc = brand(request)
    row = svc.visible(user, key)
    view = await svc.view(user, key)
    today = await svc.today()
    from store.brand import repo

    events = repo.journal(svc.engine, f"brand.{key}")[-300:]
    allowed = svc.allowed_for(user, row, view)
    return page(request, "brand/pilot.html", user, status_code=status_code, row=row, v=view, today=today,
                events=list(reversed(events)), actions=_forms_for(allowed, today, values, failed), failed=failed,
                error=error, notice=notice)


@router.get("/brand/pilots/{key}", response_class=HTMLResponse)
async def pilot(request: Request, key: str, done: str | None = None) -> HTMLResponse:
    notice = f"已办理：{labels.action_label(done)}" if done in forms.ACTION_SCHEMAS else ""
    return await _pilot_page(request, key[:60], notice=notice)


@router.post("/brand/pilots/{key}/actions/{action}", response_class=HTMLResponse)
async def act(request: Request, key: str, action: str) -> Response:
    user = page_user(request)
    values = await _checked_form(request)
    if action not in forms.ACTION_SCHEMAS:
        raise DomainError("action_unknown", f"未知的操作“{action}”")
    svc = brand(request)
    try:
        data = action_forms.data_from_form(action, values, await svc.today(), model=forms.ACTION_SCHEMAS[action])
        await svc.act(user, key, action, data)
    except DomainError as e:
        if e.code in ("pilot_unknown", "out_of_scope"):
            raise
        return await _pilot_page(request, key, values=values, failed=action, error=e, status_code=status_of(e.code))
    return RedirectResponse(f"/brand/pilots/{key}?done={action}", status_code=303)


def form_values(data: Any, prefix: str = "f_") -> dict[str, str]:
    """A form's data as the generated form's field values (the inverse of ``data_from_form``)."""
    out: dict[str, str] = {}
    for k, v in (data or {}).items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(form_values(v, name + "."))
        elif isinstance(v, list):
            out[name] = "\n".join(str(x) for x in v)
        elif isinstance(v, bool):
            out[name] = "yes" if v else "no"
        elif isinstance(v, float) and v.is_integer():
            out[name] = str(int(v))
        elif v is not None:
            out[name] = str(v)
    return out


@router.post("/brand/pilots/{key}/summary.xlsx", response_class=HTMLResponse)
async def summary_upload(request: Request, key: str) -> Response:
    """The filled 年度总结报告 workbook fills the summary form (nothing is filed until it is sent)."""
    from starlette.datastructures import UploadFile

    from domain.limits import LIMITS
    from service.brand.xlsx import read_summary_workbook

    page_user(request)
    await _checked_form(request)
    form = await request.form(max_files=1, max_fields=5)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile):
            raise DomainError("attachment_file_missing", "请选择填好的年度总结报告 XLSX 文件")
        data = read_summary_workbook(await upload.read(LIMITS.import_file_bytes + 1))
    except DomainError as e:
        return await _pilot_page(request, key[:60], failed="submit_summary", error=e, status_code=status_of(e.code))
    return await _pilot_page(request, key[:60], values=form_values(data), failed="submit_summary",
                             notice="已读取工作簿，请核对下方表单后提交")


@router.get("/brand/new", response_class=HTMLResponse)
async def new(request: Request) -> HTMLResponse:
    user = page_user(request)
    today = await brand(request).today()
    items = action_forms.items_of(FILE_ACTION, today, {}, model=forms.StartPilotIn)
    return page(request, "brand/new.html", user, items=items, values={"f_application.figures.year": str(today.year - 1)},
                error=None)


@router.post("/brand/new", response_class=HTMLResponse)
async def file(request: Request) -> Response:
    user = page_user(request)
    values = await _checked_form(request)
    svc = brand(request)
    today = await svc.today()
    try:
        data = action_forms.data_from_form(FILE_ACTION, values, today, model=forms.StartPilotIn)
        filed = await svc.file(user, data)
    except DomainError as e:
        items = action_forms.items_of(FILE_ACTION, today, values, model=forms.StartPilotIn)
        return page(request, "brand/new.html", user, status_code=status_of(e.code), items=items, values=values, error=e)
    return RedirectResponse(f"/brand/pilots/{filed.key}?done=revise_application", status_code=303)


@router.get("/brand/batches", response_class=HTMLResponse)
async def batches(request: Request) -> HTMLResponse:
    user = page_user(request)
    from domain.brand.access import check_read_all
    from store.brand import repo

    check_read_all(user)
    svc = brand(request)
    view = await svc.batch_view()
    names = {r.key: r for r in repo.pilots(svc.engine)}
    return page(request, "brand/batches.html", user, view=view, rows=repo.batches(svc.engine), names=names,
                today=await svc.today(), error=None, decisions=forms.DECISION_CHOICES)


@router.post("/brand/batches/hold", response_class=HTMLResponse)
async def hold(request: Request) -> Response:
    user = page_user(request)
    values = await _checked_form(request)
    svc = brand(request)
    decisions = {k[2:]: v for k, v in values.items() if k.startswith("d_") and v}
    data: dict[str, Any] = {"batch_id": values.get("batch_id", ""), "decisions": decisions}
    if values.get("held_on"):
        data["held_on"] = values["held_on"]
    try:
        await svc.hold_batch(user, data)
    except DomainError as e:
        from store.brand import repo

        view = await svc.batch_view()
        names = {r.key: r for r in repo.pilots(svc.engine)}
        return page(request, "brand/batches.html", user, status_code=status_of(e.code), view=view,
                    rows=repo.batches(svc.engine), names=names, today=await svc.today(), error=e,
                    decisions=forms.DECISION_CHOICES)
    return RedirectResponse("/brand/batches", status_code=303)


@router.get("/brand/experiences", response_class=HTMLResponse)
async def experiences(request: Request) -> HTMLResponse:
    user = page_user(request)
    from service.brand.documents import experience_list

    return page(request, "brand/experiences.html", user, items=experience_list(brand(request).engine))


@router.get("/brand/experiences.docx")
async def experiences_docx(request: Request) -> Response:
    page_user(request)
    from service.brand.documents import experience_docx

    svc = brand(request)
    return attachment(experience_docx(svc.engine, await svc.today()), DOCX, "区域品牌建设典型经验推荐名单.docx")


@router.get("/brand/templates/{name}.xlsx")
async def template(request: Request, name: str) -> Response:
    page_user(request)
    from service.brand.xlsx import application_workbook, summary_workbook

    if name == "summary":
        return attachment(summary_workbook(None), XLSX, "年度总结报告.xlsx")
    if name == "application":
        return attachment(application_workbook(None), XLSX, "试点申报书.xlsx")
    raise DomainError("action_unknown", "没有该模板")


__all__ = ["router", "TEMPLATES"]
