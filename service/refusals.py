"""A schema's refusal in Chinese, for every program (the kernel): the first problem of a
pydantic ``ValidationError`` as one line naming the field by the titles its schema gives (a
refused coded choice by its ``x-labels``), with the rule's code where the schema says a rule
owns the field (``codes``, ``missing_codes`` and ``unknown_code`` on the model)."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from domain.errors import DomainError

# what is wrong, by pydantic's error type
MESSAGES = {
    "missing": "必须填写",
    "extra_forbidden": "不是可填写的字段",
    "string_too_short": "不能为空",
    "string_too_long": "超过 {max_length} 字",
    "too_long": "超过 {max_length} 项",
    "string_pattern_mismatch": "格式不符",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数",
    "date_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_type": "应为 YYYY-MM-DD 格式的日期",
    "literal_error": "应为 {expected} 之一",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
}
_MORE = {
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为对象",
    "greater_than": "应大于 {gt}",
    "less_than": "应小于 {lt}",
    "union_tag_invalid": "无效",
    "int_from_float": "应为整数",
}


def unwrap(ann: Any) -> Any:
    """The model a field holds (through Optional, list, dict and Union), if any."""
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for a in get_args(ann):
        found = unwrap(a)
        if found is not None:
            return found
    return None


def _where(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, str, type[BaseModel] | None]:
    """The Chinese titles along an error's location (with the last field's name), the last
    field's name, and the model that declares it."""
    names: list[str] = []
    last, owner, unknown = "", None, False
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            names.append(f"第 {part + 1} 项")
            continue
        part = str(part)
        fields = getattr(current, "model_fields", {}) if current is not None else {}
        f = fields.get(part)
        if f is None:
            if part == loc[-1] and isinstance(current, type) and issubclass(current, BaseModel):
                names.append(f"“{part}”")  # a key the schema does not have
                last, owner, unknown = part, current, True
            continue  # a union's branch name (str, function-after…), or a mapping's key
        names.append(f.title or part)
        last, owner = part, current
        current = unwrap(f.annotation)
    where = "·".join(names) or "操作数据"
    return (f"{where}（{last}）" if last and not unknown else where), last, owner


def _choice_labels(owner: Any, field: Any) -> dict[str, str]:
    """The Chinese labels a schema gives its coded choices (``x-labels``), so a refused choice is
    named in words, never by its code."""
    info = getattr(owner, "model_fields", {}).get(field) if owner is not None else None
    extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra, dict) else {}
    labels = extra.get("x-labels") or {}
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def refusal(e: ValidationError, model: type[BaseModel]) -> DomainError:
    """The first problem as one Chinese line naming the field, with the rule's code where a
    rule owns the field (a missing reason, an out-of-range score, an unknown panel field)."""
    errors = e.errors(include_url=False)
    # a union tries each branch: report the branch that got furthest (the longest location)
    err = max(errors, key=lambda x: len(x.get("loc", ())))
    where, last, owner = _where(model, tuple(err.get("loc", ())))
    ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in dict(err.get("ctx") or {}).items()}
    if "expected" in ctx:
        labels = _choice_labels(owner, last)
        ctx["expected"] = "、".join(labels.get(c, c) for c in
                                   str(ctx["expected"]).replace("'", "").replace(" or ", ", ").split(", "))
    template = MESSAGES.get(err["type"]) or _MORE.get(err["type"])
    try:
        what = template.format(**ctx) if template else err.get("msg", "无效")
    except (KeyError, IndexError, ValueError):
        what = err.get("msg", "无效")
    kind = err["type"]
    empty = kind in ("missing", "string_too_short")
    codes = getattr(owner, "codes", {}) if owner is not None else {}
    missing = getattr(owner, "missing_codes", {}) if owner is not None else {}
    if kind == "extra_forbidden":
        code = getattr(owner, "unknown_code", "invalid_data")
    elif kind == "string_too_long":
        code = "text_too_long"
    elif kind == "too_long":
        code = "too_many_items"
    elif empty and last in missing:
        code = missing[last]
    elif not empty and last in codes:
        code = codes[last]
    else:
        code = "invalid_data"
    more = len(errors) - 1
    tail = f"（另有 {more} 处问题）" if more > 0 else ""
    return DomainError(code, f"{where}：{what}{tail}")
