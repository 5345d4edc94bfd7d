"""The console's front door for request bodies (issue 9): a body over the limit is refused
with 413 before it is read in full, and a JSON body that JSON cannot carry faithfully (NaN,
Infinity, lone surrogates, nesting deeper than the limit, not JSON at all) gets 422 with one
line — before FastAPI, the service layer or Temporal see it.

A plain ASGI middleware: it reads the body once (bounded) and hands the same bytes on.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Awaitable, Callable

from domain.errors import DomainError
from domain.limits import LIMITS, Limits
from domain.yamlfmt import load_json

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyRejected(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message


def strict_json(raw: bytes, limits: Limits = LIMITS) -> Any:
    """Parse a body with the same bounded JSON reader as the CLI's files (``domain.yamlfmt``:
    no NaN/Infinity, valid UTF-8, no lone surrogates, bounded nesting), one line with the
    position when it is not; how many items and how long a text each action takes is the
    service layer's check, with its own message."""
    try:
        return load_json(raw, "请求体", limits=replace(limits, file_bytes=limits.http_body_bytes,
                                                       file_depth=limits.depth))
    except DomainError as e:
        raise BodyRejected(422, "invalid_json", e.message) from None


# bulk-onboarding uploads (console.cnlic.register): an XLSX file, bounded by its own limit
UPLOAD_PATHS = frozenset({"/api/cluster-imports", "/register/import"})
# attachments (console.cnlic.attachments): one file of up to LIMITS.attachment_bytes, on the API and the page
ATTACHMENT_PATH = re.compile(r"^/(api/)?clusters/[A-Za-z0-9_-]{1,100}/attachments$"
                             r"|^/(api/)?guangdong/rounds/\d{4}/zones/gd-[a-z0-9-]{1,60}/attachments$")  # program 3
# program 3's 考核表 uploaded as XLSX (console.guangdong): bounded like the bulk-onboarding workbook
FORM_UPLOAD_PATH = re.compile(r"^/(api/)?guangdong/rounds/\d{4}/zones/gd-[a-z0-9-]{1,60}/form\.xlsx$")


class BodyGuard:
    def __init__(self, app: Callable, limits: Limits = LIMITS) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        try:
            limit = self.limits.import_file_bytes if scope.get("path") in UPLOAD_PATHS else self.limits.http_body_bytes
            if FORM_UPLOAD_PATH.match(scope.get("path", "")):
                limit = self.limits.import_file_bytes + self.limits.http_body_bytes
            if ATTACHMENT_PATH.match(scope.get("path", "")):
                limit = self.limits.attachment_bytes + self.limits.http_body_bytes  # the file and the form's fields
            body = await self._read(headers, receive, limit)
            if body and "json" in headers.get("content-type", "").lower():
                strict_json(body, self.limits)
        except BodyRejected as e:
            await self._reject(scope, send, e)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # a disconnect, if the client goes away

        await self.app(scope, replay, send)

    async def _read(self, headers: dict[str, str], receive: Receive, limit: int) -> bytes:
        too_large = BodyRejected(413, "body_too_large",
                                 f"请求体超过上限 {limit // 1024} KB；文件请作为附件上传，不要写在文字里")
        declared = headers.get("content-length")
        if declared is not None:
            try:
                if int(declared) > limit:
                    raise too_large
            except ValueError:
                raise BodyRejected(400, "bad_request", "Content-Length 无效") from None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _reject(self, scope: Scope, send: Send, e: BodyRejected) -> None:
        path = scope.get("path", "")
        if path.startswith("/api"):
            body = json.dumps({"code": e.code, "message": e.message}, ensure_ascii=False).encode("utf-8")
            ctype = b"application/json"
        else:
            from html import escape

            body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>无法处理</title>'
                    f'<p>{escape(e.message)}</p><p><a href="/">返回首页</a></p></html>'
                    ).encode("utf-8")
            ctype = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": e.status,
                    "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
