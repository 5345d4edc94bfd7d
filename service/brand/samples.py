"""Complete, labelled 【演示】 forms of program 4 — an application, a yearly summary, a supervision
record, an evaluation application with its condition figures — for the demo set, the example
scenarios and the tests. Each takes the few facts that vary (names, years, the indicators)."""

from __future__ import annotations

from datetime import date
from typing import Any

PARA = "【演示】区域品牌建设按方案推进，组织机构健全，政策资金落实，企业参与积极，效果明显。"


def _text(n: int, seed: str = PARA) -> str:
    """About ``n`` characters of demo text."""
    return (seed * (n // len(seed) + 1))[:n]


def application(name: str, province: str, city: str, industries: list[dict[str, Any]], *, year: int,
                county: str = "", applicant: str | None = None, applicant_kind: str = "other_agglomeration",
                plan_years: int = 2, value_added_rate: float = 20.0, own_brand_share: float = 30.0,
                new_product_rate: float = 15.0, intl_standard_share: float = 20.0) -> dict[str, Any]:
    """申报书 (both parts) for figures of ``year`` (the year before filing)."""
    return {
        "region": {"name": name, "kind": "其他产业聚居区", "province": province, "city": city, "county": county or None,
                   "applicant": applicant or f"{name}管理委员会", "applicant_kind": applicant_kind,
                   "contact": "【演示】张联络", "contact_title": "办公室主任", "phone": "0798-0000000"},
        "composition": {"structure": _text(120), "history": _text(120), "uniqueness": _text(80)},
        "industries": industries,
        "figures": {"year": year, "firms": 420, "large_firms": 96, "output": 512.5,
                    "value_added_rate": value_added_rate, "own_brand_share": own_brand_share},
        "quality": {"incidents": "【演示】近三年未发生重特大质量安全、安全生产、环境保护和信誉损害事故。",
                    "collective_brands": "【演示】注册集体商标 1 件。", "own_brands": "【演示】自主品牌 60 个，省级名牌 12 个。",
                    "product_quality": "【演示】抽检合格率 98%。", "rd_ratio": 2.4, "new_product_rate": new_product_rate,
                    "rd_capability": "【演示】省级技术中心 5 家。", "standards": "【演示】参与制定国家标准 3 项。",
                    "intl_standard_share": intl_standard_share, "platforms": "【演示】检验检测中心 1 个。",
                    "support": "【演示】设立品牌建设专项资金每年 500 万元。",
                    "top_firm_1": "【演示】企业1", "top_firm_2": "【演示】企业2", "top_firm_3": "【演示】企业3"},
        "plan": {"years": plan_years, "first_phase_months": 12, "approach": _text(200), "organisation": _text(150),
                 "policies": _text(150), "work_items": _text(300), "targets": _text(200)},
        "eligibility": {"no_serious_incident": True, "organisation_committed": True, "funding_committed": True,
                        "policy_fit": True},
        "recommendation": {"number": "【演示】"},
    }


def industry(name: str, share: float = 60.0, **indicators: float) -> dict[str, Any]:
    return {"name": name, "output_share": share, **indicators}


def summary(year_no: int, reported_on: date) -> dict[str, Any]:
    return {
        "year_no": year_no, "reported_on": reported_on.isoformat(), "progress": "按进度推进试点工作",
        "status": {"development_plan": "已发布", "collective_trademark": "已注册", "management_body": "协会/联盟",
                   "self_discipline": "已发布", "rd_platform": "已创建", "testing_platform": "已创建",
                   "promotion_platform": "线上和线下", "brand_evaluation": "定期开展", "infringement": "无",
                   "incentive_fund": "有", "incentive_amount": 500, "group_standards": "已创建",
                   "training_count": 1200 * year_no, "brand_system_firms": 150 + 40 * year_no},
        "indicators": {"firms": {"at_application": 420, "last_year": 430 + 5 * year_no},
                       "output": {"at_application": 512.5, "last_year": 540 + 20 * year_no},
                       "sales": {"at_application": 498, "last_year": 520 + 20 * year_no}},
        "report": {"overview": _text(300)},
    }


def supervision(year_no: int, inspected_on: date) -> dict[str, Any]:
    return {"year_no": year_no, "inspected_on": inspected_on.isoformat(), "conclusion": "符合进度",
            "findings": "【演示】试点工作按方案推进，年度目标基本完成。"}


def evaluation(industries: dict[str, dict[str, float]], *, rereview_plan: bool = False) -> dict[str, Any]:
    """评价申请书 with the 示范区条件 figures; ``industries`` maps each main industry to its key
    indicators now."""
    experience = {"name": "【演示】以集体商标统领区域品牌的“标准+认证”模式", "overview": _text(500),
                  "background": _text(500), "experience": _text(1200), "practice": _text(900), "value": _text(400)}
    data: dict[str, Any] = {
        "form": {"unit_name": "【演示】申报单位", "leader": "【演示】李主任", "leader_title": "主任", "leader_phone": "0798-1",
                 "contact": "【演示】张联络", "mobile": "13800000000"},
        "pledge": {"truthful": True, "share": True, "continue": True, "signer": "【演示】李主任"},
        "self_assessment": _text(400),
        "experience": experience,
        "conditions": {
            "strategy_published": True, "strategy_document": "【演示】区域品牌发展战略（2027—2030）",
            "policies_in_place": True, "evaluations_done": 2, "improvement_measures": True,
            "quality_activities": ["【演示】质量提升行动", "【演示】标准领跑行动"], "firms_total": 200, "firms_trained": 190,
            "firms_with_brand_system": 120, "firms_with_brand_officer": 110, "opinion_monitoring": True,
            "promotion_activities": ["【演示】品牌巡展", "【演示】产业链对接会"],
            "indicators": [{"industry": name, **values} for name, values in industries.items()],
        },
    }
    if rereview_plan:
        data["plan"] = {"years": 3, "first_phase_months": 12, "approach": _text(200), "organisation": _text(150),
                        "policies": _text(150), "work_items": _text(300), "targets": _text(200)}
    return data


def indicators(value_added_rate: float, own_brand_share: float, new_product_rate: float, intl_standard_share: float,
               brand_system_working_share: float = 40.0) -> dict[str, float]:
    return {"value_added_rate": value_added_rate, "own_brand_share": own_brand_share,
            "new_product_rate": new_product_rate, "intl_standard_share": intl_standard_share,
            "brand_system_working_share": brand_system_working_share}


MATERIAL_EXCELLENT = {"scores": {"work_items": 36, "safeguards": 18, "brand_mechanism": 18, "brand_influence": 9,
                                 "demonstration": 9}}
DEFENCE_EXCELLENT = {"scores": {"innovation": 27, "leadership": 27, "transferability": 18, "sharing": 18}}
