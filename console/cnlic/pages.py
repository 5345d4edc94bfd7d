"""The web dashboard: server-rendered Chinese pages over the same ``ConsoleService`` as the
API. A login session (cookie holding a random token; the store keeps its hash) and a
per-session form token on every POST."""

from __future__ import annotations

import hmac
import re
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from console.cnlic import action_forms, downloads, filters, render
from domain.cnlic import labels
from console.cnlic.api import KEY_PATTERN
from console.errors import status_for
from domain.cnlic.access import User
from domain.roles import works_in
from service import programs
from domain.errors import DomainError
from domain.cnlic.machine import ACTIONS
from domain.cnlic.model import Procedure, Role, Stage, TitleStatus
from service.cnlic import todo as todo_service
from service.cnlic.bodies import APPLICATION_ACTIONS, BodiesService
from service.cnlic.console import MAX_WITHIN, ConsoleService
from service.throttle import LoginThrottled
from service.users import UserService, csrf_token
from store.cnlic.readmodel import ClusterFilter, Page

COOKIE = "designation_session"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
TIERS = {"capital": "都", "base": "基地", "town": "乡镇"}


def _label(enum: Any, value: Any) -> str:
    try:
        return enum(value).label if value else "—"
    except ValueError:
        return str(value)


TEMPLATES.env.globals.update(
    stage_label=lambda v: _label(Stage, v),
    title_label=lambda v: _label(TitleStatus, v),
    procedure_label=lambda v: _label(Procedure, v),
    deadline_label=labels.deadline_label,
    role_label=lambda v: _label(Role, v),
    action_label=labels.action_label,
    tier_label=lambda v: TIERS.get(v, v),
    event_label=labels.event_label,
    reason_label=labels.reason_label,
    decision_label=labels.decision_label,
    start_label=labels.start_label,
    STAGES=list(Stage),
    TITLE_STATUSES=list(TitleStatus),
    works_in=works_in,
    program_nav=programs.nav_for,  # the links of programs 2–4 this role works in
)


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


async def nav_todo(request: Request) -> None:
    """The to-do count on the navigation bar, for a signed-in user (issue 10 item 5): program
    1's actions and the items of programs 2–4 (service.programs)."""
    user = _users(request).by_session(request.cookies.get(COOKIE))
    if user is not None:
        count = await todo_service.count(_console(request), user) if works_in(user.role, "cnlic") else 0
        others = await programs.todo_for(request.app.state, user, await _console(request).today())
        request.state.program_todo = others
        request.state.todo_count = count + len(others)


router = APIRouter(include_in_schema=False, dependencies=[Depends(nav_todo)])


def _console(request: Request) -> ConsoleService:
    return request.app.state.console


def _users(request: Request) -> UserService:
    return request.app.state.users


def page_user(request: Request) -> User:
    user = _users(request).by_session(request.cookies.get(COOKIE))
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


def _csrf(request: Request) -> str:
    token = request.cookies.get(COOKIE) or ""
    return csrf_token(token) if token else ""


async def _checked_form(request: Request) -> dict[str, str]:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if not hmac.compare_digest(values.get("csrf", ""), _csrf(request)):
        raise DomainError("csrf_invalid", "表单已过期，请刷新页面后重试")
    return values


def page(request: Request, name: str, user: User | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, {"user": user, "csrf": _csrf(request), "path": request.url.path,
                                                      "todo_count": getattr(request.state, "todo_count", None),
                                                      **context}, status_code=status_code)


FIRST_PAGE = "/todo"  # every user starts at their own work (issue 10); the overview stays at /


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/") and not value.startswith("//") else FIRST_PAGE


# ---------------------------------------------------------------- login


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = FIRST_PAGE) -> HTMLResponse:
    return page(request, "login.html", None, next=_safe_next(next), error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username") or "")[:100]
    password = str(form.get("password") or "")[:200]
    target = _safe_next(str(form.get("next") or FIRST_PAGE))
    address = request.client.host if request.client else None  # the peer: no proxy header is trusted
    try:
        login = _users(request).log_in(username, password, address)
    except LoginThrottled as e:
        response = page(request, "login.html", None, status_code=429, next=target, username=username, error=e.message)
        response.headers["Retry-After"] = str(e.retry_after)
        return response
    if login is None:
        return page(request, "login.html", None, status_code=401, next=target, username=username,
                    error="用户名或密码不正确")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, login.session_token, httponly=True, samesite="lax",
                        secure=request.app.state.secure_cookies, max_age=12 * 3600)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await _checked_form(request)  # a page elsewhere must not be able to log the user out
    _users(request).log_out(request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# ---------------------------------------------------------------- overview and lists


@router.get("/", response_class=HTMLResponse)
async def overview(request: Request) -> HTMLResponse:
    user = page_user(request)
    console = _console(request)
    o = await console.overview(user)
    return page(request, "overview.html", user, overview=o, diagram=render.lifecycle_svg(o.counts),
                today=await console.today())


def _int(value: str | None, default: int | None, lo: int, hi: int) -> int | None:
    if value is None or value == "":
        return default
    try:
        return min(max(int(value), lo), hi)
    except ValueError:
        return default


@router.get("/clusters", response_class=HTMLResponse)
async def clusters(request: Request) -> HTMLResponse:
    user = page_user(request)
    console = _console(request)
    q = request.query_params

    def pick(name: str, allowed: Any = None) -> str | None:
        value = (q.get(name) or "").strip()[:100]
        if not value or (allowed is not None and value not in allowed):
            return None
        return value

    params = {k: v for k, v in q.items() if k != "page" and v}
    f, within, problem, status = ClusterFilter(), None, None, 200
    result = Page(0, 1, 25, [])
    try:  # a bad value is said on the page, never silently dropped (issue 10)
        f = ClusterFilter(stage=filters.choice(q, "stage"), title_status=filters.choice(q, "title_status"),
                          tier=pick("tier"), industry=pick("industry"), province=pick("province"),
                          overdue=filters.yes_no(q, "overdue"), query=pick("q"))
        within = filters.integer(q, "within", 0, MAX_WITHIN)
        number = filters.integer(q, "page", 1, 100000) or 1
        result = await console.clusters(user, f, within, number, 25)
    except DomainError as e:
        if e.code not in ("invalid_filter", "page_out_of_range", "invalid_data"):
            raise
        problem, status = e.message, status_for(e.code)
    overdue_items = console.overdue_of(result)
    return page(request, "clusters.html", user, status_code=status, result=result, f=f, within=within,
                overdue=q.get("overdue") or "", facets=console.facets(user), query=params, problem=problem,
                overdue_items=overdue_items, page_url=lambda n: "/clusters?" + urlencode({**params, "page": n}))


@router.get("/radar", response_class=HTMLResponse)
async def radar(request: Request) -> HTMLResponse:
    user = page_user(request)
    console = _console(request)
    q = request.query_params
    within, overdue_only, problem, status, total, items = None, False, None, 200, 0, []
    try:
        within = filters.integer(q, "within", 0, MAX_WITHIN)
        overdue_only = bool(filters.yes_no(q, "overdue"))
        total, items = await console.radar(user, within, overdue_only, limit=500)
    except DomainError as e:
        if e.code not in ("invalid_filter", "invalid_data"):
            raise
        problem, status = e.message, status_for(e.code)
    return page(request, "radar.html", user, status_code=status, total=total, items=items, within=within,
                overdue_only=overdue_only, problem=problem, today=await console.today())


# ---------------------------------------------------------------- one cluster


async def _cluster_page(request: Request, user: User, key: str, status_code: int = 200,
                        error: DomainError | None = None, failed_action: str | None = None,
                        values: dict[str, str] | None = None, done: str | None = None) -> HTMLResponse:
    console = _console(request)
    detail = await console.cluster(user, key)
    today = detail.view.today
    form_specs = []
    for action in detail.actions:  # each form generated from the action's schema; prefills from this cluster only
        shown = values if values is not None and failed_action == action else \
            action_forms.prefill(action, detail.view, user, _owed_year(detail), today)
        items = action_forms.items_of(action, today, shown)
        if action == "record_site_report":  # 附件四: the approved panel's choices, the record's figures
            from console.cnlic.annexes import site_report_form
            items, shown = await site_report_form(console, detail.view, items, shown, failed_action != action)
        elif action in ("file_application", "file_reevaluation", "file_rectification_review", "file_title_change"):
            from console.cnlic.annexes import filing_form  # 附件三: 表二's years, a re-evaluation's record prefilled
            items, shown = await filing_form(console, detail.view, action, items, shown, failed_action != action)
        if action in APPLICATION_ACTIONS:  # RULES.md "Bodies": the directory's bodies for this cluster
            p = detail.view.profile
            offered = BodiesService(console.engine).choices(p.industry, p.region.province)
            items = action_forms.with_body_choices(items, {e.name: e.describe() for e in offered},
                                                   {e.name: e.kind for e in offered})
        form_specs.append((action, (items, shown)))
    return page(request, "cluster.html", user, status_code=status_code, d=detail, v=detail.view,
                forms=form_specs, error=error, failed_action=failed_action, done=done,
                chart=render.timeline_svg(detail.timeline, today), events=list(reversed(detail.timeline)))


def _owed_year(detail: Any) -> int | None:
    years = [d.key.split(":")[1] for d in detail.view.deadlines if d.what == "annual_report" and ":" in d.key]
    return int(min(years)) if years else None


@router.get("/clusters/{key}", response_class=HTMLResponse)
async def cluster(request: Request, key: str) -> HTMLResponse:
    user = page_user(request)
    _check_key(key)
    done = request.query_params.get("done")
    return await _cluster_page(request, user, key, done=done if done in ACTIONS else None)


@router.post("/clusters/{key}/actions/{action}", response_class=HTMLResponse)
async def act(request: Request, key: str, action: str) -> Response:
    user = page_user(request)
    _check_key(key)
    values: dict[str, str] = {}
    try:
        values = await _checked_form(request)
        if action not in action_forms.ACTION_SCHEMAS or action == "hold_meeting":
            raise DomainError("action_unknown", f"未知的操作“{action}”")
        data = action_forms.data_from_form(action, values)
        from console.cnlic.annexes import with_uploaded_annex3  # 附件三 as its workbook, beside the form
        data = await with_uploaded_annex3(request, user, key, action, data)
        await _console(request).act(user, key, action, data)
    except DomainError as e:
        if e.code in ("cluster_unknown", "out_of_scope"):
            raise
        return await _cluster_page(request, user, key, status_for(e.code), e, action, values)
    return RedirectResponse(f"/clusters/{quote(key)}?done={action}", status_code=303)


def _check_key(key: str) -> None:
    if not re.match(KEY_PATTERN, key):
        raise DomainError("cluster_unknown", f"没有编号为 {key[:100]} 的集群")


# ---------------------------------------------------------------- meetings


async def _meetings_page(request: Request, user: User, *, status_code: int = 200, error: DomainError | None = None,
                         result: Any = None, document: Any = None, values: Mapping[str, str] | None = None,
                         failed_meeting: str = "") -> HTMLResponse:
    """The queue and its decisions, and the approvals still waiting for their joint document
    (§三(四)), each meeting with the document's form generated from its schema."""
    console = _console(request)
    today = await console.today()
    pending = await console.meetings_awaiting_document() if user.role in ("secretariat", "leader") else []
    forms = {m.meeting_id: action_forms.items_of("record_joint_document", today,
                                                 values if failed_meeting == m.meeting_id else None)
             for m in pending}
    return page(request, "meetings.html", user, status_code=status_code, waiting=await console.waiting(user),
                error=error, result=result, today=today, pending=pending, document_forms=forms, document=document,
                document_values=values or {}, failed_meeting=failed_meeting)


@router.get("/meetings", response_class=HTMLResponse)
async def meetings(request: Request) -> HTMLResponse:
    return await _meetings_page(request, page_user(request))


@router.post("/meetings/document", response_class=HTMLResponse)
async def record_joint_document(request: Request) -> HTMLResponse:
    user = page_user(request)
    values: dict[str, str] = {}
    try:
        values = await _checked_form(request)
        data = action_forms.data_from_form("record_joint_document", values)
        data["meeting_id"] = values.get("meeting_id", "")
        result = await _console(request).record_joint_document(user, data)
    except DomainError as e:
        return await _meetings_page(request, user, status_code=status_for(e.code), error=e, values=values,
                                    failed_meeting=values.get("meeting_id", ""))
    return await _meetings_page(request, user, document=result)


@router.post("/meetings", response_class=HTMLResponse)
async def hold_meeting(request: Request) -> HTMLResponse:
    user = page_user(request)
    console = _console(request)
    try:
        values = await _checked_form(request)
        decisions = {k.removeprefix("d_"): v for k, v in values.items() if k.startswith("d_") and v}
        result = await console.hold_meeting(user, {"decisions": decisions, "held_on": values.get("held_on") or None,
                                                   "notes": values.get("notes", "")})
    except DomainError as e:
        return await _meetings_page(request, user, status_code=status_for(e.code), error=e)
    return await _meetings_page(request, user, result=result)


# ---------------------------------------------------------------- downloads


@router.get("/downloads", response_class=HTMLResponse)
async def downloads_page(request: Request) -> HTMLResponse:
    user = page_user(request)
    console = _console(request)
    return page(request, "downloads.html", user, years=console.recognition_years(),
                sheets=console.score_sheets(user))


@router.get("/downloads/recognition-{year}.{fmt}")
async def download_recognition(request: Request, year: int, fmt: str) -> Response:
    user = page_user(request)
    rec = _console(request).recognition(user, year)
    if fmt == "xlsx":
        return _file(downloads.recognition_xlsx(rec), downloads.XLSX, f"recognition-{year}.xlsx")
    if fmt == "csv":
        return _file(downloads.recognition_csv(rec), downloads.CSV, f"recognition-{year}.csv")
    raise DomainError("action_unknown", f"不支持的格式“{fmt}”，应为 xlsx 或 csv")


@router.get("/downloads/score-sheets.{fmt}")
async def download_scores(request: Request, fmt: str) -> Response:
    user = page_user(request)
    key = request.query_params.get("cluster") or None
    if key is not None:
        _check_key(key)
    sheets = _console(request).score_sheets(user, key)
    name = f"score-sheets-{key}" if key else "score-sheets"
    if fmt == "xlsx":
        return _file(downloads.score_xlsx(sheets), downloads.XLSX, f"{name}.xlsx")
    if fmt == "csv":
        return _file(downloads.score_csv(sheets), downloads.CSV, f"{name}.csv")
    raise DomainError("action_unknown", f"不支持的格式“{fmt}”，应为 xlsx 或 csv")


def _file(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})



# ---------------------------------------------------------------- audit (every read is journaled)


@router.get("/audit", response_class=HTMLResponse)
async def audit_overview(request: Request) -> HTMLResponse:
    user = page_user(request)
    reports = await _console(request).verify_all(user)
    return page(request, "audit.html", user, reports=reports, report=None, key=None)


@router.get("/audit/{key}", response_class=HTMLResponse)
async def audit_cluster(request: Request, key: str) -> HTMLResponse:
    user = page_user(request)
    _check_key(key)
    report = await _console(request).audit(user, key)
    return page(request, "audit.html", user, reports=None, report=report, key=key)


@router.get("/audit/{key}/evidence.zip")
async def audit_evidence(request: Request, key: str) -> Response:
    user = page_user(request)
    _check_key(key)
    return _file(await _console(request).evidence(user, key), "application/zip", f"evidence-{key}.zip")
