"""Shared data for program 2's tests: co-built clusters onboarded with their last evaluation,
the people of a round, a 推荐表 and a publicity pack."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import add_months
from domain.demonstration.policy import DEMONSTRATION_2017 as P
from domain.roles import User

SECRETARIAT = User("dm-sec", "secretariat", "综合业务部")
LEADER = User("dm-leader", "leader", "张会长")
CERAMICS = User("dm-cer", "association", "中国陶瓷工业协会", industries=("陶瓷",))
FURNITURE = User("dm-fur", "association", "中国家具协会", industries=("家具",))
AUDITOR = User("dm-audit", "auditor", "审计")


def cobuilt(key: str, industry: str = "陶瓷", n: int = 0) -> dict[str, Any]:
    """A program-1 cluster whose region is its own (one live lifecycle per region and industry)."""
    return {"key": key, "industry": industry, "product": industry, "tier": "base",
            "region": {"province": "广东省", "city": f"测试市{n}", "county": f"测试县{n}", "code": f"44{n:04d}"}}


def onboarding(today: date, months_ago: int = 20, rank: int | None = 2) -> dict[str, Any]:
    evaluation: dict[str, Any] = {"indicators": {"output": 100.0}}
    if rank is not None:
        evaluation["national_rank"] = rank
    return {"stage": "designated", "on": add_months(today, -months_ago).isoformat(), "evaluation": evaluation}


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "applicant": "测试市人民政府", "filled_on": "2027-05-10", "address": "测试市人民路1号", "postcode": "528000",
        "contact": "陈明", "mobile": "13800000000", "phone": "0757-83000000", "cluster_name": "中国陶瓷之都·测试",
        "base_year": 2026,
        "indicators": {i.key: ({"value": 10, "share": 12.5} if i.with_share else {"value": 10}) for i in P.indicators},
        "results": "建成国家级检测平台，研发投入占比 4.2%",
        "opinions": [{"kind": "applicant", "body": "测试市人民政府", "text": "同意推荐", "sealed": True}],
        "on_platform": False,
    }
    data.update(changes)
    return data


def recommendation(key: str, **changes: Any) -> dict[str, Any]:
    return {"cluster_key": key, "form": form(**changes)}
