"""One API route per staff action (issue 10 item 1): ``POST /api/clusters/{key}/actions/<action>``
with the action's own schema (``service.cnlic.actions``) as its request body, so OpenAPI documents
every action's data with Chinese titles. Each route calls the same ``ConsoleService.act``;
the URLs are the ones clients already use (``console.cnlic.api``'s generic route stays for any
other action name, out of the schema).

A body the schema refuses is answered like every other refusal: ``{code, message}`` in
Chinese, naming the field by its title, with the rule's code where a rule owns the field.
"""

# no ``from __future__ import annotations``: FastAPI reads each generated endpoint's
# annotations (the action's schema) at runtime, from a closure

from datetime import date
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from console.cnlic import api
from console.schema_route import refusing_route
from domain.cnlic.labels import action_label
from domain.cnlic.model import Stage
from service.cnlic.actions import ACTION_SCHEMAS, ActionData, JointDocumentData, MeetingData, parse_action, plain

CLUSTER_ACTIONS = tuple(a for a in ACTION_SCHEMAS if a != "hold_meeting")


# FastAPI's own validation error becomes the schema's Chinese refusal
ActionRoute = refusing_route(lambda path, body: parse_action(path.rsplit("/", 1)[-1], body), "操作数据无效")


router = APIRouter(route_class=ActionRoute)


def _endpoint(action: str, model: type[ActionData]) -> Callable:
    async def act(key: api.KeyPath, data: Annotated[model, Body()],  # type: ignore[valid-type]
                  user: api.UserDep, console: api.ConsoleDep) -> api.ActionResultOut:
        r = await console.act(user, key, action, plain(data))
        return api.ActionResultOut(action=r.action, stage=r.stage, stage_label=api._label(Stage, r.stage),
                                   procedure=r.procedure, title_status=r.title_status, valid_until=r.valid_until,
                                   events=[api.event_out(e) for e in r.events])

    act.__name__ = f"act_{action}"
    return act


for _action in CLUSTER_ACTIONS:
    _model = ACTION_SCHEMAS[_action]
    router.add_api_route(
        f"/api/clusters/{{key}}/actions/{_action}", _endpoint(_action, _model), methods=["POST"],
        response_model=api.ActionResultOut, responses=api.responses(400, 401, 403, 404, 409, 422, 503),
        tags=["actions"], summary=action_label(_action), operation_id=f"act_{_action}",
        description=(f"{action_label(_action)}：成为该集群工作流的 Update，操作人即本用户。请求体为 "
                     f"{_model.__name__}（{(_model.__doc__ or '').strip()}）。规则拒绝时返回规则代码和中文说明。"),
    )


# the president's office meeting (§三(三)): its own route class, so a body MeetingData refuses
# is answered in Chinese like an action's
MeetingRoute = refusing_route(lambda path, body: parse_action("hold_meeting", body), "会议数据无效")
meetings = APIRouter(route_class=MeetingRoute)


@meetings.post("/api/meetings", response_model=api.MeetingOut, responses=api.responses(400, 401, 403, 409, 422, 503),
               tags=["meetings"], summary=action_label("hold_meeting"), operation_id="hold_meeting")
async def hold_meeting(meeting: Annotated[MeetingData, Body()], user: api.UserDep,
                       console: api.ConsoleDep) -> api.MeetingOut:
    """记录会长办公会决定（秘书处），与场景中 hold_meeting 的 data 相同；请求体为 MeetingData。"""
    r = await console.hold_meeting(user, plain(meeting))
    return api.MeetingOut(meeting_id=r.meeting_id, held_on=r.held_on, decisions=r.decisions,
                          recorded_by=api.ActorOut(role=r.recorded_by.role, name=r.recorded_by.name),
                          refused=r.refused)


# §三(四) the joint document of a meeting's approvals, recorded once for the whole meeting
DocumentRoute = refusing_route(lambda path, body: parse_action("record_joint_document", body), "联合发文数据无效")
documents = APIRouter(route_class=DocumentRoute)


class JointDocumentOut(BaseModel):
    meeting_id: str = Field(title="会议编号")
    held_on: date = Field(title="会议日期")
    number: str = Field(title="发文文号")
    issued_on: date = Field(title="发文日期")
    bodies: list[str] = Field(title="发文单位")
    clusters: list[str] = Field(title="授予称号的集群", description="该次会议批准、由本文授予称号的集群编号")


@documents.post("/api/meetings/documents", response_model=JointDocumentOut,
                responses=api.responses(400, 401, 403, 409, 422, 503), tags=["meetings"],
                summary=action_label("record_joint_document"), operation_id="record_meeting_joint_document")
async def record_joint_document(document: Annotated[JointDocumentData, Body()], user: api.UserDep,
                                console: api.ConsoleDep) -> JointDocumentOut:
    """记录会长办公会批准事项的联合发文（秘书处，§三(四)）：一次会议一份，发往该次会议批准的每个集群，
    称号有效期自发文日期起算。meeting_id 留空时为最近一次尚未发文的会议。请求体为 JointDocumentData。"""
    r = await console.record_joint_document(user, plain(document))
    doc = r.document
    return JointDocumentOut(meeting_id=r.meeting_id, held_on=r.held_on, number=doc.number, issued_on=doc.issued_on,
                            bodies=doc.bodies, clusters=doc.clusters)


def schema_names(openapi: dict[str, Any]) -> dict[str, str]:
    """Each action's request-body schema name in an OpenAPI document (for tests and docs)."""
    out: dict[str, str] = {}
    for action in CLUSTER_ACTIONS:
        op = openapi["paths"][f"/api/clusters/{{key}}/actions/{action}"]["post"]
        ref = op["requestBody"]["content"]["application/json"]["schema"].get("$ref", "")
        out[action] = ref.rsplit("/", 1)[-1]
    return out
