"""The demo set ``make run`` loads into an empty store: a few clearly labelled 【演示】
clusters at different stages, some imported with historical conferral dates so reminders,
overdue flags and deadlines are visible at once. Dates are relative to today."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.calendar import add_months
from domain.cnlic.model import Actor
from service.cnlic.lifecycle import LifecycleService
from service.cnlic.thresholds import load_seed as load_seed_thresholds

SECRETARIAT = Actor("secretariat", "综合业务部（演示）")
APPLICANT = Actor("applicant", "演示县人民政府")
ASSOCIATION = Actor("association", "中国陶瓷工业协会")
PROVINCIAL = Actor("provincial", "江西省轻工业联合会")
LEADER = Actor("leader", "演示会领导")
LEAD_EXPERT = Actor("expert", "李专家")


def _cluster(key: str, industry: str, product: str, tier: str, province: str, city: str, county: str, code: str,
             name: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "industry": industry, "product": product, "tier": tier, "name": f"【演示】{name}",
            "region": {"province": province, "city": city, "county": county, "code": code}, **extra}


PANEL = [
    {"name": "李专家", "senior": True, "field": "industry_management", "region_code": "110105", "lead": True},
    {"name": "王专家", "senior": True, "field": "technology", "region_code": "310104"},
    {"name": "赵专家", "senior": True, "field": "standards", "region_code": "320102"},
    {"name": "钱专家", "senior": False, "field": "environment", "region_code": "330106"},
    {"name": "孙专家", "senior": False, "field": "policy_research", "region_code": "110108"},
]
REPORT = {
    "findings": ["产业规模居全国前列", "龙头企业带动作用强", "公共服务平台完善", "绿色转型成效明显"],
    "recommendations": ["加强区域品牌建设", "推进智能制造", "完善标准体系", "培育专业人才"],
    "recommend": True,
    "indicators": {"output": {"value": 86.0, "rank": 2}},
    # 附件一 as the expert enters it: values, checked against examples/thresholds/demo.yaml's
    # 造纸 基地 table (12 of 13 part-1 rows met: rd_ratio is under its threshold)
    "score_sheet": {"values": {
        "output_value": 180, "sales_revenue": 1500000, "main_revenue": 1500000, "profit_tax": 100000,
        "exports": 16000, "firms": 320, "above_scale_firms": 70, "patents": 500, "standards": 8, "brands": 8,
        "employees": 35000, "rd_ratio": 1.2, "market_share": 9, "safety_cert_share": 70, "iso9000_share": 50,
        "iso14000_share": 30, "iso22000_share": 6, "pass_rate": 99.5,
        "quality_incident": "无", "pollution_incident": "无", "safety_accident": "无"},
        "part1": 52, "part2": 18, "part3": 9, "part4": 9, "total": 88},
}


async def load_demo(service: LifecycleService) -> list[str]:
    today = await service.today()
    load_seed_thresholds(service.engine)  # 达标值 tables for the demo's industries (issue 11)
    keys: list[str] = []

    async def add(cluster: dict[str, Any], start: dict[str, Any]) -> None:
        await service.register(cluster, start, SECRETARIAT)
        keys.append(cluster["key"])

    # a title expiring in three weeks whose re-evaluation application is already overdue
    await add(_cluster("demo-ceramics", "陶瓷", "陶瓷", "capital", "广东省", "佛山市", "禅城区", "440604", "佛山陶瓷"),
              {"stage": "designated", "on": (add_months(today, -48) + timedelta(days=21)).isoformat()})
    # a title in its second year: the next annual report is armed
    await add(_cluster("demo-furniture", "家具", "家具", "base", "广东省", "东莞市", "厚街镇", "441900", "厚街家具",
                       title_word="城"),
              {"stage": "designated", "on": add_months(today, -14).isoformat()})
    # expired more than two years ago: the next annual recognition revokes it
    await add(_cluster("demo-leather", "皮革", "皮革", "base", "河北省", "沧州市", "献县", "130929", "献县皮革"),
              {"stage": "designated", "on": add_months(today, -80).isoformat()})
    # in cultivation, planned two years
    await add(_cluster("demo-bamboo", "竹制品", "竹制品", "town", "浙江省", "湖州市", "安吉县", "330523", "安吉竹制品",
                       title_word="镇"),
              {"stage": "cultivation", "on": today.isoformat(), "planned_years": 2})
    # applied through both an association and the provincial body; one opinion still missing
    porcelain = _cluster("demo-porcelain", "陶瓷", "日用陶瓷", "capital", "江西省", "景德镇市", "珠山区", "360203",
                     "景德镇日用陶瓷")
    await add(porcelain, {"stage": "applied", "on": today.isoformat(), "application": {
        "route": "association_and_provincial", "bodies": ["中国陶瓷工业协会", "江西省轻工业联合会"],
        "industry_history_years": 60}})
    await service.act("demo-porcelain", "record_opinion", {"text": "同意推荐", "recommend": True}, ASSOCIATION)
    # walked to formal review today: the 15-working-day clock is running
    paper = _cluster("demo-paper", "造纸", "特种纸", "base", "浙江省", "衢州市", "龙游县", "330825", "龙游特种纸")
    await add(paper, {"stage": "applied", "on": today.isoformat(), "application": {
        "route": "association", "bodies": ["中国造纸协会"], "industry_history_years": 30}})
    await service.act("demo-paper", "record_opinion", {"text": "同意"}, Actor("association", "中国造纸协会"))
    await service.act("demo-paper", "accept_application", {}, SECRETARIAT)
    await service.act("demo-paper", "approve_site_visit",
                      {"visit_on": (today + timedelta(days=7)).isoformat(), "panel": PANEL}, LEADER)
    await service.act("demo-paper", "record_site_report", REPORT, LEAD_EXPERT)
    await service.act("demo-paper", "record_formal_opinion", {"recommend": True}, Actor("association", "中国造纸协会"))
    # approved by today's meeting, the joint document still to be issued (§三(四)): on the radar
    dehua = _cluster("demo-dehua", "陶瓷", "陶瓷", "base", "福建省", "泉州市", "德化县", "350526", "德化陶瓷")
    await add(dehua, {"stage": "applied", "on": today.isoformat(), "application": {
        "route": "association", "bodies": ["中国陶瓷工业协会"], "industry_history_years": 40}})
    await service.act("demo-dehua", "record_opinion", {"text": "同意推荐", "recommend": True}, ASSOCIATION)
    await service.act("demo-dehua", "accept_application", {}, SECRETARIAT)
    await service.act("demo-dehua", "approve_site_visit",
                      {"visit_on": (today + timedelta(days=7)).isoformat(), "panel": PANEL}, LEADER)
    await service.act("demo-dehua", "record_site_report", REPORT, LEAD_EXPERT)
    await service.act("demo-dehua", "record_formal_opinion", {"recommend": True}, ASSOCIATION)
    await service.act("demo-dehua", "complete_formal_review", {}, SECRETARIAT)
    await _until_waiting(service, "demo-dehua")
    await service.hold_meeting({"demo-dehua": "approve"}, SECRETARIAT, today)
    return keys


async def _until_waiting(service: LifecycleService, key: str, attempts: int = 100) -> None:
    """The meeting queue learns of a cluster by an activity's signal: wait until it is there."""
    import asyncio

    for _ in range(attempts):
        if key in {w.cluster_key for w in await service.waiting_for_meeting()}:
            return
        await asyncio.sleep(0.05)


