"""Downloads of the documents the rules publish (issue 11 item 5), for the API (bearer token)
and the pages (login session): the joint designation list of a meeting (§三(四)), the annual
recognition list and the revocation announcement (§四(四)), and a cluster's expert site-visit
report (附件四). DOCX always; PDF only where LibreOffice is installed (the page says so).

The file is named in Chinese per RFC 5987 (``filename*``) with an ASCII fallback. A document is
built and rendered off the event loop: a large year takes a second or two, not the server.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Callable

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from console.cnlic import api, pages
from domain.cnlic.access import User
from domain.cnlic.documents import Document
from service.cnlic import documents as service
from service.cnlic.documents import DocumentService

api_router = APIRouter(prefix="/api", tags=["console"])
router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.nav_todo)])

FMT = r"^(docx|pdf)$"
MEETING_PATTERN = r"^[A-Za-z0-9_-]{1,60}$"
Fmt = Annotated[str, Path(pattern=FMT, description="docx，或 pdf（本机装有 LibreOffice 时）")]
Year = Annotated[int, Path(ge=2000, le=2200, description="认定年度")]
MeetingId = Annotated[str, Path(pattern=MEETING_PATTERN, description="会长办公会编号")]
FILE = {200: {"content": {service.DOCX: {}, service.PDF: {}}, "description": "文件（文件名为中文，RFC 5987）"}}


def documents_of(request: Request) -> DocumentService:
    return DocumentService(request.app.state.console.engine)


Docs = Annotated[DocumentService, Depends(documents_of)]


async def _file(build: Callable[[], Document], fmt: str) -> Response:
    rendered = await run_in_threadpool(lambda: service.render(build(), fmt))
    return Response(rendered.content, media_type=rendered.media_type,
                    headers={"Content-Disposition": rendered.disposition})


# ---------------------------------------------------------------- API


class MeetingDocOut(BaseModel):
    meeting_id: str
    held_on: date
    approved: int = Field(description="批准的集群数")


class DocumentsOut(BaseModel):
    pdf: bool = Field(description="本机能否生成 PDF（装有 LibreOffice 时）；否则只提供 DOCX")
    years: list[int] = Field(description="已公布认定名单的年度")
    meetings: list[MeetingDocOut] = Field(description="已记录的会长办公会（最近 200 次）")


def _index(docs: DocumentService) -> DocumentsOut:
    return DocumentsOut(pdf=service.pdf_converter() is not None, years=docs.years(),
                        meetings=[MeetingDocOut(meeting_id=m.meeting_id, held_on=m.held_on, approved=n)
                                  for m, n in docs.meetings()])


@api_router.get("/documents", response_model=DocumentsOut, responses=api.responses(401))
async def documents_index(user: api.UserDep, docs: Docs) -> DocumentsOut:
    """可生成的公布文件：年度认定名单与取消称号公告的年度、会长办公会的授名名单；PDF 是否可用。"""
    return await run_in_threadpool(_index, docs)


@api_router.get("/documents/recognition/{year}.{fmt}", response_class=Response,
                responses={**FILE, **api.responses(401, 404, 422)})
async def recognition_document(year: Year, fmt: Fmt, user: api.UserDep, docs: Docs) -> Response:
    """年度认定名单（§四(四)）：认定名单、到期未复评名单、整改期名单。任何登录用户可下载。"""
    return await _file(lambda: docs.recognition_list(user, year), fmt)


@api_router.get("/documents/revocation/{year}.{fmt}", response_class=Response,
                responses={**FILE, **api.responses(401, 404, 422)})
async def revocation_document(year: Year, fmt: Fmt, user: api.UserDep, docs: Docs) -> Response:
    """取消称号公告（§四(四)）：到期未复评超过两年的称号，及本年度其他取消称号及其原因。"""
    return await _file(lambda: docs.revocation_announcement(user, year), fmt)


@api_router.get("/documents/joint/{meeting_id}.{fmt}", response_class=Response,
                responses={**FILE, **api.responses(401, 404, 422)})
async def joint_document(meeting_id: MeetingId, fmt: Fmt, user: api.UserDep, docs: Docs) -> Response:
    """联合发文授名名单（§三(四)）：该次会长办公会批准的集群，及联合发文的文号、日期、发文单位（已登记时）。"""
    return await _file(lambda: docs.joint_list(user, meeting_id), fmt)


@api_router.get("/clusters/{key}/site-report.{fmt}", response_class=Response,
                responses={**FILE, **api.responses(401, 403, 404, 422)})
async def site_report_document(key: api.KeyPath, fmt: Fmt, user: api.UserDep, docs: Docs,
                               seq: Annotated[int | None, Query(ge=1, description="考评报告的记录序号；默认最新一份")] = None
                               ) -> Response:
    """专家考评报告（附件四）：按集群的办理范围。"""
    return await _file(lambda: docs.site_report(user, key, seq), fmt)


# ---------------------------------------------------------------- pages


@router.get("/documents", response_class=HTMLResponse)
async def documents_page(request: Request) -> HTMLResponse:
    user = pages.page_user(request)
    index = await run_in_threadpool(_index, documents_of(request))
    return pages.page(request, "documents.html", user, index=index)


def _page_user(request: Request) -> User:
    return pages.page_user(request)


@router.get("/documents/recognition-{year}.{fmt}")
async def recognition_page_file(request: Request, year: Year, fmt: Fmt) -> Response:
    user = _page_user(request)
    return await _file(lambda: documents_of(request).recognition_list(user, year), fmt)


@router.get("/documents/revocation-{year}.{fmt}")
async def revocation_page_file(request: Request, year: Year, fmt: Fmt) -> Response:
    user = _page_user(request)
    return await _file(lambda: documents_of(request).revocation_announcement(user, year), fmt)


@router.get("/documents/joint-{meeting_id}.{fmt}")
async def joint_page_file(request: Request, meeting_id: MeetingId, fmt: Fmt) -> Response:
    user = _page_user(request)
    return await _file(lambda: documents_of(request).joint_list(user, meeting_id), fmt)


@router.get("/clusters/{key}/site-report.{fmt}")
async def site_report_page_file(request: Request, key: Annotated[str, Path(pattern=api.KEY_PATTERN)], fmt: Fmt,
                                seq: Annotated[int | None, Query(ge=1)] = None) -> Response:
    user = _page_user(request)
    return await _file(lambda: documents_of(request).site_report(user, key, seq), fmt)
