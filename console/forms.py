"""The action forms on a cluster page: a few plain fields for the common actions, a JSON box
(prefilled with a valid example) for the structured ones, and the translation of a submitted
form into the action's data — the same data the API and the scenarios take."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from domain import yamlfmt
from domain.errors import DomainError
from service import demo


@dataclass(frozen=True)
class FormField:
    name: str  # the data key; "" for a JSON box merged into the data
    label: str
    kind: str  # text | textarea | date | lines | int | yesno | json
    hint: str = ""
    required: bool = False


# The forms' pre-filled examples are the demo set's panel and site report (a valid pair).
PANEL_EXAMPLE = demo.PANEL
REPORT_EXAMPLE = demo.REPORT
APPLICATION_EXAMPLE = {"route": "association", "bodies": ["中国陶瓷工业协会"], "industry_history_years": 20,
                       "attachments": []}

OPINION = (
    FormField("body", "出具单位", "text", "留空即本账号署名"),
    FormField("text", "意见", "textarea"),
    FormField("recommend", "是否推荐", "yesno"),
)
FORMS: dict[str, tuple[FormField, ...]] = {
    "file_application": (FormField("", "申请信息（JSON）", "json", "route、bodies、industry_history_years、attachments"),),
    "record_opinion": OPINION,
    "accept_application": (),
    "approve_site_visit": (
        FormField("visit_on", "考评日期", "date", required=True),
        FormField("panel", "专家组名单（JSON）", "json", "不少于 5 人，其中高级职称不少于 3 人，组长标 lead"),
    ),
    "record_site_report": (FormField("", "考评报告与打分表（JSON）", "json", "附件一打分表 score_sheet 及考评意见"),),
    "record_formal_opinion": OPINION,
    "request_supplement": (FormField("items", "需补充的材料", "lines", "每行一项", required=True),),
    "submit_supplement": (FormField("items", "提交的材料", "lines", "每行一项", required=True),),
    "complete_formal_review": (),
    "submit_annual_report": (
        FormField("year", "年度", "int", required=True),
        FormField("indicators", "主要指标（JSON）", "json", "revenue、profit、firms、employees 等"),
    ),
    "file_reevaluation": (FormField("", "复评申请（JSON，可留空沿用上次申请）", "json"),),
    "file_rectification_review": (FormField("", "整改复查申请（JSON，可留空沿用上次申请）", "json"),),
    "file_title_change": (FormField("", "变更内容（JSON）", "json", "product、tier、title_word、elements、region_name"),),
    "revoke": (FormField("reason", "取消理由", "textarea", required=True),),
    "withdraw": (FormField("reason", "撤回理由", "textarea"),),
}


def example(action: str, field: FormField, today: date, year: int | None = None) -> str:
    """The value a field starts with: a valid example where the data is structured."""
    if field.kind == "date" and field.name == "visit_on":
        return (today + timedelta(days=7)).isoformat()
    if field.kind == "int" and field.name == "year":
        return str(year or today.year - 1)
    if field.kind != "json":
        return ""
    value: Any = {}
    if action == "file_application":
        value = APPLICATION_EXAMPLE
    elif action == "approve_site_visit":
        value = PANEL_EXAMPLE
    elif action == "record_site_report":
        value = REPORT_EXAMPLE
    elif action == "submit_annual_report":
        value = {"revenue": 1000.0, "profit": 100.0, "firms": 300, "employees": 20000}
    elif action == "file_title_change":
        value = {"tier": "capital"}
    return json.dumps(value, ensure_ascii=False, indent=2) if value else ""


def data_from_form(action: str, form: Mapping[str, str]) -> dict[str, Any]:
    """The action's data from the submitted fields; a bad field is one DomainError."""
    data: dict[str, Any] = {}
    for f in FORMS.get(action, ()):
        raw = (form.get(f"f_{f.name}" if f.name else "f__json") or "").strip()
        if not raw:
            if f.required:
                raise DomainError("invalid_data", f"请填写“{f.label}”")
            continue
        if f.kind == "json":
            try:  # the bounded reader: no NaN, lone surrogates or nesting deep enough to exhaust the stack
                value = yamlfmt.load_json(raw, f.label)
            except yamlfmt.FileInvalid as e:
                raise DomainError("invalid_data", f"“{f.label}”：{e.what}（第 {e.details['line']} 行第 "
                                                  f"{e.details['column']} 列）") from None
            if not f.name:
                if not isinstance(value, dict):
                    raise DomainError("invalid_data", f"“{f.label}”应为 JSON 对象 {{…}}")
                data.update(value)
            else:
                data[f.name] = value
        elif f.kind == "lines":
            data[f.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif f.kind == "int":
            try:
                data[f.name] = int(raw)
            except ValueError:
                raise DomainError("invalid_data", f"“{f.label}”应为整数，收到“{raw}”") from None
        elif f.kind == "yesno":
            if raw in ("yes", "no"):
                data[f.name] = raw == "yes"
        else:
            data[f.name] = raw
    return data
