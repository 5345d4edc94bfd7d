"""Program 2's demo set (``make run``): a few more 【演示】 co-built clusters onboarded in
program 1 (so the cap is at least one), and one open round on the demo clusters with two
recommendations from the demo association — one eligible, one whose re-evaluation is late
(demo-ceramics), so the eligibility evidence shows both ways. Loaded into empty tables only;
dates are relative to today."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from domain.calendar import add_months
from domain.demonstration.policy import DEMONSTRATION_2017 as P
from domain.roles import Actor, User
from service.cnlic.lifecycle import LifecycleService
from service.demonstration.rounds import RoundService
from store.cnlic import lifecycle as cnlic_repo
from store.demonstration import rounds as repo

SECRETARIAT = User("demo-secretariat", "secretariat", "综合业务部（演示）")
ASSOCIATION = User("demo-association", "association", "中国陶瓷工业协会", industries=("陶瓷",))
ROUND_KEY = "demo-round"

# onboarded with their last evaluation (rank), beside program 1's demo clusters
CLUSTERS = (
    ("demo-yixing", "陶瓷", "紫砂陶", "江苏省", "无锡市", "宜兴市", "320282", "宜兴紫砂", 1),
    ("demo-liling", "陶瓷", "日用陶瓷", "湖南省", "株洲市", "醴陵市", "430281", "醴陵陶瓷", 3),
    ("demo-xianghe", "家具", "家具", "河北省", "廊坊市", "香河县", "131024", "香河家具", 2),
    ("demo-haining", "皮革", "皮革", "浙江省", "嘉兴市", "海宁市", "330481", "海宁皮革", 6),
)


def form(applicant: str, cluster_name: str, on_platform: bool = True) -> dict[str, Any]:
    return {
        "applicant": applicant, "filled_on": "2026-01-01", "address": f"{applicant}政务中心", "postcode": "214200",
        "contact": "陈明", "mobile": "13800000000", "phone": "0510-87000000", "cluster_name": cluster_name,
        "base_year": 2025,
        "indicators": {i.key: ({"value": 100, "share": 10} if i.with_share else {"value": 20}) for i in P.indicators},
        "results": "【演示】建成省级检测平台和电子商务平台，研发投入占销售收入 3.5%",
        "opinions": [{"kind": "applicant", "body": applicant, "text": "同意推荐", "sealed": True}],
        "on_platform": on_platform,
    }


async def load_demo(client: Any, engine: Any, task_queue: str) -> list[str]:
    if not repo.is_empty(engine):
        return []
    lifecycle = LifecycleService(client, engine, task_queue=task_queue)
    rounds = RoundService(client, engine, task_queue=task_queue)
    today = await rounds.today()
    loaded: list[str] = []
    for key, industry, product, province, city, county, code, name, rank in CLUSTERS:
        if cnlic_repo.cluster(engine, key) is not None:
            continue
        await lifecycle.register(
            {"key": key, "industry": industry, "product": product, "tier": "base", "name": f"【演示】{name}",
             "region": {"province": province, "city": city, "county": county, "code": code}},
            {"stage": "designated", "on": add_months(today, -18).isoformat(),
             "evaluation": {"indicators": {"output": 100.0}, "national_rank": rank}},
            Actor(SECRETARIAT.role, SECRETARIAT.name))
        loaded.append(key)
    for _ in range(200):  # the titles reach the journal in the lifecycles' first activities
        if all(cnlic_repo.cluster(engine, k[0]) and cnlic_repo.cluster(engine, k[0]).last_seq for k in CLUSTERS):
            break
        await asyncio.sleep(0.05)
    await rounds.open({"key": ROUND_KEY, "title": "【演示】创新升级示范评选",
                       "conference_on": (today + timedelta(days=60)).isoformat(),
                       "recommendation_deadline": (today + timedelta(days=14)).isoformat()}, SECRETARIAT)
    await rounds.act(ROUND_KEY, "recommend", {"cluster_key": "demo-yixing", "form": form("宜兴市人民政府", "宜兴紫砂产业集群")},
                     ASSOCIATION)
    if cnlic_repo.cluster(engine, "demo-ceramics") is not None:
        await rounds.act(ROUND_KEY, "recommend",
                         {"cluster_key": "demo-ceramics", "form": form("佛山市禅城区人民政府", "佛山陶瓷产业集群", False)},
                         ASSOCIATION)
    return [*loaded, f"评选 {ROUND_KEY}"]
