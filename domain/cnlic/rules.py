"""Rule checks of RULES.md program 1, each raising a named ``DomainError``.

Clauses: §一(二)1(1) industry history; §二(二)1-4 tiers, naming, one lifecycle per region
and industry; §三(一) routes and opinions; §三(二) expert panel; 附件一 score sheet;
附件四 site report; 附件五 annual report indicators; §四(三) re-evaluation comparisons.
Functions take data and return parsed value objects; they never read a clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from domain.calendar import parse_date
from domain.errors import DomainError, ScoreSheetInvalid
from domain.limits import check_name
from domain.cnlic.model import Actor, ClusterProfile, Role
from domain.cnlic.policy import Policy, ScoreBand
from domain.cnlic.thresholds import TIER_SHORT, table_from_sheet

# the kinds of opinion-giving body and the first build's name guess live in domain.cnlic.bodies (RULES.md
# "Bodies": the kind comes from the directory); the guess is only the fallback for recorded data
# without a kind
from domain.cnlic.bodies import ASSOCIATION, PROVINCES, PROVINCIAL  # noqa: E402,F401
from domain.cnlic.bodies import legacy_kind_guess as classify_body  # noqa: E402


def _require(data: Mapping[str, Any], key: str, what: str, code: str = "invalid_data") -> Any:
    if key not in data or data[key] is None or data[key] == "":
        raise DomainError(code, f"缺少{what}（{key}）")
    return data[key]


def _as_number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DomainError("invalid_data", f"{what}应为数字，收到“{value}”")
    return float(value)


def _as_count(value: Any, what: str, lo: int = 0, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise DomainError("invalid_data", f"{what}应为整数，收到“{value}”")
    if value < lo or (hi is not None and value > hi):
        span = f"{lo}–{hi}" if hi is not None else f"≥{lo}"
        raise DomainError("invalid_data", f"{what}应在 {span} 之间，收到 {value}")
    return value


def _text_list(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DomainError("invalid_data", f"{what}应为文字列表")
    return [v.strip() for v in value if v.strip()]


# ------------------------------------------------------------------ application (§三(一))


@dataclass(frozen=True)
class Body:
    name: str
    kind: str  # association | provincial


@dataclass(frozen=True)
class Application:
    route: str
    bodies: tuple[Body, ...]
    industry_history_years: float
    attachments: tuple[str, ...]
    attachments_itemised: bool


def check_application(policy: Policy, data: Mapping[str, Any]) -> Application:
    route = policy.route(str(_require(data, "route", "申请形式", "route_unknown")))
    raw_bodies = data.get("bodies") or []
    if not isinstance(raw_bodies, list):
        raise DomainError("invalid_data", "bodies 应为受理意见单位的列表")
    bodies: list[Body] = []
    for item in raw_bodies:
        if isinstance(item, Mapping):
            name = str(item.get("name", "")).strip()
            kind = str(item.get("kind") or classify_body(name))
        else:
            name = str(item).strip()
            kind = classify_body(name)
        if not name:
            raise DomainError("invalid_data", "意见单位名称不能为空")
        check_name(name, "意见单位")
        if kind not in (ASSOCIATION, PROVINCIAL):
            raise DomainError("invalid_data", f"意见单位“{name}”的类别“{kind}”无效")
        if name in {b.name for b in bodies}:
            raise DomainError("route_bodies_mismatch", f"意见单位“{name}”重复列出")
        if route.needs_association is False and route.needs_provincial is False:
            raise DomainError(
                "route_bodies_mismatch", f"申请形式“{route.label}”不需要其他单位出具意见，请勿列出“{name}”"
            )
        if kind == ASSOCIATION and not route.needs_association:
            raise DomainError("route_bodies_mismatch", f"申请形式“{route.label}”不含行业协（学）会，“{name}”不应列出")
        if kind == PROVINCIAL and not route.needs_provincial:
            raise DomainError("route_bodies_mismatch", f"申请形式“{route.label}”不含省级轻工行业组织，“{name}”不应列出")
        bodies.append(Body(name, kind))
    kinds = {b.kind for b in bodies}
    if route.needs_association and ASSOCIATION not in kinds:
        raise DomainError("route_bodies_mismatch", f"申请形式“{route.label}”须列出至少一个相关行业协（学）会、中心")
    if route.needs_provincial and PROVINCIAL not in kinds:
        raise DomainError("route_bodies_mismatch", f"申请形式“{route.label}”须列出省级地方轻工行业组织")

    if data.get("industry_history_years") is None:
        raise DomainError("industry_history_missing", "申请须说明特色产业的发展年限（industry_history_years，附件二 一(二)1）")
    years = _as_number(data["industry_history_years"], "产业发展年限")
    if years < policy.min_industry_history_years:
        raise DomainError(
            "industry_history_too_short",
            f"特色产业发展基础为 {years:g} 年，不满《管理办法》第一条（二）1(1)要求的"
            f"{policy.min_industry_history_years}年以上",
        )

    itemised = "attachments" in data and data["attachments"] is not None
    attachments = tuple(_text_list(data.get("attachments"), "附件清单")) if itemised else policy.required_attachments
    missing = [a for a in policy.required_attachments if a not in attachments]
    if missing:
        raise DomainError(
            "attachments_incomplete", f"申请材料缺少：{'、'.join(missing)}（附件二、附件三）", missing=missing
        )
    return Application(route.code, tuple(bodies), years, attachments, itemised)


# check_unique_lifecycle, compose_title and check_tier_rank live in domain.cnlic.naming (RULES.md
# "Title words", "Region uniqueness"); re-exported here for the callers that import them from rules.
from domain.cnlic.naming import check_tier_rank, check_unique_lifecycle, compose_title  # noqa: E402,F401


# ------------------------------------------------------------------ expert panel (§三(二))


@dataclass(frozen=True)
class PanelMember:
    name: str
    senior: bool
    field: str
    region_code: str = ""
    lead: bool = False


def check_panel(
    policy: Policy, raw: Any, cluster_region_code: str, visit_on: Any, today: date
) -> tuple[tuple[PanelMember, ...], date]:
    visit = parse_date(visit_on, "考评日期（visit_on）") if visit_on is not None else None
    if visit is None:
        raise DomainError("invalid_data", "批准考评须写明实地考评日期（visit_on）")
    if visit < today:
        raise DomainError("visit_date_in_past", f"考评日期 {visit} 早于今天 {today}，请安排今后的日期")
    if not isinstance(raw, list):
        raise DomainError("panel_too_small", "须提交专家组名单（panel）")
    members: list[PanelMember] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise DomainError("invalid_data", "专家组成员应写明 name、senior、field、region_code")
        name = str(item.get("name", "")).strip()
        if not name:
            raise DomainError("invalid_data", "专家姓名不能为空")
        check_name(name, "专家姓名")
        if name in {m.name for m in members}:
            raise DomainError("panel_duplicate_member", f"专家“{name}”重复列出")
        field_code = str(item.get("field", "")).strip()
        field_code = _field_code(policy, field_code)
        if field_code is None:
            raise DomainError(
                "panel_field_unknown",
                f"专家“{name}”的领域“{item.get('field', '')}”不在规定范围"
                f"（{'、'.join(policy.panel_fields.values())}）",
            )
        members.append(
            PanelMember(
                name,
                bool(item.get("senior", False)),
                field_code,
                str(item.get("region_code", "") or ""),
                bool(item.get("lead", False)),
            )
        )
    if len(members) < policy.panel_min_size:
        raise DomainError(
            "panel_too_small", f"专家组只有 {len(members)} 人，《管理办法》第三条（二）要求不少于 {policy.panel_min_size} 名"
        )
    senior = sum(m.senior for m in members)
    if senior < policy.panel_min_senior:
        raise DomainError(
            "panel_too_few_senior",
            f"具有高级职称的专家只有 {senior} 名，要求不少于 {policy.panel_min_senior} 名（第三条（二））",
        )
    if sum(m.lead for m in members) > 1:
        raise DomainError("invalid_data", "专家组只能有一名组长（lead）")
    digits = policy.conflict_region_digits
    if cluster_region_code and len(cluster_region_code) >= digits:
        conflicted = [
            m.name for m in members if m.region_code and m.region_code[:digits] == cluster_region_code[:digits]
        ]
        if conflicted:
            raise DomainError(
                "panel_conflict_of_interest",
                f"专家 {'、'.join(conflicted)} 来自申请地区（{cluster_region_code[:digits]}），须回避",
                members=conflicted,
            )
    return tuple(members), visit


def _field_code(policy: Policy, value: str) -> str | None:
    if value in policy.panel_fields:
        return value
    for code, label in policy.panel_fields.items():
        if value == label:
            return code
    return None


# ------------------------------------------------------------------ score sheet (附件一)


SCORE_KEYS = ("part1_met", "part1", "part2_first5_met", "part2_vetoes_clear", "part2", "part3", "part4", "total")


@dataclass(frozen=True)
class ScoreResult:
    part1_met: int
    part1: float
    part2_first5_met: int
    part2_vetoes_clear: bool
    part2: float
    part3: float
    part4: float
    total: float
    passed: bool
    pass_mark: float
    # set when "met" was computed from entered values against a 达标值 table (issue 11);
    # a sheet of typed-in counts (before issue 11) leaves them empty and its dict unchanged
    thresholds: str | None = None
    rows: tuple[Mapping[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if self.thresholds is not None:
            extra = {"thresholds": self.thresholds, "rows": [dict(r) for r in self.rows]}
        return {
            **extra,
            "part1_met": self.part1_met,
            "part1": self.part1,
            "part2_first5_met": self.part2_first5_met,
            "part2_vetoes_clear": self.part2_vetoes_clear,
            "part2": self.part2,
            "part3": self.part3,
            "part4": self.part4,
            "total": self.total,
            "passed": self.passed,
            "pass_mark": self.pass_mark,
        }


def validate_score_sheet(policy: Policy, sheet: Any, tier: str | None = None) -> ScoreResult:
    """Check every part against the band its counts allow; collect all violations."""
    if not isinstance(sheet, Mapping):
        raise ScoreSheetInvalid([DomainError("score_sheet_invalid", "打分表应为 JSON 对象")])
    v: list[DomainError] = []
    computed = _computed_counts(policy, sheet, v, tier) if ("values" in sheet or "thresholds" in sheet) else None
    needed = SCORE_KEYS if computed is None and not v else tuple(k for k in SCORE_KEYS if k not in COMPUTED_KEYS)
    missing = [k for k in needed if k not in sheet]
    if missing:
        v.append(DomainError("score_missing_part", f"打分表缺少：{', '.join(missing)}", missing=missing))
    if v:
        raise ScoreSheetInvalid(v)

    def number(key: str, lo: float, hi: float, what: str) -> float | None:
        value = sheet[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            v.append(DomainError("score_not_a_number", f"{what}（{key}）应为数字，收到“{value}”"))
            return None
        if not lo <= value <= hi:
            v.append(DomainError("score_out_of_range", f"{what}（{key}）= {value:g}，应在 {lo:g}–{hi:g} 之间"))
            return None
        return float(value)

    def count(key: str, hi: int, what: str) -> int | None:
        if computed is not None:
            typed = sheet.get(key)
            if typed is not None and typed != computed[key]:
                v.append(DomainError("score_count_mismatch", f"{what}由录入的数值与达标值计算为 {computed[key]}，但填写为 {typed}"))
            return computed[key]
        value = sheet[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= hi:
            v.append(DomainError("score_out_of_range", f"{what}（{key}）应为 0–{hi} 的整数，收到“{value}”"))
            return None
        return value

    met1 = count("part1_met", policy.part1_indicators, "第一部分达标项数")
    p1 = number("part1", 0, policy.part1_max, "第一部分得分")
    met2 = count("part2_first5_met", policy.part2_first_items, "第二部分前5项达标数")
    vetoes = computed["part2_vetoes_clear"] if computed is not None else sheet["part2_vetoes_clear"]
    if computed is not None and sheet.get("part2_vetoes_clear") not in (None, vetoes):
        v.append(DomainError("score_count_mismatch", f"第二部分后3项由录入情况判定为{'均为无' if vetoes else '有发生'}，与填写不符"))
    if not isinstance(vetoes, bool):
        v.append(DomainError("score_not_a_number", f"part2_vetoes_clear 应为 true/false，收到“{vetoes}”"))
        vetoes = None
    p2 = number("part2", 0, policy.part2_max, "第二部分得分")
    p3 = number("part3", 0, policy.part3_max, "第三部分得分")
    p4 = number("part4", 0, policy.part4_max, "第四部分得分")
    total = number("total", 0, policy.part1_max + policy.part2_max + policy.part3_max + policy.part4_max, "总得分")

    indicators = sheet.get("indicators")
    if indicators is not None and met1 is not None and computed is None:
        counted = _count_met_indicators(policy, indicators, v)
        if counted is not None and counted != met1:
            v.append(
                DomainError("score_count_mismatch", f"指标明细中有 {counted} 项达标，但 part1_met 填写为 {met1}")
            )

    if met1 is not None and p1 is not None:
        band = _band_for(policy.part1_bands, met1)
        if not band.admits(p1):
            v.append(
                DomainError(
                    "score_band_part1",
                    f"第一部分得分 {p1:g} 与达标项数 {met1} 不符：{band.min_count}–{band.max_count} 项达标时"
                    f"得分应 {band.describe()}",
                )
            )
    if vetoes is False and p2 is not None and p2 != 0:
        v.append(
            DomainError(
                "score_veto",
                f"第二部分后3项（{'；'.join(policy.part2_veto_items)}）有不达标，第二部分不得分，但填写了 {p2:g}",
            )
        )
    elif vetoes is True and met2 is not None and p2 is not None:
        band = _band_for(policy.part2_bands, met2)
        if not band.admits(p2):
            v.append(
                DomainError(
                    "score_band_part2",
                    f"第二部分得分 {p2:g} 与前5项达标数 {met2} 不符：{band.min_count}–{band.max_count} 项达标时"
                    f"得分应 {band.describe()}",
                )
            )
    for part, score in (("part3", p3), ("part4", p4)):
        grade = sheet.get(f"{part}_grade")
        if grade is None or score is None:
            continue
        graded = {g.grade: g for g in policy.graded_bands}
        graded.update({g.label: g for g in policy.graded_bands})
        g = graded.get(grade)
        if g is None:
            v.append(DomainError("score_grade_unknown", f"{part}_grade“{grade}”应为 好/较好/一般（good/fair/average）"))
        elif not g.band.admits(score):
            v.append(
                DomainError(
                    f"score_band_{part}",
                    f"{'第三' if part == 'part3' else '第四'}部分评为“{g.label}”，得分应 {g.band.describe()}，填写了 {score:g}",
                )
            )
    if None not in (p1, p2, p3, p4, total):
        parts_sum = p1 + p2 + p3 + p4  # type: ignore[operator]
        if not math.isclose(parts_sum, total, abs_tol=1e-9):  # type: ignore[arg-type]
            v.append(
                DomainError("score_total_mismatch", f"总得分 {total:g} 不等于各部分之和 {parts_sum:g}")
            )
    if v:
        raise ScoreSheetInvalid(v)
    assert met1 is not None and met2 is not None and p1 is not None and p2 is not None
    assert p3 is not None and p4 is not None and total is not None
    if computed is not None:
        return ScoreResult(met1, p1, met2, bool(vetoes), p2, p3, p4, total, total >= policy.pass_mark,
                           policy.pass_mark, computed["thresholds"], tuple(computed["rows"]))
    return ScoreResult(met1, p1, met2, bool(vetoes), p2, p3, p4, total, total >= policy.pass_mark, policy.pass_mark)


# the counts a sheet with entered values does not type in: they are computed from the table
COMPUTED_KEYS = ("part1_met", "part2_first5_met", "part2_vetoes_clear")
_HAPPENED = {"有": True, "是": True, "无": False, "否": False}


def _computed_counts(policy: Policy, sheet: Mapping[str, Any], v: list[DomainError],
                     tier: str | None = None) -> dict[str, Any] | None:
    """附件一 from entered values (RULES.md clarification "Thresholds"): each row's value is
    compared with the 达标值 table the service resolved for the visit date; a 或 row takes
    whichever alternative was entered (exactly one) and counts once; the veto rows are met
    when the answer is 无. Appends every problem to ``v`` and returns None if any."""
    raw_table = sheet.get("thresholds")
    if raw_table is None:
        v.append(DomainError("thresholds_missing", "录入了指标数值的打分表须按生效的达标值表核对，但未附达标值表（附件一 备注1）"))
        return None
    if isinstance(raw_table, list):
        # the industry's tables in force on the visit date, one per tier: the evaluated tier's
        # is used (a title change may evaluate a tier the cluster does not hold yet)
        chosen = [t for t in raw_table if isinstance(t, Mapping) and (tier is None or t.get("tier") == tier)]
        if len(chosen) != 1:
            industry = next((str(t.get("industry")) for t in raw_table if isinstance(t, Mapping)), "")
            v.append(DomainError("thresholds_missing", f"“{industry}”行业“{TIER_SHORT.get(str(tier), tier)}”级没有在考评日生效的达标值表"
                                 "（附件一 备注1）：请该行业协（学）会、中心或综合业务部先报送达标值表，再录入打分表"))
            return None
        raw_table = chosen[0]
    try:
        table = table_from_sheet(policy, raw_table)
    except DomainError as e:
        v.append(e)
        return None
    if tier is not None and table.tier != tier:
        v.append(DomainError("thresholds_missing", f"所附达标值表 {table.ref} 不是本次考评等级的表"))
        return None
    values = sheet.get("values")
    if not isinstance(values, Mapping):
        v.append(DomainError("score_values_missing", "打分表须按附件一逐项录入指标数值（values）"))
        return None
    known = {k for ind in policy.score_part1_rows + policy.score_part2_rows for k in ind.keys}
    unknown = [str(k) for k in values if k not in known]
    if unknown:
        v.append(DomainError("score_sheet_invalid", f"打分表中有附件一没有的指标：{'、'.join(unknown)}"))
    rows: list[dict[str, Any]] = []
    met = {"part1": 0, "part2": 0}
    vetoes_clear = True
    start = len(v)
    for part, inds in (("part1", policy.score_part1_rows), ("part2", policy.score_part2_rows)):
        for ind in inds:
            given = [k for k in ind.keys if values.get(k) not in (None, "")]
            if not given:
                what = f"“{ind.label}”" + (f"或“{ind.alt_label}”" if ind.alt_key else "")
                v.append(DomainError("score_value_missing", f"打分表未录入{what}的数值"))
                continue
            if len(given) > 1:
                v.append(DomainError("score_alternative_ambiguous", f"“{ind.label}”与“{ind.alt_label}”是“或”项，只填其一"))
                continue
            key = given[0]
            value = values[key]
            if ind.yes_no:
                happened = _HAPPENED.get(value, value) if isinstance(value, str) else value
                if not isinstance(happened, bool):
                    v.append(DomainError("score_sheet_invalid", f"“{ind.label}”应填 有 或 无，收到“{value}”"))
                    continue
                vetoes_clear = vetoes_clear and not happened
                rows.append({"key": key, "value": "有" if happened else "无", "threshold": "无", "met": not happened})
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                v.append(DomainError("score_not_a_number", f"“{ind.label_of(key)}”应为数字，收到“{value}”"))
                continue
            row = table.row(key)
            if row is None:
                v.append(DomainError("thresholds_row_missing",
                                     f"达标值表 {table.ref} 没有“{ind.label_of(key)}”的达标值，请改填另一项或请协会补报"))
                continue
            ok = row.met_by(float(value))
            met[part] += ok
            rows.append({"key": key, "value": float(value), "threshold": row.describe(), "met": ok})
    if len(v) > start:
        return None
    return {"part1_met": met["part1"], "part2_first5_met": met["part2"], "part2_vetoes_clear": vetoes_clear,
            "thresholds": table.ref, "rows": rows}


def _band_for(bands: Sequence[ScoreBand], count: int) -> ScoreBand:
    for band in bands:
        if band.covers(count):
            return band
    raise AssertionError(f"policy bands do not cover count {count}")


def _count_met_indicators(policy: Policy, indicators: Any, v: list[DomainError]) -> int | None:
    if not isinstance(indicators, list):
        v.append(DomainError("score_sheet_invalid", "indicators 应为指标明细列表"))
        return None
    if len(indicators) > len(policy.score_part1_rows):
        # the two 或 rows are one indicator each: part 1 has 13, not 15 (RULES.md clarification)
        v.append(DomainError("score_too_many_indicators",
                             f"第一部分共 {len(policy.score_part1_rows)} 项指标（“或”项各算一项），明细列了 {len(indicators)} 项"))
        return None
    met = 0
    for i, item in enumerate(indicators, 1):
        if not isinstance(item, Mapping):
            v.append(DomainError("score_sheet_invalid", f"第 {i} 项指标应为对象"))
            return None
        if "met" in item:
            met += bool(item["met"])
        elif "value" in item and "threshold" in item:
            try:
                value, threshold = float(item["value"]), float(item["threshold"])
            except (TypeError, ValueError):
                v.append(DomainError("score_sheet_invalid", f"第 {i} 项指标的 value/threshold 应为数字"))
                return None
            met += value >= threshold
        else:
            v.append(DomainError("score_sheet_invalid", f"第 {i} 项指标须写明 met，或 value 与 threshold"))
            return None
    return met


# ------------------------------------------------------------------ site report (附件四)


@dataclass(frozen=True)
class Comparison:
    indicator: str
    previous: float
    current: float
    change_pct: float | None


@dataclass(frozen=True)
class SiteReport:
    findings: tuple[str, ...]
    recommendations: tuple[str, ...]
    score: ScoreResult
    recommend: bool
    indicators: Mapping[str, Any]
    comparisons: tuple[Comparison, ...] = ()
    best_rank: int | None = None


INDICATOR_LABELS = {
    "output": "产量",
    "value": "产值",
    "sales": "销售量（额）",
    "exports": "出口额",
    "firms": "企业数",
    "employees": "从业人员",
}


def _indicator(entry: Any, key: str) -> tuple[float | None, int | None, float | None]:
    if entry is None:
        return None, None, None
    if isinstance(entry, Mapping):
        value = entry.get("value")
        rank = entry.get("rank")
        previous = entry.get("previous")
    else:
        value, rank, previous = entry, None, None
    label = INDICATOR_LABELS.get(key, key)
    v = _as_number(value, f"指标“{label}”") if value is not None else None
    r = _as_count(rank, f"指标“{label}”的全国排名", lo=1) if rank is not None else None
    p = _as_number(previous, f"指标“{label}”的上次考评值") if previous is not None else None
    return v, r, p


def compare_indicators(
    previous: Mapping[str, float], current: Mapping[str, float], keys: Iterable[str]
) -> tuple[Comparison, ...]:
    """% change of each indicator against the previous evaluation (附件四 复评 比较性指标)."""
    out = []
    for key in keys:
        if key in previous and key in current:
            prev, cur = float(previous[key]), float(current[key])
            pct = None if prev == 0 else round((cur - prev) / abs(prev) * 100, 2)
            out.append(Comparison(key, prev, cur, pct))
    return tuple(out)


def check_site_report(
    policy: Policy,
    data: Mapping[str, Any],
    *,
    tier: str,
    new_cluster: bool,
    previous_indicators: Mapping[str, float] | None,
) -> SiteReport:
    findings = _text_list(data.get("findings"), "考评意见（findings）")
    recommendations = _text_list(data.get("recommendations"), "发展建议（recommendations）")
    if len(findings) < policy.report_min_findings:
        raise DomainError(
            "report_too_few_findings",
            f"考评意见只有 {len(findings)} 条，附件四要求一般不少于 {policy.report_min_findings} 条",
        )
    if len(recommendations) < policy.report_min_recommendations:
        raise DomainError(
            "report_too_few_recommendations",
            f"发展建议只有 {len(recommendations)} 条，附件四要求一般不少于 {policy.report_min_recommendations} 条",
        )
    if "score_sheet" not in data:
        raise DomainError("score_missing_part", "考评报告须附专家组打分表（score_sheet，附件一）")
    score = validate_score_sheet(policy, data["score_sheet"], tier)
    if "recommend" not in data or not isinstance(data["recommend"], bool):
        raise DomainError("invalid_data", "考评报告须写明推荐意见（recommend: true/false）")
    raw = data.get("indicators") or {}
    if not isinstance(raw, Mapping):
        raise DomainError("invalid_data", "indicators 应为指标对象")
    values: dict[str, float] = {}
    ranks: dict[str, int] = {}
    stated_previous: dict[str, float] = {}
    for key, entry in raw.items():
        v, r, p = _indicator(entry, key)
        if v is not None:
            values[key] = v
        if r is not None:
            ranks[key] = r
        if p is not None:
            stated_previous[key] = p
    best_rank = None
    comparisons: tuple[Comparison, ...] = ()
    if new_cluster:
        ranked = [k for k in policy.new_cluster_rank_indicators if k in ranks]
        if not ranked:
            raise DomainError(
                "report_missing_rank",
                "新共建产业集群的考评报告须写明主导产品产量、产值、销售量或出口额及其全国排名（附件四 二）",
            )
        best_rank = min(ranks[k] for k in ranked)
        check_tier_rank(policy, tier, best_rank, str(data.get("tier_exception_reason", "")))
    else:
        previous = dict(previous_indicators or {})
        previous.update(stated_previous)
        comparisons = compare_indicators(previous, values, policy.reevaluation_comparison_indicators)
        if not comparisons:
            raise DomainError(
                "report_missing_comparison",
                "复评考评报告须列出与初评或上一次复评比较的指标（产量、产值、销售量、出口额、企业数、从业人员）及增减百分比",
            )
    return SiteReport(
        tuple(findings),
        tuple(recommendations),
        score,
        data["recommend"],
        {k: {"value": values.get(k), "rank": ranks.get(k)} for k in sorted(set(values) | set(ranks))},
        comparisons,
        best_rank,
    )


# ------------------------------------------------------------------ annual report (附件五)
# the whole annex lives in domain.cnlic.annual_report (issue 11); its names are re-exported here

from domain.cnlic.annual_report import (  # noqa: E402,F401 - re-exported
    ANNUAL_BY_KEY,
    ANNUAL_INDICATORS,
    AnnualReport,
    IndicatorSpec,
    check_annual_report,
    check_annual_report_v1,
    year_on_year,
)


# ------------------------------------------------------------------ misc


def require_reason(data: Mapping[str, Any], what: str) -> str:
    reason = str(data.get("reason") or "").strip()
    if not reason:
        raise DomainError("reason_missing", f"{what}须写明书面理由（reason）")
    return reason


def require_items(data: Mapping[str, Any], what: str) -> list[str]:
    items = _text_list(data.get("items"), f"{what}清单（items）")
    if not items:
        raise DomainError("supplement_items_missing", f"{what}须列出具体材料（items）")
    for item in items:
        check_name(item, what)
    return items

