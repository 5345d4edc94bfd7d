"""Filter values a person typed into a list, the radar or the API (issue 10 item 6): a bad
value is refused with one Chinese line naming the field and what it accepts — the same words
on the page and in the API's 422 — never silently ignored."""

from __future__ import annotations

from typing import Any, Mapping

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from domain.errors import DomainError
from domain.cnlic.model import Stage, TitleStatus

FIELDS = {
    "stage": "阶段", "title_status": "称号状态", "tier": "层级", "industry": "行业", "province": "省份",
    "overdue": "逾期", "within": "时限在 N 个工作日内到期", "q": "查找", "page": "页码", "per_page": "每页条数",
    "limit": "条数", "offset": "跳过条数", "format": "格式", "cluster": "集群编号",
}
BOUNDS = {"within": (0, 1500), "page": (1, 100000), "per_page": (1, 200), "limit": (1, 1000), "offset": (0, 1000000)}
CHOICES: dict[str, dict[str, str]] = {
    "stage": {s.value: s.label for s in Stage},
    "title_status": {t.value: t.label for t in TitleStatus},
}


def invalid(name: str, value: Any, expected: str) -> DomainError:
    shown = str(value)[:40]
    return DomainError("invalid_filter", f"筛选条件“{FIELDS.get(name, name)}”的值“{shown}”无效：{expected}")


def _choices(name: str) -> str:
    return "应为 " + "、".join(f"{code}（{label}）" for code, label in CHOICES[name].items())


def choice(params: Mapping[str, str], name: str) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in CHOICES[name]:
        raise invalid(name, value, _choices(name))
    return value


def integer(params: Mapping[str, str], name: str, lo: int, hi: int) -> int | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise invalid(name, value, f"应为 {lo}–{hi} 之间的整数") from None
    if not lo <= number <= hi:
        raise invalid(name, value, f"应为 {lo}–{hi} 之间的整数")
    return number


def yes_no(params: Mapping[str, str], name: str) -> bool | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in ("yes", "no"):
        raise invalid(name, value, "应为 yes（有）或 no（无）")
    return value == "yes"


def _expected(name: str, error: dict[str, Any]) -> str:
    if name in CHOICES:
        return _choices(name)
    ctx = error.get("ctx") or {}
    kind = str(error.get("type") or "")
    if name in BOUNDS:
        return "应为 {}–{} 之间的整数".format(*BOUNDS[name])
    if "ge" in ctx or "le" in ctx:
        return f"应为不小于 {ctx['ge']} 的整数" if "le" not in ctx else f"应为不大于 {ctx['le']} 的整数"
    if kind.startswith("int"):
        return "应为整数"
    if kind.startswith("bool"):
        return "应为 true 或 false"
    if kind.startswith("string_too_long"):
        return f"至多 {ctx.get('max_length')} 个字符"
    if kind.startswith("string_pattern"):
        return "只能包含字母、数字、- 和 _"
    if kind == "literal_error":
        return f"应为 {ctx.get('expected', '')}"
    return "格式不正确"


async def query_refusal(request: Request, exc: RequestValidationError) -> Response:
    """The API's 422 for a bad query value, in the page's words ({code, message} plus FastAPI's
    ``detail``); other validation errors keep FastAPI's answer."""
    errors = exc.errors()
    query = [e for e in errors if e.get("loc") and e["loc"][0] == "query" and len(e["loc"]) > 1]
    if not query:
        return await request_validation_exception_handler(request, exc)
    first = query[0]
    name = str(first["loc"][1])
    e = invalid(name, first.get("input", ""), _expected(name, first))
    detail = [{k: v for k, v in err.items() if k in ("type", "loc", "msg")} for err in errors]
    return JSONResponse({"code": e.code, "message": e.message, "detail": detail}, status_code=422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, query_refusal)  # type: ignore[arg-type]
