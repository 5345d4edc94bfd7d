"""达标值 as data (RULES.md "Thresholds", 附件一 备注1, §一(一)): per industry and tier, a
versioned table of the part-1 and part-2 indicators' thresholds, and the pure rules over it —
what a table must hold, which version is in force on a date, who may file one, and whether a
value meets its row. Pure: the store keeps the versions, the service resolves one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from domain.errors import DomainError
from domain.cnlic.model import Role
from domain.cnlic.policy import Policy, SheetIndicator

# comparison of the entered value with the threshold: at least / at most
DIRECTIONS: Mapping[str, str] = {">=": "不低于", "<=": "不高于"}
# the tiers of 附件一 备注1, as the tables are filed (the policy's tier codes)
TIER_LABELS: Mapping[str, str] = {"capital": "都", "base": "基地（城、园、区等）", "town": "乡（镇、街等）"}
TIER_SHORT: Mapping[str, str] = {"capital": "都", "base": "基地", "town": "乡镇"}


@dataclass(frozen=True)
class ThresholdRow:
    key: str
    value: float
    direction: str = ">="
    unit: str = ""

    def met_by(self, value: float) -> bool:
        return value >= self.value if self.direction == ">=" else value <= self.value

    def describe(self) -> str:
        return f"{DIRECTIONS.get(self.direction, self.direction)} {self.value:g}{self.unit}"


@dataclass(frozen=True)
class ThresholdTable:
    """One filed version: never edited; a later version with a later effective date supersedes."""

    industry: str
    tier: str
    version: int
    effective_from: date
    rows: tuple[ThresholdRow, ...]
    filed_by: str = ""

    @property
    def ref(self) -> str:
        """How a score sheet names the version it was checked against."""
        return f"{self.industry}·{TIER_SHORT.get(self.tier, self.tier)}·第{self.version}版"

    def row(self, key: str) -> ThresholdRow | None:
        return next((r for r in self.rows if r.key == key), None)

    def as_sheet_data(self) -> dict[str, Any]:
        """The resolved table as it travels inside the score sheet (action data, history)."""
        return {
            "ref": self.ref,
            "industry": self.industry,
            "tier": self.tier,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "rows": {r.key: {"value": r.value, "direction": r.direction, "unit": r.unit} for r in self.rows},
        }


class ThresholdsInvalid(DomainError):
    """A filed table with errors: every one named by row and indicator."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(errors[0].code, "；".join(e.message for e in errors),
                         errors=[e.as_dict() for e in errors])
        self.errors = errors


def threshold_indicators(policy: Policy) -> list[tuple[str, SheetIndicator, str]]:
    """Every row a table may hold, in 附件一's order: (key, its sheet row, part)."""
    out: list[tuple[str, SheetIndicator, str]] = []
    for ind in policy.score_part1_rows:
        out.extend((k, ind, "part1") for k in ind.keys)
    for ind in policy.score_part2_rows:
        if not ind.yes_no:
            out.append((ind.key, ind, "part2"))
    return out


def indicator_by_key(policy: Policy) -> dict[str, tuple[SheetIndicator, str]]:
    return {k: (ind, part) for k, ind, part in threshold_indicators(policy)}


def _label(policy: Policy, key: str) -> str:
    found = indicator_by_key(policy).get(key)
    return found[0].label_of(key) if found else key


def check_tier(tier: str) -> str:
    if tier not in TIER_LABELS:
        raise DomainError("tier_unknown", f"授名分类“{tier}”无效，应为 都、基地、乡镇 之一（capital/base/town）")
    return tier


def check_table_rows(policy: Policy, rows: Sequence[Mapping[str, Any]]) -> tuple[ThresholdRow, ...]:
    """A filed table's rows, checked; each mapping may carry ``row`` (its line in the file).

    Every part-1 indicator needs a threshold (for a 或 row: at least one alternative) and so
    does each of part 2's first five; the three veto rows take none (达标值 is 无)."""
    known = indicator_by_key(policy)
    errors: list[DomainError] = []
    out: list[ThresholdRow] = []
    seen: set[str] = set()
    for i, raw in enumerate(rows, 1):
        line = raw.get("row", i)
        key = str(raw.get("key") or "").strip()
        if key not in known:
            errors.append(DomainError("thresholds_row_unknown", f"第 {line} 行：“{key or '（空）'}”不是附件一第一、二部分的达标指标",
                                      row=line, indicator=key))
            continue
        label = known[key][0].label_of(key)
        if key in seen:
            errors.append(DomainError("thresholds_row_duplicate", f"第 {line} 行（{label}）：同一指标重复填写",
                                      row=line, indicator=key))
            continue
        value = raw.get("value")
        if value is None or value == "":
            continue  # a blank row: that alternative has no threshold in this table
        if isinstance(value, bool):
            value = "是" if value else "否"
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or number < 0:
            errors.append(DomainError("thresholds_value_invalid", f"第 {line} 行（{label}）：达标值应为不小于 0 的数字，收到“{value}”",
                                      row=line, indicator=key))
            continue
        direction = str(raw.get("direction") or ">=").strip()
        direction = {"不低于": ">=", "≥": ">=", "不高于": "<=", "≤": "<="}.get(direction, direction)
        if direction not in DIRECTIONS:
            errors.append(DomainError("thresholds_direction_invalid", f"第 {line} 行（{label}）：比较方向应为 不低于 或 不高于，收到“{direction}”",
                                      row=line, indicator=key))
            continue
        unit = known[key][0].unit_of(key)
        given = str(raw.get("unit") or "").strip()
        if given and given != unit:
            errors.append(DomainError("thresholds_unit_mismatch", f"第 {line} 行（{label}）：单位应为“{unit}”，收到“{given}”",
                                      row=line, indicator=key))
            continue
        seen.add(key)
        out.append(ThresholdRow(key, number, direction, unit))
    for ind in policy.score_part1_rows + policy.score_part2_rows:
        if ind.yes_no or any(k in seen for k in ind.keys):
            continue
        if not any(e.details.get("indicator") in ind.keys for e in errors):
            errors.append(DomainError("thresholds_row_missing", f"缺少“{ind.label}”的达标值" + (f"（或“{ind.alt_label}”）" if ind.alt_key else ""),
                                      row=None, indicator=ind.key))
    if errors:
        raise ThresholdsInvalid(errors)
    order = [k for k, _, _ in threshold_indicators(policy)]
    return tuple(sorted(out, key=lambda r: order.index(r.key)))


def in_force(tables: Iterable[ThresholdTable], on: date) -> ThresholdTable | None:
    """The version in force on ``on``: the latest effective date not after it (a later
    version filed for the same date supersedes an earlier one)."""
    candidates = [t for t in tables if t.effective_from <= on]
    return max(candidates, key=lambda t: (t.effective_from, t.version), default=None)


def missing_error(industry: str, tier: str, on: date) -> DomainError:
    return DomainError(
        "thresholds_missing",
        f"“{industry}”行业“{TIER_LABELS.get(tier, tier)}”级没有在 {on.isoformat()} 生效的达标值表（附件一 备注1）："
        "请该行业协（学）会、中心或综合业务部先报送达标值表，再录入打分表",
        industry=industry, tier=tier, on=on.isoformat(),
    )


def check_may_file(role: str, industries: Iterable[str], industry: str) -> None:
    """The secretariat files for any industry; an association only for its own (附件一 备注1:
    各行业协（学）会、中心 … 分别制定)."""
    if role == Role.SECRETARIAT:
        return
    if role == Role.ASSOCIATION:
        if industry in tuple(industries):
            return
        raise DomainError("thresholds_not_permitted", f"行业协（学）会只能报送本行业的达标值表，“{industry}”不在其行业范围内")
    raise DomainError("thresholds_not_permitted", "达标值表由行业协（学）会（本行业）或综合业务部报送")


def table_from_sheet(policy: Policy, data: Any) -> ThresholdTable:
    """The table a score sheet carries (the service put it there); refused if malformed."""
    if not isinstance(data, Mapping) or not isinstance(data.get("rows"), Mapping):
        raise DomainError("score_sheet_invalid", "打分表所附达标值表格式不正确")
    try:
        rows = tuple(
            ThresholdRow(str(k), float(r["value"]), str(r.get("direction", ">=")), str(r.get("unit", "")))
            for k, r in data["rows"].items()
        )
        return ThresholdTable(str(data["industry"]), str(data["tier"]), int(data["version"]),
                              date.fromisoformat(str(data["effective_from"])), rows)
    except (KeyError, TypeError, ValueError):
        raise DomainError("score_sheet_invalid", "打分表所附达标值表格式不正确") from None
