"""Program 3's pages under ``/guangdong`` (the platform's login, shell and form token):
the zones and rounds, a round's 36 zones, a zone's filing with what this user may do now,
the 考核表 as a real form (and as XLSX both ways), the 年度工作总结, the province's summary with
its chart and workbook, and a zone's history. Thin: read the form, call the service, render."""

from __future__ import annotations


from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from console.cnlic import pages
from console.errors import status_for
from console.guangdong.api import ZONE_PATTERN, form_workbook, xlsx_response
from domain.calendar import parse_date
from domain.errors import DomainError
from domain.guangdong import labels
from domain.guangdong.form import FIELDS, GROUP_LABELS, NAMES, ROWS, TEXT, YESNO, display
from domain.guangdong.summary import SECTION_KEYS, section_titles
from domain.limits import LIMITS
from service.guangdong import reports
from service.guangdong.form_xlsx import read_form
from service.guangdong.rounds import CONTACT_FIELDS, GuangdongService

import re

router = APIRouter(prefix="/guangdong", include_in_schema=False, dependencies=[Depends(pages.nav_todo)])
ZONE_RE = re.compile(ZONE_PATTERN)

pages.TEMPLATES.env.globals.update(
    gd_step_label=labels.step_label, gd_action_label=labels.action_label, gd_event_label=labels.event_label,
    gd_role_label=labels.role_label, gd_display=display,
)


def _svc(request: Request) -> GuangdongService:
    return GuangdongService.of_console(request.app.state.console)


def _check(year: int, zone: str | None = None) -> None:
    if not 2007 <= year <= 2200:
        raise DomainError("round_unknown", f"年度 {year} 无效")
    if zone is not None and not ZONE_RE.match(zone):
        raise DomainError("zone_unknown", "示范区编号格式不符")


def _url(year: int, zone: str, tail: str = "") -> str:
    return f"/guangdong/rounds/{year}/zones/{quote(zone)}{tail}"


@router.get("", response_class=HTMLResponse)
async def index(request: Request) -> Response:
    user = pages.page_user(request)
    svc = _svc(request)
    svc.ensure_zones()
    today = await svc.today()
    return pages.page(request, "guangdong/index.html", user, zones=svc.zones(user), rounds=svc.rounds(),
                      next_year=today.year - 1, error=getattr(request.state, "gd_error", None))


@router.post("/rounds")
async def open_round(request: Request) -> Response:
    user = pages.page_user(request)
    try:
        form = await pages._checked_form(request)
        try:
            year = int(form.get("data_year", ""))
        except ValueError:
            raise DomainError("round_year_invalid", "数据年度应为四位数的年份") from None
        due = parse_date(form["due"], "截止日期") if form.get("due") else None
        await _svc(request).open_round(user, year, due)
    except DomainError as e:
        if e.code == "csrf_invalid":
            raise
        request.state.gd_error = e
        response = await index(request)
        response.status_code = status_for(e.code)
        return response
    return RedirectResponse(f"/guangdong/rounds/{year}?opened=1", status_code=303)


@router.get("/rounds/{year}", response_class=HTMLResponse)
async def round_page(request: Request, year: int) -> Response:
    user = pages.page_user(request)
    _check(year)
    svc = _svc(request)
    r = svc.round_of(year)
    filings = svc.filings(user, year)
    counts: dict[str, int] = {}
    for _, f in filings:
        if f is not None:
            counts[f.step] = counts.get(f.step, 0) + 1
    return pages.page(request, "guangdong/round.html", user, round=r, filings=filings, counts=counts,
                      opened=request.query_params.get("opened"))


async def _filing_page(request: Request, user: Any, year: int, zone: str, status: int = 200, **extra: Any) -> Response:
    d = _svc(request).filing(user, year, zone)
    return pages.page(request, "guangdong/filing.html", user, status_code=status, d=d, year=year, rows=ROWS,
                      group_labels=GROUP_LABELS, titles=section_titles(year), section_keys=SECTION_KEYS,
                      contact_fields=CONTACT_FIELDS, done=request.query_params.get("done"),
                      changes={c.key: c for c in d.changes}, **extra)


@router.get("/rounds/{year}/zones/{zone}", response_class=HTMLResponse)
async def filing_page(request: Request, year: int, zone: str) -> Response:
    user = pages.page_user(request)
    _check(year, zone)
    return await _filing_page(request, user, year, zone)


def _form_values(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    values = {f.key: form.get(f"f_{f.key}", "") for f in FIELDS if f"f_{f.key}" in form}
    summary = {k: form.get(f"s_{k}", "") for k in SECTION_KEYS if f"s_{k}" in form}
    contact = {k: form.get(f"c_{k}", "") for k in CONTACT_FIELDS if f"c_{k}" in form}
    return values, summary, contact


@router.get("/rounds/{year}/zones/{zone}/edit", response_class=HTMLResponse)
async def edit_page(request: Request, year: int, zone: str) -> Response:
    user = pages.page_user(request)
    _check(year, zone)
    return await _edit(request, user, year, zone)


async def _edit(request: Request, user: Any, year: int, zone: str, status: int = 200, error: Any = None,
                typed: dict[str, Any] | None = None) -> Response:
    d = _svc(request).filing(user, year, zone)
    if "save_draft" not in d.allowed:
        raise DomainError("action_not_allowed", f"{d.zone.name}的考核材料{labels.step_label(d.row.step) if d.row else '未开启'}，"
                                                "此时不能修改")
    shown = dict(d.values)
    for f in FIELDS:
        v = shown.get(f.key)
        shown[f.key] = "\n".join(v) if isinstance(v, list) else ("" if v is None else v)
    if typed:
        shown.update(typed.get("form", {}))
    summary = {**d.summary, **(typed or {}).get("summary", {})}
    contact = {**d.contact, **(typed or {}).get("contact", {})}
    return pages.page(request, "guangdong/edit.html", user, status_code=status, d=d, year=year, rows=ROWS,
                      group_labels=GROUP_LABELS, titles=section_titles(year), section_keys=SECTION_KEYS,
                      contact_fields=CONTACT_FIELDS, shown=shown, summary=summary, contact=contact, error=error,
                      TEXT=TEXT, NAMES=NAMES, YESNO=YESNO)


@router.post("/rounds/{year}/zones/{zone}/edit", response_class=HTMLResponse)
async def save_edit(request: Request, year: int, zone: str) -> Response:
    user = pages.page_user(request)
    _check(year, zone)
    form = await pages._checked_form(request)
    values, summary, contact = _form_values(form)
    svc = _svc(request)
    try:
        svc.save_draft(user, year, zone, values, summary, contact)
        if form.get("then") == "submit":
            await svc.submit(user, year, zone)
            return RedirectResponse(_url(year, zone, "?done=submit"), status_code=303)
    except DomainError as e:
        if e.code in ("zone_unknown", "out_of_scope", "role_not_allowed"):
            raise
        return await _edit(request, user, year, zone, status_for(e.code), e,
                           {"form": values, "summary": summary, "contact": contact})
    return RedirectResponse(_url(year, zone, "?done=save_draft"), status_code=303)


@router.get("/rounds/{year}/zones/{zone}/form.xlsx")
async def download_form(request: Request, year: int, zone: str) -> Response:
    user = pages.page_user(request)
    _check(year, zone)
    return form_workbook(_svc(request), user, year, zone)


async def _upload(request: Request) -> tuple[bytes, str, dict[str, Any]]:
    await pages._checked_form(request)
    form = await request.form(max_files=2, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise DomainError("attachment_file_missing", "请选择要上传的文件")
    content = await upload.read(LIMITS.attachment_bytes + 1)
    return content, upload.filename, {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/rounds/{year}/zones/{zone}/form.xlsx", response_class=HTMLResponse)
async def upload_form(request: Request, year: int, zone: str) -> Response:
    user = pages.page_user(request)
    _check(year, zone)
    svc = _svc(request)
    try:
        content, _, fields = await _upload(request)
        z = svc.zone(user, zone)
        values, contact = read_form(content, z, year)
        svc.save_draft(user, year, zone, values, None, contact or None)
    except DomainError as e:
        if e.code in ("csrf_invalid", "zone_unknown", "out_of_scope"):
            raise
        return await _filing_page(request, user, year, zone, status_for(e.code), upload_error=e)
    return RedirectResponse(_url(year, zone, "?done=upload_form"), status_code=303)


@router.post("/rounds/{year}/zones/{zone}/attachments", response_class=HTMLResponse)
async def upload_attachment(request: Request, year: int, zone: str) -> Response:
    user = pages.page_user(request)
    _check(year, zone)
    try:
        content, name, fields = await _upload(request)
        await _svc(request).attach(user, year, zone, name, content, fields.get("note", ""))
    except DomainError as e:
        if e.code in ("csrf_invalid", "zone_unknown", "out_of_scope"):
            raise
        return await _filing_page(request, user, year, zone, status_for(e.code), attach_error=e)
    return RedirectResponse(_url(year, zone, "?done=attach"), status_code=303)


@router.post("/rounds/{year}/zones/{zone}/actions/{action}", response_class=HTMLResponse)
async def act(request: Request, year: int, zone: str, action: str) -> Response:
    user = pages.page_user(request)
    _check(year, zone)
    svc = _svc(request)
    try:
        form = await pages._checked_form(request)
        if action == "submit":
            await svc.submit(user, year, zone)
        else:
            data = {k: form[k] for k in ("opinion", "reason", "note") if form.get(k, "").strip()}
            await svc.act(user, year, zone, action, data)
    except DomainError as e:
        if e.code in ("csrf_invalid", "zone_unknown", "out_of_scope"):
            raise
        return await _filing_page(request, user, year, zone, status_for(e.code), action_error=e, failed=action)
    return RedirectResponse(_url(year, zone, f"?done={quote(action)}"), status_code=303)


@router.get("/rounds/{year}/summary", response_class=HTMLResponse)
async def summary_page(request: Request, year: int, field: str = "output") -> Response:
    user = pages.page_user(request)
    _check(year)
    svc = _svc(request)
    svc.round_of(year)
    s = reports.summary(svc.engine, user, year)
    key = field if field in reports.KEY_FIELDS else "output"
    return pages.page(request, "guangdong/summary.html", user, s=s, chart=reports.summary_svg(s, key), field=key)


@router.get("/rounds/{year}/summary.xlsx")
async def summary_xlsx(request: Request, year: int) -> Response:
    user = pages.page_user(request)
    _check(year)
    s = reports.summary(_svc(request).engine, user, year)
    return xlsx_response(reports.summary_xlsx(s), f"summary-{year}.xlsx", f"升级示范区考核汇总-{year}.xlsx")


@router.get("/rounds/{year}/summary.svg")
async def summary_svg(request: Request, year: int, field: str = "output") -> Response:
    user = pages.page_user(request)
    _check(year)
    s = reports.summary(_svc(request).engine, user, year)
    key = field if field in reports.KEY_FIELDS else "output"
    return Response(reports.summary_svg(s, key), media_type="image/svg+xml")


@router.get("/zones/{zone}", response_class=HTMLResponse)
async def zone_page(request: Request, zone: str) -> Response:
    user = pages.page_user(request)
    _check(2007, zone)
    svc = _svc(request)
    z = svc.zone(user, zone)
    return pages.page(request, "guangdong/zone.html", user, z=z, history=svc.history(user, zone),
                      key_fields=[f for f in FIELDS if f.key in reports.KEY_FIELDS])


