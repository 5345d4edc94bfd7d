"""Program 2's pages (Chinese, server-rendered, the platform's shell, session and form token):
the rounds (and the form that opens one), a round with its candidates and their eligibility,
the first-review list, the vote sheet, the notice and its objections, the forms of the steps
the user may take now (generated from the step schemas), a candidate with the evidence of
every condition, its 推荐表 and attachments, and the association's recommendation form (the
indicator part also as XLSX). A violation on a program-1 cluster is recorded from its page."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Mapping
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from console.cnlic import action_forms
from console.cnlic.api import KEY_PATTERN
from console.cnlic.pages import TEMPLATES, _checked_form, nav_todo, page, page_user
from console.demonstration.api import DOCX, XLSX, rounds_of
from console.errors import status_for
from domain.demonstration import labels
from domain.demonstration.clocks import CLOCKS
from domain.demonstration.eligibility import CONDITIONS
from domain.demonstration.policy import DEMONSTRATION_2017 as POLICY
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.roles import User
from service.demonstration import actions as schemas

router = APIRouter(include_in_schema=False, dependencies=[Depends(nav_todo)])
FORM_SCHEMAS = {**schemas.STEP_SCHEMAS, "open": schemas.OpenRound, "record_violation": schemas.Violation}
# steps with a page of their own (recommend) or none (attach: on the candidate's page)
OWN_PAGE = ("recommend", "attach")
NEWS_ROWS = POLICY.news_max

TEMPLATES.env.globals.update(
    dm_stage=labels.stage_label,
    dm_action=labels.action_label,
    dm_event=labels.event_label,
    dm_clock=labels.clock_label,
    dm_reason=labels.reason_label,
    dm_condition=labels.condition_label,
    dm_status=labels.status_label,
    dm_conditions=CONDITIONS,
    dm_indicators=POLICY.indicators,
)


def _key(value: str, what: str = "round") -> str:
    if not re.match(KEY_PATTERN, value):
        raise DomainError("round_unknown" if what == "round" else "candidate_unknown", f"编号 {value[:100]} 无效")
    return value


# ---------------------------------------------------------------- the rounds


@router.get("/demonstration", response_class=HTMLResponse)
async def rounds_page(request: Request) -> HTMLResponse:
    user = page_user(request)
    return await _rounds_page(request, user)


async def _rounds_page(request: Request, user: User, status_code: int = 200, error: DomainError | None = None,
                       values: Mapping[str, str] | None = None) -> HTMLResponse:
    service = rounds_of(request)
    rows = service.rounds(user)
    today = await service.today()
    form = None
    if user.role == "secretariat":
        shown = dict(values) if values is not None else {
            "f_recommendation_deadline": (today + timedelta(days=30)).isoformat(),
            "f_conference_on": (today + timedelta(days=90)).isoformat()}
        form = (action_forms.items_of("open", today, shown, FORM_SCHEMAS), shown)
    return page(request, "demonstration_rounds.html", user, status_code=status_code, rounds=rows, form=form,
                error=error, today=today)


@router.post("/demonstration/rounds", response_class=HTMLResponse)
async def open_from_page(request: Request) -> Response:
    user = page_user(request)
    values: dict[str, str] = {}
    try:
        values = await _checked_form(request)
        data = action_forms.data_from_form("open", values, schemas=FORM_SCHEMAS)
        opened = await rounds_of(request).open(data, user)
    except DomainError as e:
        return await _rounds_page(request, user, status_for(e.code), e, values)
    return RedirectResponse(f"/demonstration/rounds/{quote(opened.key)}?done=open", status_code=303)


# ---------------------------------------------------------------- one round


@router.get("/demonstration/rounds/{key}", response_class=HTMLResponse)
async def round_page(request: Request, key: str) -> HTMLResponse:
    user = page_user(request)
    done = request.query_params.get("done")
    return await _round_page(request, user, _key(key), done=done if done in FORM_SCHEMAS else None)


def _choices_for(action: str, row: Any, cands: list[Any], live: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    snap = row.snapshot or {}
    if action == "review":
        return {"f_cluster_key": {c.cluster_key: f"{c.cluster_key}（{'符合' if c.eligible else '不符合'}申报条件）"
                                  for c in cands if c.reviewed is None}}
    if action == "record_objection":
        return {"f_cluster_key": {k: k for k in snap.get("proposed") or []}}
    if action == "resolve_objection":
        return {"f_objection_id": {o["id"]: f"{o['id']}：{o['cluster_key']} — {o['text'][:30]}"
                                   for o in snap.get("objections") or [] if o.get("upheld") is None}}
    return {}


def _prefill(action: str, row: Any, cands: list[Any], today: date) -> dict[str, str]:
    values: dict[str, str] = {}
    if action == "record_vote":  # the vote sheet: one row per cluster of the first-review list
        for i, c in enumerate(c for c in cands if c.reviewed):
            values[f"f_votes.{i}.cluster_key"] = c.cluster_key
    elif action == "publish_notice":
        values["f_published_on"] = today.isoformat()
    elif action == "record_objection":
        values["f_received_on"] = today.isoformat()
    elif action == "commend":
        values["f_held_on"] = min(today, row.conference_on).isoformat()
    elif action == "set_quotas":
        for i, (name, quota) in enumerate(row.quotas.items()):
            values[f"f_quotas.{i}.association"], values[f"f_quotas.{i}.quota"] = name, str(quota)
    return values


def with_choices(items: list[Any], choices: Mapping[str, Mapping[str, str]]) -> list[Any]:
    return [replace(it, kind="select", choices=dict(choices[it.name])) if getattr(it, "name", "") in choices
            and not hasattr(it, "rows") else it for it in items]


async def _round_page(request: Request, user: User, key: str, status_code: int = 200, error: DomainError | None = None,
                      failed: str | None = None, values: Mapping[str, str] | None = None,
                      done: str | None = None) -> HTMLResponse:
    service = rounds_of(request)
    row = service.round(key, user)
    cands = service.candidates(key, user)
    live = await service.view(key) if row.stage != "commended" else None
    today = await service.today()
    allowed = [a for a in ((live or {}).get("allowed") or {}).get(user.role, []) if a not in OWN_PAGE]
    forms = []
    for action in allowed:
        shown = dict(values) if values is not None and failed == action else _prefill(action, row, cands, today)
        items = with_choices(action_forms.items_of(action, today, shown, FORM_SCHEMAS),
                             _choices_for(action, row, cands, live or {}))
        forms.append((action, (items, shown)))
    may_recommend = "recommend" in ((live or {}).get("allowed") or {}).get(user.role, [])
    from store.cnlic.lifecycle import journal

    events = list(reversed(journal(service.engine, f"demonstration.{key}")))
    return page(request, "demonstration_round.html", user, status_code=status_code, r=row, snap=row.snapshot or {},
                cands=cands, live=live, forms=forms, error=error, failed=failed, done=done, today=today,
                may_recommend=may_recommend, events=events, clocks=CLOCKS)


@router.post("/demonstration/rounds/{key}/actions/{action}", response_class=HTMLResponse)
async def act_from_page(request: Request, key: str, action: str) -> Response:
    user = page_user(request)
    key = _key(key)
    values: dict[str, str] = {}
    try:
        values = await _checked_form(request)
        if action not in schemas.STEP_SCHEMAS or action in OWN_PAGE:
            raise DomainError("action_unknown", f"评选没有“{action}”这一步")
        data = action_forms.data_from_form(action, values, schemas=FORM_SCHEMAS)
        await rounds_of(request).act(key, action, data, user)
    except DomainError as e:
        if e.code in ("round_unknown", "not_in_program"):
            raise
        return await _round_page(request, user, key, status_for(e.code), e, action, values)
    return RedirectResponse(f"/demonstration/rounds/{quote(key)}?done={action}", status_code=303)


@router.get("/demonstration/rounds/{key}/commendation.docx")
async def commendation_docx(request: Request, key: str) -> Response:
    from service.demonstration.documents import commendation_docx as render

    user = page_user(request)
    service = rounds_of(request)
    content = render(service.engine, service.round(_key(key), user))
    return Response(content, media_type=DOCX, headers={
        "Content-Disposition": f"attachment; filename=\"commendation-{key}.docx\"; "
                               f"filename*=UTF-8''{quote(f'表彰名单-{key}.docx', safe='')}"})


# ---------------------------------------------------------------- recommendation (the association's form)


def recommend_items(today: date, shown: Mapping[str, str], choices: Mapping[str, str]) -> list[Any]:
    items = with_choices(action_forms.items_of("recommend", today, shown, FORM_SCHEMAS), {"f_cluster_key": choices})
    out = []
    for it in items:  # the publicity pack is optional: the schema, not the browser, says what a started one lacks
        if getattr(it, "name", "").startswith("f_publicity") and hasattr(it, "rows"):
            it = replace(it, rows=tuple((label, tuple(replace(i, required=False) for i in row)) for label, row in it.rows))
        out.append(it)
    return out


def recommend_prefill(user: User, today: date) -> dict[str, str]:
    values = {"f_form.filled_on": today.isoformat(), "f_form.base_year": str(today.year - 1)}
    for i in range(NEWS_ROWS):  # 有关宣传资料 三、: room for 5–10 news items
        values.setdefault(f"f_publicity.news.{i}.title", "")
    return values


def recommend_data(values: Mapping[str, str], today: date) -> dict[str, Any]:
    """The form's data: the generated fields, the indicator table, the publicity pack only when
    something of it was filled in."""
    data = action_forms.data_from_form("recommend", values, today, FORM_SCHEMAS)
    indicators: dict[str, dict[str, float]] = {}
    for ind in POLICY.indicators:
        entry: dict[str, float] = {}
        for part in ("value", "share"):
            raw = (values.get(f"f_ind.{ind.key}.{part}") or "").strip()
            if not raw:
                continue
            try:
                entry[part] = float(raw)
            except ValueError:
                raise DomainError("invalid_data", f"“{ind.label}”应为数字，收到“{raw[:20]}”") from None
        if entry:
            indicators[ind.key] = entry
    data.setdefault("form", {})["indicators"] = indicators
    pub = data.get("publicity")
    if isinstance(pub, dict) and not any(v not in (None, "", [], {}) for v in pub.values()):
        data.pop("publicity")
    return data


async def _recommend_page(request: Request, user: User, key: str, status_code: int = 200,
                          error: DomainError | None = None, values: Mapping[str, str] | None = None,
                          note: str = "") -> HTMLResponse:
    service = rounds_of(request)
    row = service.round(key, user)
    today = await service.today()
    shown = dict(values) if values is not None else recommend_prefill(user, today)
    choices = service.cobuilt_choices(row, user)
    return page(request, "demonstration_recommend.html", user, status_code=status_code, r=row,
                items=recommend_items(today, shown, choices), values=shown, error=error, note=note,
                choices=choices)


@router.get("/demonstration/rounds/{key}/recommend", response_class=HTMLResponse)
async def recommend_page(request: Request, key: str) -> HTMLResponse:
    user = page_user(request)
    return await _recommend_page(request, user, _key(key))


@router.post("/demonstration/rounds/{key}/recommend", response_class=HTMLResponse)
async def recommend_from_page(request: Request, key: str) -> Response:
    user = page_user(request)
    key = _key(key)
    values: dict[str, str] = {}
    service = rounds_of(request)
    try:
        values = await _checked_form(request)
        data = recommend_data(values, await service.today())
        await service.act(key, "recommend", data, user)
    except DomainError as e:
        if e.code in ("round_unknown", "not_in_program"):
            raise
        return await _recommend_page(request, user, key, status_for(e.code), e, values)
    cluster = str(data.get("cluster_key"))
    return RedirectResponse(f"/demonstration/rounds/{quote(key)}/candidates/{quote(cluster)}?done=recommend",
                            status_code=303)


@router.get("/demonstration/indicators.xlsx")
async def indicators_template(request: Request) -> Response:
    from service.demonstration.indicators_xlsx import template

    page_user(request)
    return Response(template(), media_type=XLSX, headers={
        "Content-Disposition": "attachment; filename=\"recommendation-indicators.xlsx\"; "
                               f"filename*=UTF-8''{quote('推荐表-主要指标.xlsx', safe='')}"})


@router.post("/demonstration/rounds/{key}/recommend/indicators", response_class=HTMLResponse)
async def indicators_upload(request: Request, key: str) -> HTMLResponse:
    """The filled 主要指标 workbook fills the form's indicator table (the rest is kept)."""
    from service.demonstration.indicators_xlsx import read

    user = page_user(request)
    key = _key(key)
    form = await request.form(max_files=1, max_fields=400)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        await _checked_form_values(request, values)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise DomainError("invalid_data", "请选择填好的“主要指标”XLSX 文件")
        base_year, indicators = read(await upload.read(LIMITS.import_file_bytes + 1))
    except DomainError as e:
        return await _recommend_page(request, user, key, status_for(e.code), e, values)
    values.pop("file", None)
    if base_year:
        values["f_form.base_year"] = str(base_year)
    for k, entry in indicators.items():
        for part, v in entry.items():
            values[f"f_ind.{k}.{part}"] = f"{v:g}"
    return await _recommend_page(request, user, key, values=values, note="已从工作簿读取主要指标，请核对后提交")


async def _checked_form_values(request: Request, values: Mapping[str, str]) -> None:
    import hmac

    from console.cnlic.pages import _csrf

    if not hmac.compare_digest(values.get("csrf", ""), _csrf(request)):
        raise DomainError("csrf_invalid", "表单已过期，请刷新页面后重试")


# ---------------------------------------------------------------- one candidate


async def _candidate_page(request: Request, user: User, key: str, cluster: str, status_code: int = 200,
                          error: DomainError | None = None, done: str | None = None) -> HTMLResponse:
    service = rounds_of(request)
    row = service.round(key, user)
    c = service.candidate(key, cluster, user)
    live = await service.view(key) if row.stage != "commended" else None
    may_attach = "attach" in ((live or {}).get("allowed") or {}).get(user.role, []) and (
        user.role != "association" or (row.stage == "recommendation" and c.industry in user.industries))
    return page(request, "demonstration_candidate.html", user, status_code=status_code, r=row, c=c,
                attachments=service.attachments(key, cluster, user), may_attach=may_attach, error=error, done=done,
                max_mib=LIMITS.attachment_bytes // 1024 // 1024)


@router.get("/demonstration/rounds/{key}/candidates/{cluster}", response_class=HTMLResponse)
async def candidate_page(request: Request, key: str, cluster: str) -> HTMLResponse:
    user = page_user(request)
    done = request.query_params.get("done")
    return await _candidate_page(request, user, _key(key), _key(cluster, "candidate"),
                                 done=done if done in ("recommend", "attach") else None)


@router.post("/demonstration/rounds/{key}/candidates/{cluster}/attachments", response_class=HTMLResponse)
async def attach_from_page(request: Request, key: str, cluster: str) -> Response:
    user = page_user(request)
    key, cluster = _key(key), _key(cluster, "candidate")
    try:
        form = await request.form(max_files=1, max_fields=10)
        await _checked_form_values(request, {k: v for k, v in form.items() if isinstance(v, str)})
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise DomainError("attachment_file_missing", "请选择要上传的文件")
        if upload.size is not None and upload.size > LIMITS.attachment_bytes:
            raise DomainError("attachment_too_large", f"附件超过 {LIMITS.attachment_bytes // 1024 // 1024} MiB")
        note = form.get("note")
        await rounds_of(request).upload(key, cluster, upload.filename or "", await upload.read(LIMITS.attachment_bytes + 1),
                                        note if isinstance(note, str) else "", user)
    except DomainError as e:
        if e.code in ("round_unknown", "candidate_unknown"):
            raise
        return await _candidate_page(request, user, key, cluster, status_for(e.code), e)
    return RedirectResponse(f"/demonstration/rounds/{quote(key)}/candidates/{quote(cluster)}?done=attach", status_code=303)


@router.get("/demonstration/rounds/{key}/candidates/{cluster}/attachments/{sha256}")
async def download(request: Request, key: str, cluster: str, sha256: str) -> Response:
    user = page_user(request)
    row, data = rounds_of(request).download(_key(key), _key(cluster, "candidate"), sha256[:64], user)
    name = row.data["name"]
    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name)
    return Response(data, media_type=row.data["type"], headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"})


# ---------------------------------------------------------------- a violation on a program-1 cluster


@router.post("/clusters/{key}/violation", response_class=HTMLResponse)
async def violation_from_page(request: Request, key: str) -> Response:
    user = page_user(request)
    key = _key(key, "candidate")
    try:
        values = await _checked_form(request)
        data = action_forms.data_from_form("record_violation", values, schemas=FORM_SCHEMAS)
        await rounds_of(request).record_violation(key, data, user)
    except DomainError as e:
        return page(request, "error.html", user, status_code=status_for(e.code), error=e)
    return RedirectResponse(f"/clusters/{quote(key)}#violations", status_code=303)


def violation_items(today: date) -> list[Any]:
    return action_forms.items_of("record_violation", today, {}, FORM_SCHEMAS)


def honours(request: Request, cluster_key: str) -> list[dict[str, Any]]:
    """The honours program 2 conferred on a program-1 cluster, for its page (the journal's
    ``honour`` rows, whatever the timeline's window)."""
    from store.cnlic.lifecycle import journal

    return [dict(r.data) for r in journal(request.app.state.console.engine, cluster_key) if r.kind == "honour"]


TEMPLATES.env.globals.update(dm_violation_items=violation_items, dm_honours=honours)
