"""Program 3's demo set for ``make run``: the 36 zones, and one round open for last year's
data (labelled 【演示】 in every text it writes) with a few zones at different steps: the demo
zone office's zone (西樵) still filling with a draft, one zone waiting for its city/county, one
for its 经贸局, one returned for correction, one waiting for the province, one received. The
demo logins (``service.guangdong.program``) are the actors. Idempotent: a store with a round
is left alone."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

from domain.calendar import SHANGHAI
from domain.guangdong.policy import due_date, get_policy
from domain.guangdong.zones import BY_KEY
from service.guangdong.rounds import GuangdongService
from service.guangdong.sample import sample_contact, sample_form, sample_summary
from service.guangdong.simulate import actor_for
from store.guangdong import repo

DEMO_ZONE = "gd-foshan-xiqiao-textiles"


async def _until(done, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not done():
        if loop.time() > deadline:
            raise TimeoutError("demo round not recorded")
        await asyncio.sleep(0.1)


async def load_demo(client: Any, engine: Any, task_queue: str) -> list[str]:
    svc = GuangdongService(client, engine, task_queue=task_queue)
    svc.ensure_zones()
    if repo.rounds(engine):
        return []
    today = datetime.now(SHANGHAI).date()
    year = today.year - 1
    due = due_date(get_policy(), year)
    if due <= today:  # opened late in the year: the demo gives its zones until next spring
        due = date(today.year + 1, 3, 31)
    await svc.open_round(actor_for("province_department", None), year, due)
    await _until(lambda: len([f for f in repo.filings(engine, year) if f.last_seq]) >= len(BY_KEY))

    async def walk(key: str, steps: list[tuple[str, str, dict]]) -> None:
        zone = BY_KEY[key]
        for action, role, data in steps:
            user = actor_for(role, zone)
            if action == "submit":
                await svc.submit(user, year, key, sample_form(zone, year), sample_summary(zone, year), sample_contact(zone))
            else:
                await svc.act(user, year, key, action, data)

    sign = {"opinion": "【演示】同意报送。"}
    submit = ("submit", "zone_office", {})
    local = ("sign_off", "local_government", sign)
    prefecture = ("sign_off", "prefecture_bureau", sign)
    await walk("gd-foshan-dali-nonferrous", [submit])  # waiting for 南海区 (the demo county)
    await walk("gd-foshan-danzao-hardware", [submit, local])  # waiting for 佛山市经贸局 (the demo prefecture)
    await walk("gd-foshan-shishan-appliances", [submit, local, ("return_filing", "prefecture_bureau",
                                                                {"reason": "【演示】规模以上企业数与统计数据不符，请核实。"})])
    await walk("gd-foshan-shunde-appliances", [submit, local, prefecture])  # waiting for the province
    await walk("gd-foshan-chancheng-ceramics", [submit, local, prefecture, ("receive", "province_department", {})])
    zone = BY_KEY[DEMO_ZONE]
    form = sample_form(zone, year)
    svc.save_draft(actor_for("zone_office", zone), year, DEMO_ZONE, {k: v for k, v in form.items()
                                                                      if k not in ("patents", "invention_patents")},
                   sample_summary(zone, year), sample_contact(zone))
    return [f"广东省产业集群升级示范区：36 个示范区，{year} 年度考核（截止 {due}），6 个示范区处于不同环节"]
