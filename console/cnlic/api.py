"""The HTTP API under ``/api`` (bearer tokens; OpenAPI at ``/openapi.json``). Thin: parse,
authenticate, call one ``ConsoleService`` function, shape the answer. Refusals become
``{code, message}`` with the status from ``console.errors``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from console.cnlic import downloads
from domain.cnlic.access import User, scope_of
from domain.cnlic.machine import ACTIONS
from domain.cnlic.model import Event, Procedure, Stage, TitleStatus
from domain.cnlic import labels
from service.cnlic.console import ConsoleService, OverdueItem, RadarEntry
from service.users import UserService
from store.cnlic.models import Cluster
from store.cnlic.readmodel import ClusterFilter

KEY_PATTERN = r"^[A-Za-z0-9_-]{1,100}$"
CLUSTER_ACTIONS = tuple(a for a in ACTIONS if a != "hold_meeting")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.code, self.message, self.headers = status, code, message, headers


# ---------------------------------------------------------------- shapes


class ErrorOut(BaseModel):
    code: str = Field(description="稳定的规则代码，如 role_not_allowed、action_not_allowed、panel_too_few_senior")
    message: str = Field(description="给人看的中文说明")


class UnprocessableOut(BaseModel):
    """A rule refusal ({code, message}) or FastAPI's own validation error ({detail: [...]})."""

    code: str | None = None
    message: str | None = None
    detail: list[dict[str, Any]] | None = None


class BadRequestOut(BaseModel):
    detail: str = Field(description="请求体无法解析（如不是有效的 JSON）")


class ScopeOut(BaseModel):
    everything: bool
    industries: list[str]
    provinces: list[str]
    clusters: list[str]
    panel_member: str | None


class UserOut(BaseModel):
    username: str
    role: str
    role_label: str
    name: str
    scope: ScopeOut


class ClusterSummary(BaseModel):
    key: str
    name: str
    title: str
    stage: str
    stage_label: str
    procedure: str
    title_status: str
    title_status_label: str
    tier: str
    industry: str
    province: str
    city: str
    county: str
    valid_until: date | None
    next_deadline: date | None
    next_deadline_what: str | None
    overdue: bool
    overdue_items: list["OverdueItemOut"] = Field(default_factory=list, description="已逾期的时限：名称、截止日期、逾期天数")


class OverdueItemOut(BaseModel):
    what: str = Field(description="时限代码")
    what_label: str = Field(description="时限")
    due: date = Field(description="截止日期")
    days_overdue: int = Field(description="已逾期的自然日数")


class ClusterPage(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    items: list[ClusterSummary]


class ActorOut(BaseModel):
    role: str
    name: str


class EventOut(BaseModel):
    seq: int
    on: date
    kind: str
    data: dict[str, Any]
    actor: ActorOut


class DeadlineOut(BaseModel):
    key: str
    what: str
    what_label: str
    due: date
    overdue: bool
    overdue_since: date | None
    days_left: int
    working_days_left: int
    provisional: bool
    calendar_version: str
    basis: str


class ActionOut(BaseModel):
    action: str
    label: str


class PanelMemberOut(BaseModel):
    name: str
    senior: bool
    field: str
    lead: bool


class ClusterDetailOut(BaseModel):
    key: str
    name: str
    title: str
    stage: str
    stage_label: str
    procedure: str
    procedure_label: str
    title_status: str
    title_status_label: str
    valid_until: date | None
    conferred_on: date | None
    expired_on: date | None
    today: date
    cycle: int
    seq: int
    industry: str
    product: str
    tier: str
    province: str
    deadlines: list[DeadlineOut]
    actions: list[ActionOut] = Field(description="此刻本用户可办理的操作")
    supplement_items: list[str]
    outstanding_opinions: list[str]
    panel: list[PanelMemberOut]
    timeline: list[EventOut] = Field(description="最近的事件（至多 300 条，按顺序）；全部事件见审计证据包")
    timeline_total: int = Field(description="该集群日志中的事件总数")
    workflow_id: str
    temporal_url: str | None
    revocation_on: date | None = Field(default=None, description="到期未复评：将在这一天的年度认定中公告取消称号（§四(四)）")


class ActionResultOut(BaseModel):
    action: str
    stage: str
    stage_label: str
    procedure: str
    title_status: str
    valid_until: date | None
    events: list[EventOut]


class RadarItemOut(BaseModel):
    cluster_key: str
    cluster_name: str
    title: str
    stage: str
    key: str
    what: str
    what_label: str
    due: date
    days_left: int
    working_days_left: int
    overdue: bool
    overdue_since: date | None
    provisional: bool


class RadarOut(BaseModel):
    today: date
    total: int
    items: list[RadarItemOut]


class StageCount(BaseModel):
    stage: str
    label: str
    count: int


class OverviewOut(BaseModel):
    total: int
    overdue: int
    stages: list[StageCount]


class WaitingOut(BaseModel):
    cluster_key: str
    since: date
    procedure: str
    title: str


class MeetingOut(BaseModel):
    meeting_id: str
    held_on: date
    decisions: dict[str, str]
    recorded_by: ActorOut
    # decisions the rules refused for one cluster (e.g. score_below_pass, 附件一 备注2): {编号: {code, message}}
    refused: dict[str, dict[str, str]] = {}


class RecognitionEntryOut(BaseModel):
    key: str
    title: str
    province: str
    title_status: str
    valid_until: date | None


class RecognitionOut(BaseModel):
    year: int
    announced_on: date
    recognised: list[RecognitionEntryOut]
    overdue: list[RecognitionEntryOut]
    rectifying: list[RecognitionEntryOut]
    revoked: list[RecognitionEntryOut]


class ScoreSheetOut(BaseModel):
    cluster_key: str
    title: str
    procedure: str
    recorded_on: date
    recorded_by: str
    part1_met: int
    part1: float
    part2_first5_met: int
    part2_vetoes_clear: bool
    part2: float
    part3: float
    part4: float
    total: float
    passed: bool
    recommend: bool
    thresholds: str | None = Field(None, description="核对所用的达标值表版本（录入指标数值时；录入达标项数的打分表为空）")


def _label(enum: Any, value: str | None) -> str:
    try:
        return enum(value).label if value else ""
    except ValueError:
        return str(value)


def summary(c: Cluster, overdue: list[OverdueItem] | None = None) -> ClusterSummary:
    return ClusterSummary(
        overdue_items=[OverdueItemOut(what=o.what, what_label=labels.deadline_label(o.what), due=o.due,
                                      days_overdue=o.days_overdue) for o in overdue or ()],
        key=c.key, name=c.name, title=c.title, stage=c.stage, stage_label=_label(Stage, c.stage), procedure=c.procedure,
        title_status=c.title_status, title_status_label=_label(TitleStatus, c.title_status), tier=c.tier,
        industry=c.industry, province=c.province, city=c.city, county=c.county, valid_until=c.valid_until,
        next_deadline=c.next_deadline, next_deadline_what=c.next_deadline_what, overdue=c.overdue,
    )


def event_out(e: Event) -> EventOut:
    return EventOut(seq=e.seq, on=e.on, kind=e.kind, data=e.data, actor=ActorOut(role=e.actor.role, name=e.actor.name))


def radar_out(e: RadarEntry) -> RadarItemOut:
    return RadarItemOut(**e.__dict__, what_label=labels.deadline_label(e.what))


def user_out(user: User) -> UserOut:
    s = scope_of(user)
    return UserOut(username=user.username, role=user.role, role_label=user.role_label, name=user.name,
                   scope=ScopeOut(everything=s.everything, industries=list(s.industries), provinces=list(s.provinces),
                                  clusters=list(s.clusters), panel_member=s.panel_member))


# ---------------------------------------------------------------- auth

bearer = HTTPBearer(auto_error=False, description="designation user token 生成的令牌")


# async, like the routes: a plain ``def`` dependency is run on the thread pool, two thread
# hand-offs per request that cost more than the token look-up itself (issue 15, row 7)
async def console_of(request: Request) -> ConsoleService:
    return request.app.state.console


async def current_user(request: Request,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> User:
    users: UserService = request.app.state.users
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "需要登录：请在 Authorization 头中提供 Bearer 令牌",
                       {"WWW-Authenticate": "Bearer"})
    user = users.by_token(credentials.credentials)
    if user is None:
        raise ApiError(401, "unauthorized", "令牌无效或已吊销", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return user


UserDep = Annotated[User, Depends(current_user)]
ConsoleDep = Annotated[ConsoleService, Depends(console_of)]
KeyPath = Annotated[str, Path(pattern=KEY_PATTERN, description="集群编号")]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": BadRequestOut, "description": "请求体无法解析"},
    401: {"model": ErrorOut, "description": "未提供或无效的令牌"},
    403: {"model": ErrorOut, "description": "角色或范围不允许"},
    404: {"model": ErrorOut, "description": "没有该集群"},
    409: {"model": ErrorOut, "description": "当前状态不允许"},
    422: {"model": UnprocessableOut, "description": "数据不符合规则（规则代码），或请求格式无效（FastAPI 的 detail）"},
    503: {"model": ErrorOut, "description": "工作流服务不可用"},
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: ERRORS[c] for c in codes}


router = APIRouter(prefix="/api", tags=["console"])


@router.get("/me", response_model=UserOut, responses=responses(401))
async def me(user: UserDep) -> UserOut:
    """当前令牌所属的用户及其范围。"""
    return user_out(user)


@router.get("/overview", response_model=OverviewOut, responses=responses(401))
async def overview(user: UserDep, console: ConsoleDep) -> OverviewOut:
    """各阶段集群数（本用户范围内）。"""
    o = await console.overview(user, radar_size=1)
    return OverviewOut(total=o.total, overdue=o.overdue,
                       stages=[StageCount(stage=s.value, label=s.label, count=o.counts.get(s.value, 0)) for s in Stage])


@router.get("/clusters", response_model=ClusterPage, responses=responses(401, 422))
async def list_clusters(
    user: UserDep,
    console: ConsoleDep,
    stage: Annotated[Stage | None, Query(description="阶段")] = None,
    title_status: Annotated[TitleStatus | None, Query(description="称号状态")] = None,
    tier: Annotated[str | None, Query(max_length=40)] = None,
    industry: Annotated[str | None, Query(max_length=100)] = None,
    province: Annotated[str | None, Query(max_length=50)] = None,
    overdue: bool | None = None,
    within: Annotated[int | None, Query(ge=0, le=1500, description="有时限在 N 个工作日内到期")] = None,
    q: Annotated[str | None, Query(max_length=100, description="编号、名称或称号中的文字")] = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """集群列表（读模型），按范围、筛选条件和分页。"""
    f = ClusterFilter(stage=stage.value if stage else None, title_status=title_status.value if title_status else None,
                      tier=tier or None, industry=industry or None, province=province or None, overdue=overdue,
                      query=q or None)
    p = await console.clusters(user, f, within, page, per_page)
    overdue = console.overdue_of(p)
    body = ClusterPage(total=p.total, page=p.page, per_page=p.per_page, pages=p.pages,
                       items=[summary(c, overdue.get(c.key)) for c in p.items])
    # built and checked by its model just above: serialised once, not validated a second time
    # by FastAPI's response_model (about a quarter of the route's own time at 50 rows, issue 15 row 7)
    return Response(body.model_dump_json(), media_type="application/json")


@router.get("/clusters/{key}", response_model=ClusterDetailOut, responses=responses(401, 403, 404, 503))
async def show_cluster(key: KeyPath, user: UserDep, console: ConsoleDep) -> ClusterDetailOut:
    """一个集群：阶段、称号、有效期、未了时限（含剩余工作日）、本用户此刻可办理的操作、时间线。"""
    d = await console.cluster(user, key)
    v = d.view
    return ClusterDetailOut(
        key=v.key, name=d.row.name, title=v.title, stage=v.stage, stage_label=_label(Stage, v.stage),
        procedure=v.procedure, procedure_label=_label(Procedure, v.procedure), title_status=v.title_status,
        title_status_label=_label(TitleStatus, v.title_status), valid_until=v.valid_until, conferred_on=v.conferred_on,
        expired_on=v.expired_on, today=v.today, cycle=v.cycle, seq=v.seq, industry=v.profile.industry,
        product=v.profile.product, tier=v.profile.tier, province=v.profile.region.province,
        deadlines=[DeadlineOut(key=x.key, what=x.what, what_label=labels.deadline_label(x.what), due=x.due,
                               overdue=x.overdue, overdue_since=x.overdue_since, days_left=x.days_left,
                               working_days_left=d.working_days_left[x.key], provisional=x.provisional,
                               calendar_version=x.calendar_version, basis=x.basis) for x in v.deadlines],
        actions=[ActionOut(action=a, label=labels.action_label(a)) for a in d.actions],
        supplement_items=v.supplement_items, outstanding_opinions=v.outstanding_opinions,
        panel=[PanelMemberOut(name=m.name, senior=m.senior, field=m.field, lead=m.lead) for m in d.panel],
        timeline=[event_out(e) for e in d.timeline], timeline_total=d.timeline_total, workflow_id=d.workflow_id, temporal_url=d.temporal_url,
        revocation_on=d.revocation_on,
    )


# every action has its own documented route (console.cnlic.action_api, matched first); this one
# answers any other action name, out of the schema
@router.post("/clusters/{key}/actions/{action}", response_model=ActionResultOut, include_in_schema=False,
             responses=responses(400, 401, 403, 404, 409, 422, 503))
async def act(
    key: KeyPath,
    action: Annotated[Literal[CLUSTER_ACTIONS], Path(description="操作，与场景文件中的 action 相同")],  # type: ignore[valid-type]
    user: UserDep,
    console: ConsoleDep,
    data: Annotated[dict[str, Any], Body(description="操作数据，与场景文件中的 data 相同",
                                         openapi_examples={"accept": {"value": {}},
                                                           "opinion": {"value": {"text": "同意推荐", "recommend": True}},
                                                           "revoke": {"value": {"reason": "年度检查发现重大质量事故"}}})],
) -> ActionResultOut:
    """办理一项操作：成为该集群工作流的 Update，操作人即本用户。规则拒绝时返回规则代码和中文说明。"""
    r = await console.act(user, key, action, data)
    return ActionResultOut(action=r.action, stage=r.stage, stage_label=_label(Stage, r.stage), procedure=r.procedure,
                           title_status=r.title_status, valid_until=r.valid_until,
                           events=[event_out(e) for e in r.events])


@router.get("/radar", response_model=RadarOut, responses=responses(401, 422))
async def radar(
    user: UserDep,
    console: ConsoleDep,
    within: Annotated[int | None, Query(ge=0, le=1500, description="只看 N 个工作日内到期的")] = None,
    overdue: Annotated[bool, Query(description="只看已逾期的")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1000000)] = 0,
) -> RadarOut:
    """时限雷达：范围内所有未了时限，最早到期的在前，逾期标出。"""
    total, items = await console.radar(user, within, overdue, limit, offset)
    return RadarOut(today=await console.today(), total=total, items=[radar_out(e) for e in items])


@router.get("/meetings/waiting", response_model=list[WaitingOut], responses=responses(401))
async def waiting(user: UserDep, console: ConsoleDep) -> list[WaitingOut]:
    """待会长办公会审核的集群。"""
    return [WaitingOut(cluster_key=w.cluster_key, since=w.since, procedure=w.procedure, title=w.title)
            for w in await console.waiting(user)]


@router.get("/recognitions", response_model=list[int], responses=responses(401))
async def recognition_years(user: UserDep, console: ConsoleDep) -> list[int]:
    """已公布认定名单的年度。"""
    return console.recognition_years()


FILE_RESPONSES = {200: {"content": {"application/json": {}, downloads.XLSX: {}, "text/csv": {}},
                        "description": "JSON，或 format=xlsx / csv 时为文件"}}


@router.get("/recognitions/{year}", response_model=RecognitionOut,
            responses={**FILE_RESPONSES, **responses(401, 404, 422)})
async def recognition(
    year: Annotated[int, Path(ge=2000, le=2200)],
    user: UserDep,
    console: ConsoleDep,
    format: Literal["json", "xlsx", "csv"] = "json",
) -> Any:
    """年度认定名单（认定、到期未复评、整改、取消），仅含本用户范围内的集群。"""
    rec = console.recognition(user, year)
    if format == "xlsx":
        return file_response(downloads.recognition_xlsx(rec), downloads.XLSX, f"recognition-{year}.xlsx")
    if format == "csv":
        return file_response(downloads.recognition_csv(rec), downloads.CSV, f"recognition-{year}.csv")

    def entries(name: str) -> list[RecognitionEntryOut]:
        return [RecognitionEntryOut(key=c.key, title=c.title or c.name, province=c.province,
                                    title_status=c.title_status, valid_until=c.valid_until)
                if isinstance(c, Cluster) else RecognitionEntryOut(key=str(c), title="", province="", title_status="",
                                                                   valid_until=None)
                for c in rec.lists.get(name, [])]

    return RecognitionOut(year=rec.year, announced_on=rec.announced_on, recognised=entries("recognised"),
                          overdue=entries("overdue"), rectifying=entries("rectifying"), revoked=entries("revoked"))


@router.get("/score-sheets", response_model=list[ScoreSheetOut],
            responses={**FILE_RESPONSES, **responses(401, 403, 404, 422)})
async def score_sheets(
    user: UserDep,
    console: ConsoleDep,
    cluster: Annotated[str | None, Query(pattern=KEY_PATTERN, description="只看这个集群")] = None,
    format: Literal["json", "xlsx", "csv"] = "json",
) -> Any:
    """专家组打分表（附件一），仅含本用户范围内的集群。"""
    sheets = console.score_sheets(user, cluster)
    name = f"score-sheets-{cluster}" if cluster else "score-sheets"
    if format == "xlsx":
        return file_response(downloads.score_xlsx(sheets), downloads.XLSX, f"{name}.xlsx")
    if format == "csv":
        return file_response(downloads.score_csv(sheets), downloads.CSV, f"{name}.csv")
    return [ScoreSheetOut(cluster_key=c.key, title=c.title or c.name, procedure=s.procedure, recorded_on=s.recorded_on,
                          recorded_by=s.recorded_by, part1_met=s.part1_met, part1=s.part1,
                          part2_first5_met=s.part2_first5_met, part2_vetoes_clear=s.part2_vetoes_clear, part2=s.part2,
                          part3=s.part3, part4=s.part4, total=s.total, passed=s.passed, recommend=s.recommend,
                          thresholds=s.thresholds)
            for s, c in sheets]


class RunReplayOut(BaseModel):
    run_id: str
    history_events: int
    ok: bool
    error: str = ""


class DifferenceOut(BaseModel):
    seq: int
    field: str
    history: Any = None
    journal: Any = None


class ProblemOut(BaseModel):
    seq: int
    kind: str
    message: str


class VerificationOut(BaseModel):
    cluster_key: str
    ok: bool
    rows: int
    head_seq: int
    first_bad: int | None
    summary: str
    problems: list[ProblemOut]


class AuditOut(BaseModel):
    cluster_key: str
    ok: bool
    deterministic: bool
    agrees: bool
    runs: list[RunReplayOut]
    timeline_events: int
    journal_rows: int
    differences: list[DifferenceOut]
    verification: VerificationOut
    elapsed_ms: float


def verification_out(r: Any) -> VerificationOut:
    return VerificationOut(cluster_key=r.cluster_key, ok=r.ok, rows=r.rows, head_seq=r.head_seq, first_bad=r.first_bad,
                           summary=r.summary(), problems=[ProblemOut(seq=p.seq, kind=p.kind, message=p.message)
                                                          for p in r.problems])


@router.get("/clusters/{key}/audit", response_model=AuditOut, responses=responses(401, 403, 404, 503))
async def audit_cluster(key: KeyPath, user: UserDep, console: ConsoleDep) -> AuditOut:
    """审计一个集群：重放每一次运行、比对历史推导的时间线与日志、校验哈希链（本次查阅也会被记录）。"""
    r = await console.audit(user, key)
    return AuditOut(cluster_key=r.cluster_key, ok=r.ok, deterministic=r.deterministic, agrees=r.agrees,
                    runs=[RunReplayOut(run_id=x.run_id, history_events=x.history_events, ok=x.ok, error=x.error)
                          for x in r.runs],
                    timeline_events=len(r.timeline), journal_rows=r.journal_rows,
                    differences=[DifferenceOut(seq=x.seq, field=x.field, history=x.history, journal=x.journal)
                                 for x in r.differences],
                    verification=verification_out(r.verification), elapsed_ms=r.elapsed_ms)


@router.get("/clusters/{key}/evidence", responses={**responses(401, 403, 404, 503),
                                                    200: {"content": {"application/zip": {}}}})
async def evidence(key: KeyPath, user: UserDep, console: ConsoleDep) -> Response:
    """证据包（zip）：原始事件历史、日志、重放与校验报告、时间线 CSV/XLSX。"""
    pack = await console.evidence(user, key)
    return file_response(pack, "application/zip", f"evidence-{key}.zip")


@router.get("/audit/verify", response_model=list[VerificationOut], responses=responses(401, 403, 503))
async def verify_all(user: UserDep, console: ConsoleDep) -> list[VerificationOut]:
    """校验全部集群的日志哈希链和工作流记录的末端，指出每个集群第一处被改动的行。"""
    return [verification_out(r) for r in await console.verify_all(user)]


def file_response(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class HealthOut(BaseModel):
    status: str


class ReadyOut(BaseModel):
    status: str = Field(description="ready 或 not_ready")
    missing: dict[str, str] = Field(default_factory=dict, description="缺少的部分：store、temporal、worker")


@router.get("/health", response_model=HealthOut, responses={})
async def health() -> HealthOut:
    """存活检查（无需令牌）：本进程在运行。不检查依赖，依赖见 /api/ready。"""
    return HealthOut(status="ok")


@router.get("/ready", response_model=ReadyOut, responses={503: {"model": ReadyOut, "description": "缺少依赖"}})
async def ready(console: ConsoleDep) -> Response:
    """就绪检查（无需令牌）：存储、Temporal 和一个正在轮询任务队列的工作进程都在；缺少时 503 并列出缺少的部分。"""
    missing = await console.readiness()
    body = ReadyOut(status="not_ready" if missing else "ready", missing=missing)
    return JSONResponse(body.model_dump(), status_code=503 if missing else 200,
                        headers={"Retry-After": "5"} if missing else None)

