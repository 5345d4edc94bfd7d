"""The console application: the API (``/api``, OpenAPI at ``/openapi.json``) and the pages,
over one ``ConsoleService`` and ``UserService`` handed in by whoever runs it (``worker.py
--console``, the tests). Every refusal becomes its status from ``console.errors``; nothing a
user sends reaches them as a traceback."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from temporalio.service import RPCError

from console.cnlic import api, filters, pages, todo
from console.cnlic import action_api, register
from console import notifications
from console.cnlic import attachments
from console.cnlic import thresholds
from console.cnlic import documents
from console.cnlic import bodies as bodies_pages
from console.cnlic import annex5
from console.cnlic import annexes
from console.errors import headers_for, status_for
from console.guard import BodyGuard
from console.headers import SecurityHeaders
from domain.errors import DomainError
from service.cnlic.console import ConsoleService
from service.cnlic.lifecycle import temporal_error
from service.users import UserService

log = logging.getLogger("designation.console")
STATIC = Path(__file__).parent / "static"


def create_app(console: ConsoleService, users: UserService, *, secure_cookies: bool = False) -> FastAPI:
    app = FastAPI(
        title="集群共建授名 运行控制台 API",
        version="1.0",
        description="CNLIC 共建特色区域和产业集群授名生命周期：列表、集群详情、办理操作、时限雷达、下载。"
                    "令牌由 `designation user token USERNAME` 生成，放在 `Authorization: Bearer …` 中。",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.console = console
    app.state.users = users
    app.state.secure_cookies = secure_cookies
    app.add_middleware(BodyGuard)  # 413 / 422 for bodies before anything parses them
    app.include_router(thresholds.api_router); app.include_router(thresholds.router)  # issue 11: 达标值 tables
    app.include_router(action_api.meetings)  # POST /api/meetings with MeetingData
    app.include_router(action_api.documents)  # POST /api/meetings/documents with JointDocumentData (§三(四))
    app.include_router(action_api.router)  # one route per action, each with its schema: before the generic one
    app.include_router(api.router)
    app.include_router(notifications.api)
    app.include_router(notifications.router)
    app.include_router(register.router)  # POST /api/clusters, bulk import, the 登记集群 page
    app.include_router(attachments.api_router); app.include_router(attachments.router)  # issue 10 item 4
    app.include_router(documents.api_router); app.include_router(documents.router)  # issue 11 item 5
    app.include_router(bodies_pages.api_router); app.include_router(bodies_pages.router)  # issue 11: 意见单位名录
    app.include_router(annex5.api_router); app.include_router(annex5.router)  # issue 11: 附件五 XLSX and record
    app.include_router(annexes.api_router); app.include_router(annexes.router)  # issue 11: 附件三 XLSX
    app.include_router(pages.router)
    app.include_router(todo.api)
    app.include_router(todo.router)
    from service.programs import programs

    for program in programs():  # programs 2–4: their own routes beside program 1's
        if program.mount is not None:
            program.mount(app)
    filters.install(app)  # a bad query value is one Chinese line on the API as on the pages
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api")

    @app.exception_handler(api.ApiError)
    async def api_error(request: Request, e: api.ApiError) -> Response:
        return JSONResponse({"code": e.code, "message": e.message}, status_code=e.status, headers=e.headers)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, e: DomainError) -> Response:
        status = status_for(e.code)
        extra = headers_for(e.code)
        if wants_json(request):
            return JSONResponse({"code": e.code, "message": e.message}, status_code=status, headers=extra)
        try:
            user = users.by_session(request.cookies.get(pages.COOKIE))
        except SQLAlchemyError:  # the store may be the very thing that is down
            user = None
        response = pages.page(request, "error.html", user, status_code=status, error=e)
        response.headers.update(extra)
        return response

    @app.exception_handler(SQLAlchemyError)
    async def store_down(request: Request, e: SQLAlchemyError) -> Response:
        # connection refused, timed out, database locked: a status the caller can retry on,
        # never a 500 (issue 9); the driver's words stay in the log
        log.warning("console: store unavailable on %s %s: %s", request.method, request.url.path,
                    str(e).splitlines()[0][:300] if str(e) else e.__class__.__name__)
        return await domain_error(request, DomainError("store_unavailable", "数据存储暂时不可用，请稍后重试"))

    @app.exception_handler(RPCError)
    async def temporal_down(request: Request, e: RPCError) -> Response:
        log.warning("console: Temporal unavailable on %s %s: %s", request.method, request.url.path, e.message)
        return await domain_error(request, temporal_error(e))

    @app.exception_handler(pages.LoginRequired)
    async def login_required(request: Request, e: pages.LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(e.next_url, safe='/')}", status_code=303)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, e: Exception) -> Response:
        log.exception("console: unexpected error on %s %s", request.method, request.url.path)
        body = {"code": "internal_error", "message": f"内部错误（{e.__class__.__name__}），已记入日志"}
        if wants_json(request):
            return JSONResponse(body, status_code=500)
        return pages.page(request, "error.html", None, status_code=500,
                          error=DomainError(body["code"], body["message"]))

    app.add_middleware(SecurityHeaders, docs_url=app.docs_url)  # outermost: every response it sends

    return app
