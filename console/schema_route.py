"""Routes whose request body is a typed schema (the actions', the starts'): a body FastAPI's
own validation refuses is answered like every other refusal — ``{code, message}`` in Chinese,
naming the field by its title, with the rule's code where a rule owns the field — not with
FastAPI's list. One mechanism for every such router."""

from __future__ import annotations

from typing import Any, Callable

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from console.errors import body as error_body
from console.errors import status_for
from console.guard import BodyRejected, strict_json
from domain.errors import DomainError

BAD_KEY = "集群编号格式不符：字母、数字、- 或 _（1–100 个字符）"


def refusing_route(parse: Callable[[str, Any], Any], fallback: str) -> type[APIRoute]:
    """An ``APIRoute`` class whose validation errors are re-judged by ``parse(path, body)``,
    the schema's own parser, which raises the ``DomainError`` people should see."""

    class SchemaRoute(APIRoute):
        def get_route_handler(self) -> Callable:
            handler = super().get_route_handler()
            path = self.path

            async def checked(request: Request) -> Response:
                try:
                    return await handler(request)
                except RequestValidationError as v:
                    e = DomainError("invalid_data", fallback)
                    try:
                        parse(path, strict_json(await request.body()))
                        # the body was fine: the path was not (a key out of pattern)
                        if any(err.get("loc", ("",))[0] == "path" for err in v.errors()):
                            e = DomainError("invalid_data", BAD_KEY)
                    except BodyRejected as b:
                        e = DomainError(b.code, b.message)
                    except DomainError as d:
                        e = d
                    return JSONResponse(error_body(e), status_code=status_for(e.code))

            return checked

    return SchemaRoute
