"""A user's notifications in the console (issue 10 §7): the page ``/notifications``, the API
``GET /api/me/notifications`` and ``POST /api/me/notifications/read``, and the unread count on
the navigation bar. Thin: parse, authenticate, call ``service.notify.Notifications``."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from console.cnlic import pages
from console.cnlic.api import UserDep, responses
from domain.cnlic.access import User
from domain.notify import kind_label
from service.notify import Notifications
from store.notifications import MAX_LIST, Notification

log = logging.getLogger("designation.console")
PAGE_SIZE = 100


def _service(request: Request) -> Notifications:
    return Notifications(request.app.state.console.engine)


def _nav_unread(request: Request, user: User | None) -> int | None:
    """The unread count for the navigation bar; None when there is nobody signed in or the
    store cannot say (the page itself must still render)."""
    if user is None:
        return None
    try:
        return _service(request).unread(user)
    except Exception as e:  # the store down, a user just removed: a count is never worth an error page
        log.warning("console: unread count unavailable: %s", e.__class__.__name__)
        return None


pages.TEMPLATES.env.globals.update(unread_notifications=_nav_unread, notification_kind_label=kind_label)


# ---------------------------------------------------------------- API


class NotificationOut(BaseModel):
    id: int = Field(description="通知编号（标为已读时使用）")
    kind: str = Field(description="类别代码：reminder（时限提醒）、overdue（逾期督办）、decision（会长办公会决定）、digest（时限日报）")
    kind_label: str = Field(description="类别的中文名称")
    cluster_key: str | None = Field(description="所涉集群编号；时限日报为空")
    subject: str = Field(description="标题")
    body: str = Field(description="正文")
    created_on: date = Field(description="产生通知的业务日期（北京时间）")
    read: bool = Field(description="本用户是否已读")
    read_at: datetime | None = Field(description="本用户标为已读的时间")


class NotificationsOut(BaseModel):
    total: int = Field(description="符合条件的通知总数")
    unread: int = Field(description="本用户的未读通知数")
    items: list[NotificationOut] = Field(description="通知，最新的在前")


class MarkReadIn(BaseModel):
    # bounded like the store's keys: a larger number is a 422, never a driver overflow (a 500)
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(default_factory=list, max_length=MAX_LIST,
                                                                  description="要标为已读的通知编号")
    all: bool = Field(default=False, description="为 true 时把本用户的全部通知标为已读（忽略 ids）")


class MarkReadOut(BaseModel):
    marked: int = Field(description="本次新标为已读的通知数（不属于本用户的编号不计）")
    unread: int = Field(description="标记后本用户的未读通知数")


def notification_out(n: Notification) -> NotificationOut:
    r = n.row
    return NotificationOut(id=r.id or 0, kind=r.kind, kind_label=kind_label(r.kind), cluster_key=r.cluster_key,
                           subject=r.subject, body=r.body, created_on=r.created_on, read=n.read_at is not None,
                           read_at=n.read_at)


api = APIRouter(prefix="/api", tags=["console"])


@api.get("/me/notifications", response_model=NotificationsOut, responses=responses(401, 422))
async def my_notifications(
    request: Request,
    user: UserDep,
    unread: Annotated[bool, Query(description="只看未读的")] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST)] = 50,
    offset: Annotated[int, Query(ge=0, le=1000000)] = 0,
) -> NotificationsOut:
    """本用户的通知：发给本角色且所涉集群在本用户范围内的时限提醒、逾期督办、会长办公会决定，以及发给本人的时限日报。"""
    found = _service(request).list(user, unread, limit, offset)
    return NotificationsOut(total=found.total, unread=found.unread, items=[notification_out(n) for n in found.items])


@api.post("/me/notifications/read", response_model=MarkReadOut, responses=responses(400, 401, 422))
async def mark_read(request: Request, body: MarkReadIn, user: UserDep) -> MarkReadOut:
    """把通知标为已读（按编号，或 all=true 全部）。已读状态按用户分别记录。"""
    notes = _service(request)
    marked = notes.mark_read(user, None if body.all else body.ids)
    return MarkReadOut(marked=marked, unread=notes.unread(user))


# ---------------------------------------------------------------- page


router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.nav_todo)])  # the to-do count too


@router.get("/notifications", response_class=HTMLResponse)
async def notifications_page(request: Request) -> HTMLResponse:
    user = pages.page_user(request)
    unread_only = request.query_params.get("unread") == "yes"
    found = _service(request).list(user, unread_only, PAGE_SIZE)
    return pages.page(request, "notifications.html", user, found=found, unread_only=unread_only)


@router.post("/notifications/read")
async def notifications_read(request: Request) -> Response:
    user = pages.page_user(request)
    values = await pages._checked_form(request)
    if values.get("all") == "yes":
        _service(request).mark_read(user)
    else:
        try:
            ids = [int(values.get("id", ""))]
        except ValueError:
            ids = []
        _service(request).mark_read(user, ids)
    back = "/notifications?unread=yes" if values.get("unread") == "yes" else "/notifications"
    return RedirectResponse(back, status_code=303)
