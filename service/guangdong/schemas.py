"""One typed schema per program-3 action (the API's request bodies with Chinese titles, the
console's forms, the CLI's ``--data`` file): the 考核表 (94 fields, titled by the form's own
labels, their kind and unit), the 年度工作总结 (27 sections), the filer's block, the draft and
submission made of them, a sign-off, a return, a receipt, the opening of a round. The schemas
check shape; the rules (kinds, ranges, consistency, completeness) answer from
``domain.guangdong`` with their own codes, naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from domain.errors import DomainError
from domain.guangdong.form import COUNT, FIELDS, GROWTH, KIND_LABELS, NAMES, NUMBER, PERCENT, TEXT, YESNO
from domain.guangdong.summary import SECTION_KEYS, section_titles
from domain.limits import LIMITS
from service.guangdong.rounds import CONTACT_FIELDS


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _field_type(kind: str) -> Any:
    if kind == TEXT:
        return str | None
    if kind == NAMES:
        return list[str] | str | None
    if kind == YESNO:
        return Literal["是", "否"] | bool | None
    if kind == COUNT:
        return int | str | None
    return float | str | None


def _description(f: Any) -> str:
    kind = KIND_LABELS[f.kind]
    unit = f"，单位：{f.unit}" if f.unit and f.unit != "%" else ""
    extra = {PERCENT: "，0–100", GROWTH: "，可为负数", NAMES: "，每项一个全称，没有的填“无”或留空", YESNO: "，填“是”或“否”",
             NUMBER: "，不小于 0", COUNT: "，整数，不小于 0"}.get(f.kind, "")
    return f"{kind}{unit}{extra}（{f.key}）"


FormIn = create_model(
    "GuangdongFormIn", __base__=Strict,
    __doc__="附件2 考核表：94 个字段（除特别说明外均为去年数据）；留空的字段保存为草稿，报送时须填全（名称类可为“无”）。",
    **{f.key: (_field_type(f.kind), Field(None, title=f.label, description=_description(f))) for f in FIELDS},
)
_TITLES = section_titles("本")
SummaryIn = create_model(
    "GuangdongSummaryIn", __base__=Strict,
    __doc__="附件3 年度工作总结：一、年度概况分析；二、（一）至（六）共 26 项。报送时每项都须写（没有内容的写“无”）。",
    **{k: (str | None, Field(None, title=_TITLES[k], max_length=LIMITS.text_chars)) for k in SECTION_KEYS},
)
ContactIn = create_model(
    "GuangdongContactIn", __base__=Strict, __doc__="申报单位、联系人及联系方式（考核表末的填报栏）。",
    **{k: (str | None, Field(None, title=label.replace(" ", ""), max_length=LIMITS.name_chars))
       for k, label in CONTACT_FIELDS.items()},
)


class DraftIn(Strict):
    """示范区办公室保存（或报送）考核材料：给出的部分替换草稿中的同一部分。"""

    form: FormIn | None = Field(None, title="考核表")  # type: ignore[valid-type]
    summary: SummaryIn | None = Field(None, title="年度工作总结")  # type: ignore[valid-type]
    contact: ContactIn | None = Field(None, title="申报单位信息")  # type: ignore[valid-type]


class SignOffIn(Strict):
    """审核同意并报送上一级：市县人民政府的意见，或地级市经贸局的意见（考核表的意见栏）。"""

    opinion: str = Field(title="意见", min_length=1, max_length=LIMITS.text_chars, description="审核意见全文")


class ReturnIn(Strict):
    """退回示范区办公室修改：写明理由；更正后须重新逐级审核。"""

    reason: str = Field(title="退回理由", min_length=1, max_length=LIMITS.text_chars)


class ReceiveIn(Strict):
    """省级主管部门接收考核材料。"""

    note: str = Field("", title="备注", max_length=LIMITS.text_chars)


class OpenRoundIn(Strict):
    """省级主管部门开启年度考核：收集该年度的数据，截止日期缺省为次年 3 月 31 日（政策值）。"""

    data_year: int = Field(title="数据年度", ge=2007, le=2200, description="考核哪一年的数据（通常为上一年）")
    due: date | None = Field(None, title="截止日期", description="留空按政策：数据年度次年 3 月 31 日")


ACTION_SCHEMAS: dict[str, type[BaseModel]] = {
    "save_draft": DraftIn, "submit": DraftIn, "sign_off": SignOffIn, "return_filing": ReturnIn, "receive": ReceiveIn,
    "open_round": OpenRoundIn,
}
MISSING_CODES = {"opinion": "opinion_required", "reason": "reason_required"}


def refusal(e: ValidationError, model: type[BaseModel]) -> DomainError:
    err = e.errors(include_url=False)[0]
    loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
    titles = []
    current: Any = model
    for part in loc:
        f = getattr(current, "model_fields", {}).get(part) if current is not None else None
        if f is None:
            if part == loc[-1] and err["type"] == "extra_forbidden":
                titles.append(f"“{part}”")
            break  # a union's branch (float, str …), not a field
        titles.append(f.title or part)
        ann = f.annotation
        current = next((a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)),
                       None)
    where = "·".join(titles) or "数据"
    kind = err["type"]
    if kind == "extra_forbidden":
        return DomainError("invalid_data", f"没有这一项：{where}")
    if kind in ("missing", "string_too_short") and loc and loc[-1] in MISSING_CODES:
        return DomainError(MISSING_CODES[loc[-1]], f"{where}：须填写")
    if kind == "string_too_long":
        return DomainError("text_too_long", f"{where}：超过 {err.get('ctx', {}).get('max_length')} 字")
    return DomainError("invalid_data", f"{where}：{ {'missing': '须填写', 'string_too_short': '须填写'}.get(kind, '格式不对')}")


def parse(action: str, data: Any) -> BaseModel:
    model = ACTION_SCHEMAS[action]
    if not isinstance(data, dict):
        raise DomainError("invalid_data", "数据应为对象 {…}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise refusal(e, model) from None


def plain(parsed: BaseModel) -> dict[str, Any]:
    return parsed.model_dump(mode="json", exclude_none=True)
