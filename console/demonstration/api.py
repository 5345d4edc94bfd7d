"""Program 2's API: one route per step with its typed body (OpenAPI shows each schema with its
Chinese titles), the rounds and candidates with their eligibility evidence, the commendation
DOCX, the 推荐表 indicators XLSX both ways, attachments, and a violation on a program-1 cluster.
Thin: parse, call ``service.demonstration.rounds``, render."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from console.cnlic import api as base
from console.schema_route import refusing_route
from domain.errors import DomainError
from domain.limits import LIMITS
from service.demonstration import actions as schemas
from service.demonstration.rounds import RoundService

def _parse(path: str, body: Any) -> None:
    """The step's own schema re-judges a body FastAPI refused, so the refusal is one Chinese line."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if last == "violations":
        schemas.parse("record_violation", body)
    elif last == "rounds":
        schemas.parse("open", body)
    elif last in schemas.STEP_SCHEMAS:
        schemas.parse(last, body)


router = APIRouter(prefix="/api", tags=["创新升级示范评选"],
                   route_class=refusing_route(_parse, "请求数据不符合该步骤的格式"))
# multipart bodies (a workbook, an attachment) are not re-read as JSON: a router of their own
files_router = APIRouter(prefix="/api", tags=["创新升级示范评选"])
RoundKey = Annotated[str, Path(pattern=base.KEY_PATTERN, description="评选编号")]
ClusterKey = Annotated[str, Path(pattern=base.KEY_PATTERN, description="集群编号")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TOO_LARGE = {413: {"model": base.ErrorOut, "description": "文件超过大小上限"}}


def rounds_of(request: Request) -> RoundService:
    console = request.app.state.console
    lc = console.lifecycle
    return RoundService(lc.client, console.engine, task_queue=lc.task_queue, now=getattr(lc, "_now", None))


class DemonstrationRoundOut(BaseModel):
    key: str
    title: str
    stage: str
    opened_on: str
    conference_on: str
    recommendation_deadline: str
    valid_titles: int
    cap: int
    quotas: dict[str, Any]
    counted: list[str]
    snapshot: dict[str, Any]


class CandidateOut(BaseModel):
    cluster_key: str
    industry: str
    association: str
    recommended_on: str
    eligible: bool
    failed: list[str]
    eligibility: dict[str, Any]
    form: dict[str, Any]
    publicity: dict[str, Any] | None
    reviewed: bool | None
    review_reason: str
    yes: int | None
    no: int | None
    abstain: int | None
    passed: bool | None
    removed_by: str
    approved: bool
    honoured: bool


class DemonstrationRoundDetailOut(DemonstrationRoundOut):
    candidates: list[CandidateOut]
    live: dict[str, Any] | None


class StepOut(BaseModel):
    action: str
    stage: str
    events: list[dict[str, Any]]


class OpenedOut(BaseModel):
    key: str
    workflow_id: str
    valid_titles: int
    cap: int


def round_out(row: Any) -> dict[str, Any]:
    return {"key": row.key, "title": row.title, "stage": row.stage, "opened_on": row.opened_on.isoformat(),
            "conference_on": row.conference_on.isoformat(),
            "recommendation_deadline": row.recommendation_deadline.isoformat(), "valid_titles": row.valid_titles,
            "cap": row.cap, "quotas": dict(row.quotas), "counted": list(row.counted), "snapshot": dict(row.snapshot)}


def candidate_out(c: Any) -> CandidateOut:
    return CandidateOut(**{k: getattr(c, k) for k in CandidateOut.model_fields if k != "recommended_on"},
                        recommended_on=c.recommended_on.isoformat())


@router.get("/demonstration/rounds", response_model=list[DemonstrationRoundOut], summary="评选列表",
            responses=base.responses(401, 403))
async def list_rounds(request: Request, user: base.UserDep) -> list[DemonstrationRoundOut]:
    return [DemonstrationRoundOut(**round_out(r)) for r in rounds_of(request).rounds(user)]


@router.post("/demonstration/rounds", response_model=OpenedOut, status_code=201, summary="开始评选（综合业务部）",
             responses=base.responses(400, 401, 403, 409, 422, 503))
async def open_round(request: Request, body: schemas.OpenRound, user: base.UserDep) -> OpenedOut:
    o = await rounds_of(request).open(body.model_dump(mode="json"), user)
    return OpenedOut(key=o.key, workflow_id=o.workflow_id, valid_titles=o.valid_titles, cap=o.cap)


@router.get("/demonstration/rounds/{key}", response_model=DemonstrationRoundDetailOut, summary="一轮评选：候选集群与申报条件的依据",
            responses=base.responses(401, 403, 404))
async def show_round(request: Request, key: RoundKey, user: base.UserDep) -> DemonstrationRoundDetailOut:
    service = rounds_of(request)
    row = service.round(key, user)
    live = await service.view(key) if row.stage != "commended" else None
    return DemonstrationRoundDetailOut(**round_out(row), candidates=[candidate_out(c) for c in service.candidates(key, user)],
                          live=live)


@router.get("/demonstration/rounds/{key}/candidates/{cluster}", response_model=CandidateOut,
            summary="候选集群：推荐表、申报条件及依据", responses=base.responses(401, 403, 404))
async def show_candidate(request: Request, key: RoundKey, cluster: ClusterKey, user: base.UserDep) -> CandidateOut:
    return candidate_out(rounds_of(request).candidate(key, cluster, user))


def _step_route(action: str, model: type[BaseModel]) -> None:
    from domain.demonstration.labels import action_label

    async def step(request: Request, key: RoundKey, body: model, user: base.UserDep) -> StepOut:  # type: ignore[valid-type]
        result = await rounds_of(request).act(key, action, body.model_dump(mode="json", exclude_unset=True), user)
        return StepOut(action=result.action, stage=result.stage,
                       events=[{"seq": e.seq, "on": e.on.isoformat(), "kind": e.kind, "data": e.data} for e in result.events])

    step.__name__ = f"step_{action}"
    router.post(f"/demonstration/rounds/{{key}}/{action}", response_model=StepOut, summary=action_label(action),
                responses=base.responses(400, 401, 403, 404, 409, 422, 503))(step)


for _action, _model in schemas.STEP_SCHEMAS.items():
    _step_route(_action, _model)


@router.post("/clusters/{key}/violations", summary="记录违规违法事件（共建集群的记录，综合业务部）",
             responses=base.responses(400, 401, 403, 404, 409, 422, 503))
async def record_violation(request: Request, key: base.KeyPath, body: schemas.Violation,
                           user: base.UserDep) -> dict[str, Any]:
    result = await rounds_of(request).record_violation(key, body.model_dump(mode="json"), user)
    return {"events": [{"seq": e.seq, "on": e.on.isoformat(), "kind": e.kind, "data": e.data} for e in result.events]}


@router.get("/demonstration/rounds/{key}/commendation.docx", response_class=Response, summary="表彰名单 DOCX",
            responses=base.responses(401, 403, 404, 409))
async def commendation(request: Request, key: RoundKey, user: base.UserDep) -> Response:
    from service.demonstration.documents import commendation_docx

    service = rounds_of(request)
    return base.file_response(commendation_docx(service.engine, service.round(key, user)), DOCX,
                              f"commendation-{key}.docx")


@router.get("/demonstration/indicators.xlsx", response_class=Response, summary="推荐表“主要指标”XLSX 模板",
            responses=base.responses(401))
async def indicators_template(user: base.UserDep) -> Response:
    from service.demonstration.indicators_xlsx import template

    return base.file_response(template(), XLSX, "recommendation-indicators.xlsx")


@files_router.post("/demonstration/indicators", summary="读取填好的“主要指标”XLSX，返回推荐表的 indicators",
             responses={**base.responses(400, 401, 422), **TOO_LARGE})
async def indicators_read(file: UploadFile, user: base.UserDep) -> dict[str, Any]:
    from service.demonstration.indicators_xlsx import read

    content = await file.read(LIMITS.import_file_bytes + 1)
    base_year, indicators = read(content)
    return {"base_year": base_year, "indicators": indicators}


@files_router.post("/demonstration/rounds/{key}/candidates/{cluster}/attachments", summary="上传推荐材料附件",
             responses={**base.responses(400, 401, 403, 404, 409, 422, 503), **TOO_LARGE})
async def upload(request: Request, key: RoundKey, cluster: ClusterKey, file: UploadFile, user: base.UserDep,
                 note: str = "") -> dict[str, Any]:
    if file.size is not None and file.size > LIMITS.attachment_bytes:
        raise DomainError("attachment_too_large", f"附件超过 {LIMITS.attachment_bytes // 1024 // 1024} MiB")
    content = await file.read(LIMITS.attachment_bytes + 1)
    return await rounds_of(request).upload(key, cluster, file.filename or "", content, note, user)
