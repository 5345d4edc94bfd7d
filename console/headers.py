"""The console's security headers on every HTTP response: no MIME sniffing, no framing, the
referrer kept to this site, and a Content-Security-Policy — the pages' own, or, for the API docs
page, one that names its CDN and the hash of each inline script (``console.csp``).

A plain ASGI middleware that edits the response's start message on its way out. Starlette's
``@app.middleware("http")`` ran every request through a task group and a pair of memory
streams: about 0.8 ms of a 4 ms cluster listing (issue 15, row 7)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from starlette.datastructures import MutableHeaders

from console import csp

Message = dict[str, Any]
ASGIApp = Callable[[dict[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]

ALWAYS = (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"))


class SecurityHeaders:
    def __init__(self, app: ASGIApp, docs_url: str | None = None) -> None:
        self.app = app
        self.docs_url = docs_url

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = self.docs_url is not None and scope.get("path") == self.docs_url
        held: Message | None = None  # the docs page's start, held until its body is known
        chunks: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS:
                    headers.setdefault(name, value)
                if docs and message["status"] == 200:
                    held = message
                    return
                headers.setdefault("Content-Security-Policy", csp.PAGES)
            elif held is not None and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)  # a small page, read once
                MutableHeaders(scope=held)["Content-Security-Policy"] = csp.docs_policy(body)
                await send(held)
                message = {"type": "http.response.body", "body": body, "more_body": False}
            await send(message)

        await self.app(scope, receive, send_with_headers)
