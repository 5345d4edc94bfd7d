"""What every action schema of program 1 is built from (``service.cnlic.actions``,
``service.cnlic.annual_schemas``): the base model, a figure with its unit, the bounded text and
the policy's choices, declared once."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.limits import LIMITS
from domain.cnlic.policy import get_policy
from domain.cnlic.annual_report import MARKET_SHARE_BASIS

POLICY = get_policy()
NAME = LIMITS.name_chars
TEXT = LIMITS.text_chars
ITEMS = LIMITS.list_items
FIGURE_MAX = 1e12  # as service.cnlic.starts: no cluster's figure comes near it; a fuzzer's 10**400 stops here
EARLIEST = date(1990, 1, 1)  # before any co-built title
LATEST = date(2099, 12, 31)  # a date typed as 2999 is a typo, not a plan

RouteCode = Literal[tuple(POLICY.routes)]  # type: ignore[valid-type]
TierCode = Literal[tuple(POLICY.tiers)]  # type: ignore[valid-type]
Element = Literal[tuple(POLICY.naming_elements)]  # type: ignore[valid-type]
# a panel member's field and a part's grade: the code or its Chinese label, as the domain takes them
PanelField = Literal[tuple(POLICY.panel_fields) + tuple(POLICY.panel_fields.values())]  # type: ignore[valid-type]
Grade = Literal[tuple(g.grade for g in POLICY.graded_bands) + tuple(g.label for g in POLICY.graded_bands)]  # type: ignore
Finite = Annotated[float, Field(allow_inf_nan=False, strict=True)]
ShortText = Annotated[str, Field(min_length=1, max_length=NAME)]
LongText = Annotated[str, Field(min_length=1, max_length=TEXT)]

# labels of the choices, for the console's selects
CHOICES: dict[str, dict[str, str]] = {
    "route": {c: r.label for c, r in POLICY.routes.items()},
    "tier": {c: t.label for c, t in POLICY.tiers.items()},
    "field": dict(POLICY.panel_fields),
    "grade": {g.grade: g.label for g in POLICY.graded_bands},
    "kind": {"association": "行业协（学）会、中心", "provincial": "省级地方轻工行业组织"},
    "decision": {"approve": "批准", "refuse": "不予批准", "defer": "暂缓"},
    "market_share_basis": dict(MARKET_SHARE_BASIS),  # 附件五 第 10 行 的“或”
}


def unit(title: str, unit_: str, description: str, default: Any = ..., **kw: Any) -> Any:
    """A figure: its unit is declared once, here, and shown by every form."""
    return Field(default, title=title, description=f"{description}（单位：{unit_}）", json_schema_extra={"x-unit": unit_},
                 **kw)


class ActionData(BaseModel):
    """Base of every action's data: unknown keys are refused (a typo is not silently dropped)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    # a refusal on these fields carries the domain rule's code (field name → code)
    codes: ClassVar[dict[str, str]] = {}
    # … and when the field is absent or empty
    missing_codes: ClassVar[dict[str, str]] = {}
    # … and for a key it does not have
    unknown_code: ClassVar[str] = "invalid_data"
