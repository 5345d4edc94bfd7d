"""我的待办 / 我的已办 in the console (issue 10 item 5): the page ``/todo`` (each user's first
page after login), ``/done``, and the API ``GET /api/me/todo`` and ``GET /api/me/done``. Thin:
one ``service.cnlic.todo`` call each."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from console.cnlic import filters, pages
from console.cnlic.api import ConsoleDep, UserDep, responses
from domain.cnlic import labels
from domain.roles import works_in
from service import programs
from service.cnlic import todo as service

# ---------------------------------------------------------------- API


class TodoItemOut(BaseModel):
    cluster_key: str = Field(description="集群编号")
    cluster_name: str = Field(description="集群名称")
    title: str = Field(description="称号（未授名时为拟用称号）")
    stage: str = Field(description="阶段代码")
    stage_label: str = Field(description="阶段")
    action: str = Field(description="操作代码，与 POST /api/clusters/{key}/actions/{action} 相同")
    label: str = Field(description="操作")
    clock: str | None = Field(description="所对应的时限代码；无时限时为空")
    clock_label: str = Field(description="所对应的时限")
    due: date | None = Field(description="截止日期（现场考评报告为批准的考评日；到期未复评为取消称号的年度认定日）")
    days_left: int | None = Field(description="距截止的自然日，逾期为负数")
    working_days_left: int | None = Field(description="距截止的法定工作日（服务日历，含调休），逾期为负数")
    overdue: bool = Field(description="已逾期")
    provisional: bool = Field(description="所用年份的节假日安排尚未正式公布，日期暂定")


class ProgramTodoOut(BaseModel):
    program: str = Field(description="项目代码：demonstration 创新升级示范评选 / guangdong 广东示范区 / brand 区域品牌试点")
    program_label: str = Field(description="项目")
    key: str = Field(description="评选轮次、示范区或试点的编号")
    name: str = Field(description="名称")
    action: str = Field(description="操作代码")
    label: str = Field(description="待办")
    url: str = Field(description="办理页面")
    due: date | None = Field(description="截止日期；无时限时为空")
    overdue: bool = Field(description="已逾期")
    note: str = Field(description="说明")


class TodoOut(BaseModel):
    today: date = Field(description="今天（北京时间）")
    total: int = Field(description="待办总数")
    overdue: int = Field(description="其中已逾期的")
    items: list[TodoItemOut] = Field(description="待办事项：有时限的按截止日期先后，无时限的在后")
    programs: list[ProgramTodoOut] = Field(default_factory=list,
                                           description="其他项目（创新升级示范评选、广东示范区、区域品牌试点）的待办")


def program_todo_out(entries: list[programs.TodoEntry]) -> list[ProgramTodoOut]:
    return [ProgramTodoOut(program=e.program, program_label=programs.PROGRAM_LABELS.get(e.program, e.program), key=e.key,
                           name=e.name, action=e.action, label=e.label, url=e.url, due=e.due, overdue=e.overdue,
                           note=e.note) for e in entries]


class DoneItemOut(BaseModel):
    on: date = Field(description="办理日期")
    cluster_key: str = Field(description="集群编号")
    cluster_name: str = Field(description="集群名称")
    title: str = Field(description="称号")
    kind: str = Field(description="日志事件类型：action 操作、decision 会议决定、registered 登记、attachment 上传附件")
    code: str = Field(description="操作代码、会议决定、起始阶段或附件用途")
    label: str = Field(description="所办事项")


class DoneOut(BaseModel):
    total: int = Field(description="已办总数")
    page: int = Field(description="页码")
    per_page: int = Field(description="每页条数")
    pages: int = Field(description="总页数")
    items: list[DoneItemOut] = Field(description="已办事项，最新的在前")


def todo_out(t: service.TodoList) -> TodoOut:
    return TodoOut(today=t.today, total=t.total, overdue=t.overdue, items=[
        TodoItemOut(cluster_key=i.cluster_key, cluster_name=i.cluster_name, title=i.title, stage=i.stage,
                    stage_label=labels.stage_label(i.stage), action=i.action, label=i.label,
                    clock=i.clock, clock_label=i.clock_label, due=i.due, days_left=i.days_left,
                    working_days_left=i.working_days_left, overdue=i.overdue, provisional=i.provisional)
        for i in t.items])


api = APIRouter(prefix="/api", tags=["console"])


@api.get("/me/todo", response_model=TodoOut, responses=responses(401, 422))
async def my_todo(
    request: Request,
    user: UserDep,
    console: ConsoleDep,
    limit: Annotated[int, Query(ge=1, le=service.MAX_ITEMS, description="至多返回的条数")] = 200,
    offset: Annotated[int, Query(ge=0, le=1000000, description="跳过的条数")] = 0,
) -> TodoOut:
    """我的待办：本用户此刻可办理的全部操作（范围内各集群），附所对应的时限、截止日期和剩余工作日，最早到期的在前；
    其他项目的待办在 programs 中。审计账号没有待办。"""
    out = todo_out(await service.todo(console, user, limit, offset))
    out.programs = program_todo_out(await programs.todo_for(request.app.state, user, out.today))
    return out


@api.get("/me/done", response_model=DoneOut, responses=responses(401, 422))
async def my_done(
    user: UserDep,
    console: ConsoleDep,
    page: Annotated[int, Query(ge=1, le=100000, description="页码")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="每页条数")] = 50,
) -> DoneOut:
    """我的已办：日志中以本用户（角色与署名）办理的操作、会议决定和登记，最新的在前，分页。"""
    d = service.done(console, user, page, per_page)
    return DoneOut(total=d.total, page=d.page, per_page=d.per_page, pages=d.pages,
                   items=[DoneItemOut(**i.__dict__) for i in d.items])


# ---------------------------------------------------------------- pages

router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.nav_todo)])


@router.get("/todo", response_class=HTMLResponse)
async def todo_page(request: Request) -> HTMLResponse:
    user = pages.page_user(request)
    listing = await service.todo(pages._console(request), user, limit=service.MAX_ITEMS)
    others = getattr(request.state, "program_todo", None)
    if others is None:
        others = await programs.todo_for(request.app.state, user, listing.today)
    return pages.page(request, "todo.html", user, todo=listing, program_todo=others, cnlic=works_in(user.role, "cnlic"),
                      program_labels=programs.PROGRAM_LABELS)


@router.get("/done", response_class=HTMLResponse)
async def done_page(request: Request) -> HTMLResponse:
    user = pages.page_user(request)
    number = filters.integer(request.query_params, "page", 1, 100000) or 1  # a bad value is said, not dropped
    return pages.page(request, "done.html", user, done=service.done(pages._console(request), user, number, 50))
