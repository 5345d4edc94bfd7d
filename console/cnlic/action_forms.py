"""The action forms on a cluster page, generated from each action's schema (``service.cnlic.actions``,
issue 10 item 3): a select for every choice, a date picker with bounds, numbers with their
units and bounds, one line per item for lists of names, a table for a nested part (the 附件一
score sheet, the 附件五 indicators) and a table of repeated rows for a list of records (the
panel). No JSON. The submitted form becomes the same data the API and the CLI take; the schema
then refuses a bad shape in Chinese and the domain decides the rules.

Prefills come from the cluster itself only (its owed annual report year, its current title's
elements), never from another cluster or an example.
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Annotated, Any, Literal, Mapping, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from domain.errors import DomainError
from domain.limits import LIMITS
from service.cnlic.actions import ACTION_SCHEMAS, CHOICES, EARLIEST, LATEST, POLICY

CHOICES_OF_ELEMENTS = tuple(POLICY.naming_elements)
PANEL_ROWS = 7  # blank rows offered for a panel (the rules ask for at least 5 members)
SCORE_ROWS = 3  # blank rows of 附件一 part-1 indicator details (optional)
FIRM_ROWS = 8  # 附件五-附表 prints 8 rows of 龙头企业
BODIES_HINT = ("从意见单位名录中选择（本行业的行业协（学）会、本省的省级轻工行业组织）：按申请形式勾选行业协会和／或省级组织；"
               "仅向联合会申请时不选；复评时不选即沿用上次申请的单位")
OPINION_ROWS = 4  # 附件四: at least 4 opinions, each with its text (a static script adds rows)
VISIT_AHEAD_DAYS = 366  # the date picker offers a visit within a year; the schema's bound is wider


@dataclass(frozen=True)
class Input:
    name: str  # the form's name: "f_" + the dotted data path ("f_score_sheet.part1", "f_panel.0.name")
    label: str
    kind: str  # text | textarea | lines | date | int | number | yesno | check | select | checks
    hint: str = ""
    required: bool = False
    choices: Mapping[str, str] | None = None
    bounds: Mapping[str, str] = field(default_factory=dict)  # min / max / step / maxlength of the input
    unit: str = ""
    choice_kinds: Mapping[str, str] | None = None  # checks: each choice's kind (the bodies' association/provincial)


@dataclass(frozen=True)
class Group:
    """A nested part as a table: one row per field (or per record, with a column per part)."""

    name: str
    label: str
    hint: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Input, ...]], ...]
    repeat: bool = False  # rows of a list of records: blank rows are skipped, JS may add more


Item = Union[Input, Group]


# ---------------------------------------------------------------- reading the schema


def _is_union(ann: Any) -> bool:
    return get_origin(ann) in (Union, types.UnionType)


def _optional(ann: Any) -> tuple[Any, bool]:
    args = get_args(ann)
    if _is_union(ann) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else Union[tuple(rest)]), True  # type: ignore[return-value]
    return ann, False


def _strip(ann: Any) -> Any:
    """The plain type under Annotated (the schema's bounds are read separately)."""
    while get_origin(ann) is Annotated:
        ann = get_args(ann)[0]
    return ann


def _model_in(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    if _is_union(ann):
        for a in get_args(ann):
            if isinstance(a, type) and issubclass(a, BaseModel):
                return a
    return None


def _constraints(f: FieldInfo, ann: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for source in list(f.metadata) + [m for a in get_args(ann) for m in getattr(a, "__metadata__", ())] + \
            list(getattr(ann, "__metadata__", ())):
        for key in ("ge", "le", "max_length", "min_length"):
            value = getattr(source, key, None)
            if value is not None:
                out.setdefault(key, value)
        for m in getattr(source, "metadata", ()):
            for key in ("ge", "le", "max_length", "min_length"):
                value = getattr(m, key, None)
                if value is not None:
                    out.setdefault(key, value)
    return out


def _unit(f: FieldInfo) -> str:
    extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
    return str(extra.get("x-unit") or "")


def _choices(name: str, values: tuple[Any, ...]) -> dict[str, str]:
    table = CHOICES.get(name) or next((c for c in CHOICES.values() if set(c) <= set(map(str, values))), {})
    # a Literal of codes and their labels (panel field, grade): offer the codes, shown by label
    codes = [str(v) for v in values if not table or str(v) in table]
    return {c: table.get(c, c) for c in codes}


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _input(path: str, name: str, f: FieldInfo, today: date, label: str | None = None) -> Input | None:
    ann, optional = _optional(f.annotation)
    extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
    if extra.get("x-legacy") or extra.get("x-computed") or extra.get("x-own-table"):
        # an older shape the API still takes, a value the service computes (表二's years), or a
        # part the page lays out itself (program 2's 推荐表 indicators, in the form's own table)
        return None
    if get_origin(ann) is list and isinstance(get_args(ann)[0], type) and issubclass(get_args(ann)[0], BaseModel) \
            and "." in path:
        return None  # records inside a row (表四's finances and products): the annex's XLSX carries them
    if extra.get("x-choices") == "panel":  # 附件四: names from the approved panel (with_panel_choices)
        return Input(name=f"f_{path}", label=label or f.title or name, hint=f.description or "",
                     kind="checks" if get_origin(ann) is list else "select", choices={})
    c = _constraints(f, f.annotation)
    required = f.is_required()
    unit = _unit(f)
    hint = f.description or ""
    if unit:
        hint = hint.replace(f"（单位：{unit}）", "")
    kw: dict[str, Any] = dict(name=f"f_{path}", label=label or f.title or name, hint=hint, required=required, unit=unit)
    ann = _strip(ann)
    origin = get_origin(ann)
    if ann is date:
        lo, hi = c.get("ge", EARLIEST), c.get("le", LATEST)
        if name == "visit_on":  # a visit is planned ahead: the picker offers the next year
            lo, hi = today, min(hi, today + timedelta(days=VISIT_AHEAD_DAYS))
        return Input(kind="date", bounds={"min": lo.isoformat(), "max": hi.isoformat()}, **kw)
    if ann is bool:
        return Input(kind="yesno" if required or optional else "check", **kw)
    if origin is Literal:  # a schema may name its choices' labels itself (programs 2–4: x-labels)
        labels = extra.get("x-labels")
        return Input(kind="select", choices=dict(labels) if labels else _choices(name, get_args(ann)), **kw)
    if name == "bodies":  # RULES.md "Bodies": chosen from the directory; the page fills the choices
        return Input(kind="checks", choices={}, **{**kw, "hint": BODIES_HINT})
    if origin is list:
        (item,) = get_args(ann) or (str,)
        if get_origin(_strip(item)) is Literal:
            return Input(kind="checks", choices=_choices(name, get_args(_strip(item))), **kw)
        return Input(kind="lines", **{**kw, "hint": (hint + "；每行一项").lstrip("；")})
    if _is_union(ann):  # a text or a list of texts (附件五 公共服务平台): one line each
        return Input(kind="lines", **{**kw, "hint": (hint + "；每行一项").lstrip("；")})
    if ann is int:
        bounds = {k2: _number(c[k]) for k, k2 in (("ge", "min"), ("le", "max")) if k in c and abs(c[k]) < 1e11}
        return Input(kind="int", bounds={**bounds, "step": "1"}, **kw)
    if ann is float:
        bounds = {k2: _number(c[k]) for k, k2 in (("ge", "min"), ("le", "max")) if k in c and abs(c[k]) < 1e11}
        return Input(kind="number", bounds={**bounds, "step": "any"}, **kw)
    limit = c.get("max_length", LIMITS.name_chars)
    return Input(kind="textarea" if limit > LIMITS.name_chars else "text", bounds={"maxlength": str(limit)}, **kw)


def _group(path: str, f: FieldInfo, model: type[BaseModel], today: date, rows: int = 0) -> Group:
    label, hint = f.title or path, f.description or (model.__doc__ or "").strip()
    fields = list(model.model_fields.items())
    if rows:  # a list of records: one row per record, one column per field
        cols = tuple(g.title or n for n, g in fields if _input(f"{path}.0.{n}", n, g, today) is not None)
        body = tuple((str(i + 1), tuple(i_ for n, g in fields
                                        if (i_ := _input(f"{path}.{i}.{n}", n, g, today, g.title)) is not None))
                     for i in range(rows))
        return Group(f"f_{path}", label, hint, cols, body, repeat=True)
    sub = [(n, g, _model_in(_optional(g.annotation)[0])) for n, g in fields]
    if sub and all(m is not None for _, _, m in sub):  # a record per field (the site report's indicators)
        inner = sub[0][2]
        assert inner is not None
        cols = ("指标",) + tuple(g.title or n for n, g in inner.model_fields.items())
        body = tuple(((g.title or n) + (f"（{_unit(g)}）" if _unit(g) else ""),
                      tuple(x for n2, g2 in inner.model_fields.items()
                            if (x := _input(f"{path}.{n}.{n2}", n2, g2, today)) is not None))
                     for n, g, _ in sub)
        return Group(f"f_{path}", label, hint, cols, body)
    # an optional part (附件四's basic facts) left blank is left out: its fields are not
    # required of the browser; when partly filled, the schema names what is missing
    loose = not f.is_required()
    body = tuple(((i.label + (f"（{i.unit}）" if i.unit else "")), (replace(i, required=False) if loose else i,))
                 for n, g in fields if (i := _input(f"{path}.{n}", n, g, today)) is not None)
    return Group(f"f_{path}", label, hint, ("项目", "填写"), body)


def items_of(action: str, today: date, values: Mapping[str, str] | None = None,
             schemas: Mapping[str, type[BaseModel]] | None = None,
             model: type[BaseModel] | None = None) -> list[Item]:
    """The form of an action: its inputs and tables, in the schema's order. A nested list of
    records (the score sheet's indicator details) follows its parent's table. ``schemas``:
    another program's step schemas by action; ``model``: the schema itself (programs 2–4
    generate their forms here too; program 1's actions by default)."""
    model = model or (ACTION_SCHEMAS if schemas is None else schemas).get(action)
    if model is None:
        return []
    out: list[Item] = []

    def walk(prefix: str, m: type[BaseModel]) -> None:
        for name, f in m.model_fields.items():
            path = f"{prefix}{name}"
            ann, _ = _optional(f.annotation)
            inner = _model_in(ann)
            if name == "bodies":  # chosen from the directory, not typed as records
                out.append(_input(path, name, f, today))  # type: ignore[arg-type]
            elif get_origin(ann) is list and _model_in(get_args(ann)[0]) is not None:
                record = _model_in(get_args(ann)[0])
                assert record is not None
                shown = _rows_in(values, f"f_{path}.", _max_items(f))
                base = PANEL_ROWS if name == "panel" else (FIRM_ROWS if name == "leading_firms" else
                                                            OPINION_ROWS if name == "opinions" else SCORE_ROWS)
                out.append(_group(path, f, record, today, rows=max(base, shown)))
            elif inner is not None and _records_per_field(inner):  # 申报时 / 上一年 of each indicator: one table
                out.append(_group(path, f, inner, today))
            elif inner is not None:
                nested_lists = {n: g for n, g in inner.model_fields.items()
                                if get_origin(_optional(g.annotation)[0]) is list
                                and _model_in(get_args(_optional(g.annotation)[0])[0]) is not None}
                # a record inside the record (the score sheet's 附件一 values): its own table after it
                nested_models = {n: g for n, g in inner.model_fields.items()
                                 if n not in nested_lists and not _is_union(_optional(g.annotation)[0])
                                 and _model_in(_optional(g.annotation)[0]) is not None}
                hidden = {**nested_lists, **nested_models}
                flat = _without(inner, hidden) if hidden else inner
                out.append(_group(path, f, flat, today))
                for n, g in nested_models.items():
                    record = _model_in(_optional(g.annotation)[0])
                    assert record is not None
                    out.append(_group(f"{path}.{n}", g, record, today))
                for n, g in nested_lists.items():
                    record = _model_in(get_args(_optional(g.annotation)[0])[0])
                    assert record is not None
                    out.append(_group(f"{path}.{n}", g, record, today,
                                      rows=max(SCORE_ROWS, _rows_in(values, f"f_{path}.{n}.", _max_items(g)))))
            else:
                i = _input(path, name, f, today)
                if i is not None:
                    out.append(i)

    walk("", model)
    return [it for it in out if not (isinstance(it, Group) and not it.rows)]  # a part whose fields are all tables


def _records_per_field(model: type[BaseModel]) -> bool:
    """Every field a record of the same kind (a table of indicators with a column per part)."""
    inner = [_model_in(_optional(g.annotation)[0]) for g in model.model_fields.values()]
    return len(inner) > 1 and all(m is not None for m in inner) and len(set(inner)) == 1


def _without(model: type[BaseModel], names: Mapping[str, Any]) -> type[BaseModel]:
    from pydantic import create_model

    kept = {n: (g.annotation, g) for n, g in model.model_fields.items() if n not in names}
    view = create_model(model.__name__, **kept)  # type: ignore[call-overload]
    view.__doc__ = model.__doc__
    return view


def _max_items(f: Any) -> int:
    """The most rows a list field takes: its schema's ``max_length`` (a vote sheet holds a row
    per candidate, up to a meeting's decisions), else the ordinary list limit."""
    return next((m.max_length for m in f.metadata if getattr(m, "max_length", None) is not None), LIMITS.list_items)


def _rows_in(values: Mapping[str, str] | None, prefix: str, most: int = LIMITS.list_items) -> int:
    if not values:
        return 0
    rows = [int(k[len(prefix):].split(".", 1)[0]) for k in values
            if k.startswith(prefix) and k[len(prefix):].split(".", 1)[0].isdecimal()]
    # a posted row number is not trusted: one more row than the list may hold, so the schema says "too many"
    return min(max(rows) + 1, most + 1) if rows else 0


def with_body_choices(items: list[Item], choices: Mapping[str, str], kinds: Mapping[str, str] | None = None
                      ) -> list[Item]:
    """The application's bodies offered from the directory (names → labels with kind and
    scope), filtered by the service for this cluster's industry and province; with each
    body's kind, the page shows only the kinds the chosen route names (§三(一))."""
    import json

    routes = json.dumps({code: [k for k, needed in (("association", r.needs_association),
                                                     ("provincial", r.needs_provincial)) if needed]
                         for code, r in POLICY.routes.items()}, ensure_ascii=False)
    return [replace(it, choices=dict(choices), choice_kinds=dict(kinds) if kinds else None,
                    bounds={**it.bounds, "routes": routes} if kinds else it.bounds)
            if isinstance(it, Input) and it.name == "f_bodies" else it for it in items]


def inputs(items: list[Item]) -> list[Input]:
    out: list[Input] = []
    for it in items:
        if isinstance(it, Group):
            out += [i for _, row in it.rows for i in row]
        else:
            out.append(it)
    return out


def with_panel_choices(items: list[Item], panel: list[str]) -> list[Item]:
    """附件四: the report's 组长, 副组长 and signatures chosen from the approved panel."""
    names = {n: n for n in panel}
    out: list[Item] = []
    for it in items:
        if isinstance(it, Input) and it.name == "f_leader":
            it = replace(it, kind="select", choices=names)
        elif isinstance(it, Input) and it.name in ("f_deputies", "f_signed_by"):
            it = replace(it, kind="checks", choices=names)
        out.append(it)
    return out


# ---------------------------------------------------------------- prefills from the cluster itself


def prefill(action: str, view: Any, user: Any, owed_year: int | None, today: date) -> dict[str, str]:
    """Starting values, taken from this cluster (and the signing user) only."""
    values: dict[str, str] = {}
    if action in ("record_opinion", "record_formal_opinion"):
        values["f_body"] = user.name
    elif action == "approve_site_visit":
        values["f_visit_on"] = (today + timedelta(days=7)).isoformat()
    elif action == "submit_supplement":  # what the secretariat asked this cluster for
        values["f_items"] = "\n".join(getattr(view, "supplement_items", None) or ())
    elif action == "submit_annual_report":
        values["f_year"] = str(owed_year or today.year - 1)
    elif action == "file_title_change":
        p = view.profile
        values.update({"f_product": p.product, "f_tier": p.tier, "f_title_word": getattr(p, "title_word", "") or "",
                       "f_activity": getattr(p, "activity", "") or "",
                       "f_region_name": getattr(p.region, "name", "") or ""})
        for i, e in enumerate(CHOICES_OF_ELEMENTS):  # the checkboxes are numbered by choice
            if e in (getattr(p, "elements", ()) or ()):
                values[f"f_elements.{i}"] = e
    return values


# ---------------------------------------------------------------- the submitted form as data


def data_from_form(action: str, form: Mapping[str, str], today: date | None = None,
                   schemas: Mapping[str, type[BaseModel]] | None = None,
                   model: type[BaseModel] | None = None) -> dict[str, Any]:
    """The action's data from the submitted fields; a value that is not of its kind is one
    DomainError naming the field. Empty fields are left out, so the schema and the rules
    answer for what is missing; a table row left blank is not a record."""
    items = items_of(action, today or date.today(), form, schemas, model)  # today only bounds the date pickers
    data: dict[str, Any] = {}
    for it in items:
        if isinstance(it, Group) and it.repeat:
            records = []
            for _, row in it.rows:
                record: dict[str, Any] = {}
                for i in row:
                    _put(record, i.name.rsplit(".", 1)[1], _value(i, form))
                if any(v not in (None, False) for v in record.values()):
                    records.append({k: v for k, v in record.items() if v is not None})
            if records:
                _put(data, it.name[2:], records)
            continue
        for i in ([x for _, row in it.rows for x in row] if isinstance(it, Group) else [it]):
            value = _value(i, form)
            if value is not None:
                _put(data, i.name[2:], value)
    return data


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    if value is None:
        return
    node = data
    *parents, leaf = dotted.split(".")
    for p in parents:
        node = node.setdefault(p, {})
    node[leaf] = value


def _value(i: Input, form: Mapping[str, str]) -> Any:
    if i.kind == "checks":
        keys = [k for k in form if k.startswith(i.name + ".") and k.rsplit(".", 1)[1].isdigit()]
        chosen = [form[k] for k in sorted(keys, key=lambda k: int(k.rsplit(".", 1)[1])) if form[k]]
        return chosen or None
    raw = (form.get(i.name) or "").strip()
    if i.kind == "check":
        return raw == "yes"
    if not raw:
        return None
    if i.kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if i.kind == "yesno":
        return {"yes": True, "no": False}.get(raw)
    if i.kind == "int":
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not number.is_integer():
            raise DomainError("invalid_data", f"“{i.label}”应为整数，收到“{raw[:40]}”")
        return int(number)
    if i.kind == "number":
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise DomainError("invalid_data", f"“{i.label}”应为数字，收到“{raw[:40]}”")
        return number
    return raw
