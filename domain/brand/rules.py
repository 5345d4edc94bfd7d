"""The data rules of program 4 (RULES.md "Program 4"): the application's eligibility and plan
(§三(二)–(三)), the MIIT batch a recommendation goes to (§三(四)), the evaluation application's
pledge and texts (seeds/003 附件3), the score sheets within their maxima (附件2), "excellent",
and the title decision — the seven conditions of §三(七)1 checked from the recorded figures,
the five key indicators against the application in percentage points, per main industry.

Pure: every function takes the policy and ``today``; the data reaching here has passed its
schema (``service.brand.forms``), so only rules are judged.
"""

from __future__ import annotations

import calendar as _stdcal
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping

from domain.errors import DomainError
from domain.brand.policy import BrandPolicy

# the evaluation application's typical experience: the six parts of 编制要求 二
EXPERIENCE_PARTS: tuple[tuple[str, str], ...] = (
    ("name", "名称"),
    ("overview", "概述"),
    ("background", "背景"),
    ("experience", "典型经验"),
    ("practice", "实践及效果"),
    ("value", "推广价值"),
)
# 承诺书 (seeds/003 附件3): the three pledges
PLEDGES: tuple[tuple[str, str], ...] = (
    ("truthful", "所提交申报材料真实、准确、有效，并愿意承担相应责任"),
    ("share", "公开分享区域品牌建设经验，积极配合推进区域品牌建设工作"),
    ("continue", "继续开展区域品牌建设，按年度提交工作计划和总结，参加交流活动"),
)
# §三(二) the eligibility attested with the application
ATTESTATIONS: tuple[tuple[str, str], ...] = (
    ("no_serious_incident", "近三年区域内未出现重特大质量安全、安全生产、环境保护和信誉损害等事故"),
    ("organisation_committed", "承诺对区域品牌建设做出规划部署，成立相应机构"),
    ("funding_committed", "对开展试点示范工作提供必要工作条件和经费支持"),
    ("policy_fit", "主导产业符合国家产业发展方向，已出台支持主导产业发展和质量品牌建设的政策措施"),
)
REVOKE_REASONS: dict[str, str] = {
    "serious_incident": "出现重大质量安全信誉事故",
    "brand_work_stopped": "不能持续开展品牌培育工作",
}


def chars(text: str | None) -> int:
    """字数 as a clerk counts it: every character but whitespace."""
    return sum(1 for ch in (text or "") if not ch.isspace())


# ---------------------------------------------------------------- §三(三) application


def check_application(policy: BrandPolicy, data: Mapping[str, Any], today: date) -> None:
    missing = [label for key, label in ATTESTATIONS if not (data.get("eligibility") or {}).get(key)]
    if missing:
        raise DomainError("eligibility_not_attested",
                          f"申报条件未承诺：{'；'.join(missing)}（§三(二)，近 {policy.incident_window_years} 年）")
    plan = data.get("plan") or {}
    years = plan.get("years")
    if not isinstance(years, int) or not policy.plan_years_min <= years <= policy.plan_years_max:
        raise DomainError("plan_years_invalid",
                          f"试点周期应为 {policy.plan_years_min}–{policy.plan_years_max} 年（§三(三)），收到 {years}")
    months = plan.get("first_phase_months")
    if not isinstance(months, int) or not policy.first_phase_months_min <= months <= policy.first_phase_months_max:
        raise DomainError("first_phase_invalid",
                          f"第一阶段目标的实现周期应为 {policy.first_phase_months_min}–{policy.first_phase_months_max} "
                          f"个月（申报书 第二部分 五），收到 {months}")
    figures_year = (data.get("figures") or {}).get("year")
    if figures_year != today.year - 1:
        raise DomainError("figures_year_invalid",
                          f"申报书的数据应为上一年度（{today.year - 1} 年）的统计数据，收到 {figures_year} 年")
    names = [i.get("name") for i in data.get("industries") or []]
    if not names:
        raise DomainError("industries_missing", "须至少写明一个主导产业（§三(一)）")
    if len(set(names)) != len(names):
        raise DomainError("industries_duplicate", "主导产业重复：" + "、".join(sorted({n for n in names if names.count(n) > 1})))


def application_indicators(data: Mapping[str, Any]) -> dict[str, dict[str, float | None]]:
    """Each main industry's key indicators at application: its own figures where the 申报书 gives
    them per industry, else the region's (the 申报书 prints them for the region)."""
    region = data.get("figures") or {}
    quality = data.get("quality") or {}
    base = {
        "value_added_rate": region.get("value_added_rate"),
        "own_brand_share": region.get("own_brand_share"),
        "new_product_rate": quality.get("new_product_rate"),
        "intl_standard_share": quality.get("intl_standard_share"),
        "brand_system_working_share": None,
    }
    out: dict[str, dict[str, float | None]] = {}
    for ind in data.get("industries") or []:
        out[ind["name"]] = {k: (ind.get(k) if ind.get(k) is not None else v) for k, v in base.items()}
    return out


def indicators_now(conditions: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The evaluation application's key indicators, one row per main industry."""
    return {str(row.get("industry")): dict(row) for row in conditions.get("indicators") or [] if row.get("industry")}


# ---------------------------------------------------------------- §三(四) the batches


@dataclass(frozen=True)
class Batch:
    batch_id: str  # "2027-10"
    year: int
    month: int
    cutoff: date  # the last day an application counts for this batch
    month_end: date  # the batch is held in its month; past this it is overdue

    @property
    def label(self) -> str:
        return f"{self.year} 年 {self.month} 月批次"


def batch_of(policy: BrandPolicy, year: int, month: int) -> Batch:
    before = month - 1 if month > 1 else 12
    cut_year = year if month > 1 else year - 1
    cutoff = date(cut_year, before, _stdcal.monthrange(cut_year, before)[1])
    return Batch(f"{year}-{month:02d}", year, month, cutoff, date(year, month, _stdcal.monthrange(year, month)[1]))


def batch_for(policy: BrandPolicy, received_on: date) -> Batch:
    """The first batch whose cut-off (the end of the month before it) is on or after the day the
    recommendation was received: 30 April → May; 1 May → October; 1 October → next May."""
    for year in (received_on.year, received_on.year + 1):
        for month in sorted(policy.batch_months):
            b = batch_of(policy, year, month)
            if received_on <= b.cutoff:
                return b
    raise DomainError("batch_none", "政策中没有批次月份")  # pragma: no cover - a policy without months


def batch_by_id(policy: BrandPolicy, batch_id: str) -> Batch:
    try:
        year, month = (int(x) for x in batch_id.split("-"))
    except ValueError:
        raise DomainError("batch_unknown", f"批次编号“{batch_id}”无效，应为 YYYY-MM") from None
    if month not in policy.batch_months:
        raise DomainError("batch_unknown", f"批次编号“{batch_id}”无效：论证评审在 {'、'.join(map(str, policy.batch_months))} 月")
    return batch_of(policy, year, month)


def check_quota(policy: BrandPolicy, province: str, year: int, already: Iterable[str], key: str) -> None:
    """§三(三) 各省级工业和信息化主管部门每年可推荐2-3家: at most ``province_quota`` a calendar year."""
    others = sorted(set(already) - {key})
    if len(others) >= policy.province_quota:
        raise DomainError("province_quota_exceeded",
                          f"{province} {year} 年已推荐 {len(others)} 家（{'、'.join(others)}），每省每年至多推荐 "
                          f"{policy.province_quota} 家（§三(三)）")


# ---------------------------------------------------------------- seeds/003 evaluation


def check_evaluation_application(policy: BrandPolicy, data: Mapping[str, Any]) -> None:
    pledge = data.get("pledge") or {}
    missing = [label for key, label in PLEDGES if not pledge.get(key)]
    if missing:
        raise DomainError("pledge_incomplete", "承诺书须逐项承诺：" + "；".join(missing))
    n = chars(data.get("self_assessment"))
    if n > policy.self_assessment_max_chars:
        raise DomainError("self_assessment_too_long",
                          f"试点工作完成情况自我评价限 {policy.self_assessment_max_chars} 字，现为 {n} 字")
    experience = data.get("experience") or {}
    total = sum(chars(experience.get(k)) for k, _ in EXPERIENCE_PARTS)
    if not policy.experience_min_chars <= total <= policy.experience_max_chars:
        raise DomainError("experience_length_invalid",
                          f"典型经验字数要求在 {policy.experience_min_chars}–{policy.experience_max_chars} 字，"
                          f"现为 {total} 字（六部分合计，不计空白）")


def check_scores(policy: BrandPolicy, sheet: str, scores: Mapping[str, Any]) -> float:
    """Each part within its maximum (附件2); returns the total."""
    parts = policy.material_parts if sheet == "material" else policy.defence_parts
    total = 0.0
    for p in parts:
        value = scores.get(p.key)
        if value is None:
            raise DomainError("score_missing", f"缺少“{p.label}”的得分（满分 {p.max_points} 分）")
        if not 0 <= float(value) <= p.max_points:
            raise DomainError("score_part_over_max", f"“{p.label}”得分 {value:g} 超出 0–{p.max_points} 分")
        total += float(value)
    return round(total, 2)


def is_excellent(policy: BrandPolicy, material_total: float | None, defence_total: float | None) -> bool:
    return (material_total is not None and defence_total is not None
            and material_total >= policy.excellent_material and defence_total >= policy.excellent_defence)


# ---------------------------------------------------------------- §三(七) the title decision


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    met: bool
    evidence: str


@dataclass
class IndustryDecision:
    industry: str
    granted: bool
    title: str
    conditions: list[Condition] = field(default_factory=list)

    @property
    def failed(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]


def _pct(part: Any, whole: Any) -> float | None:
    if not whole:
        return None
    return round(100.0 * float(part or 0) / float(whole), 2)


def _g(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


def region_conditions(policy: BrandPolicy, c: Mapping[str, Any]) -> list[Condition]:
    """Conditions (1)–(6), from the evaluation application's attested figures."""
    out = []
    ok = bool(c.get("strategy_published")) and bool(c.get("policies_in_place"))
    out.append(Condition("strategy", "(1) 正式发布区域品牌发展战略，政策、资金按计划落实", ok,
                         f"发展战略：{'已发布' if c.get('strategy_published') else '未发布'}"
                         f"{'（' + c['strategy_document'] + '）' if c.get('strategy_document') else ''}；"
                         f"政策资金：{'已落实' if c.get('policies_in_place') else '未落实'}"))
    n = int(c.get("evaluations_done") or 0)
    ok = n >= policy.min_evaluations and bool(c.get("improvement_measures"))
    out.append(Condition("evaluation", f"(2) 建立品牌评价制度并开展至少 {policy.min_evaluations} 次评价，制定改进措施", ok,
                         f"已开展评价 {n} 次；改进措施：{'已制定' if c.get('improvement_measures') else '未制定'}"))
    acts = list(c.get("quality_activities") or [])
    out.append(Condition("quality_activities", f"(3) 至少组织实施 {policy.min_quality_activities} 项质量品牌提升活动",
                         len(acts) >= policy.min_quality_activities, f"{len(acts)} 项：{'、'.join(acts) or '无'}"))
    firms = c.get("firms_total")
    trained, system, officer = (_pct(c.get(k), firms) for k in ("firms_trained", "firms_with_brand_system",
                                                                 "firms_with_brand_officer"))
    ok = (trained is not None and trained >= policy.training_percent and system is not None
          and system >= policy.brand_system_percent and officer is not None and officer >= policy.brand_officer_percent)
    out.append(Condition(
        "coverage",
        f"(4) 品牌培训覆盖 {policy.training_percent:g}% 以上，{policy.brand_system_percent:g}% 以上企业建立品牌管理体系，"
        f"{policy.brand_officer_percent:g}% 以上企业设立首席品牌官和品牌经理", ok,
        f"相关企业 {firms or 0} 家：参加培训 {c.get('firms_trained') or 0} 家（{_g(trained)}%），建立品牌管理体系 "
        f"{c.get('firms_with_brand_system') or 0} 家（{_g(system)}%），设立首席品牌官和品牌经理 "
        f"{c.get('firms_with_brand_officer') or 0} 家（{_g(officer)}%）"))
    out.append(Condition("monitoring", "(5) 建立区域品牌舆情监控系统并开展监控", bool(c.get("opinion_monitoring")),
                         "舆情监控：" + ("已建立并开展" if c.get("opinion_monitoring") else "未建立")))
    promos = list(c.get("promotion_activities") or [])
    out.append(Condition("promotion", f"(6) 至少完成 {policy.min_promotion_activities} 次区域品牌宣传或营销活动",
                         len(promos) >= policy.min_promotion_activities, f"{len(promos)} 次：{'、'.join(promos) or '无'}"))
    return out


def indicator_conditions(policy: BrandPolicy, at_application: Mapping[str, Any], now: Mapping[str, Any]
                         ) -> list[Condition]:
    """Condition (7) for one industry: each key indicator against the application, in points."""
    out = []
    for k in policy.key_indicators:
        current = now.get(k.key)
        code = f"indicator_{k.key}"
        if k.rise is not None:
            before = at_application.get(k.key)
            if current is None or before is None:
                out.append(Condition(code, f"(7) {k.label}提高 {k.rise:g} 个百分点以上", False,
                                     f"申报时 {_g(before)}%，现 {_g(current)}%：数据不全"))
                continue
            delta = round(float(current) - float(before), 2)
            out.append(Condition(code, f"(7) {k.label}提高 {k.rise:g} 个百分点以上", delta >= k.rise,
                                 f"申报时 {_g(before)}%，现 {_g(current)}%，{'提高' if delta >= 0 else '下降'} "
                                 f"{abs(delta):g} 个百分点"))
        else:
            floor = k.floor or 0.0
            ok = current is not None and float(current) >= floor
            out.append(Condition(code, f"(7) {k.label}达到 {floor:g}% 以上", ok, f"现 {_g(current)}%"))
    return out


def decide_title(policy: BrandPolicy, industries: list[str], at_application: Mapping[str, Mapping[str, Any]],
                 conditions: Mapping[str, Any], material_total: float | None, defence_total: float | None
                 ) -> list[IndustryDecision]:
    """§三(六)–(七): a title per main industry when the evaluation is excellent and all seven
    conditions hold; each condition carries its evidence."""
    excellent = is_excellent(policy, material_total, defence_total)
    grade = Condition("excellent", f"评价优秀（资料评审 ≥ {policy.excellent_material:g} 且答辩评审 ≥ "
                                   f"{policy.excellent_defence:g}）", excellent,
                      f"资料评审 {_g(material_total)} 分，答辩评审 {_g(defence_total)} 分")
    shared = region_conditions(policy, conditions)
    per_industry = indicators_now(conditions)
    out = []
    for name in industries:
        checks = [grade, *shared, *indicator_conditions(policy, at_application.get(name) or {}, per_industry.get(name) or {})]
        granted = all(c.met for c in checks)
        out.append(IndustryDecision(name, granted, policy.title_for(name) if granted else "", checks))
    return out


def revoke_reason(kind: str) -> str:
    if kind not in REVOKE_REASONS:
        raise DomainError("revoke_reason_invalid", f"撤销理由应为：{'、'.join(REVOKE_REASONS.values())}（§三(七)3）")
    return REVOKE_REASONS[kind]
