"""Driving program 4's pilots on the time-skipping server in tests: the users of each role and
short steps (file, seal, recommend, hold a batch, report yearly, evaluate)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.roles import User
from service.brand import samples
from service.brand.pilots import BrandService
from store.brand import repo

PROVINCE = "江西省"
MIIT = User("miit", "miit_reviewer", "工业和信息化部科技司")
EXPERT = User("wang", "expert", "王评审")


def body(*keys: str) -> User:
    return User("body", "implementing_body", "瓷都产业集聚区管委会", clusters=keys)


def city(*cities: str) -> User:
    return User("city", "local_government", "景德镇市人民政府", cities=cities or ("景德镇市",))


def province(name: str = PROVINCE) -> User:
    return User("prov", "province_department", f"{name}工业和信息化厅", provinces=(name,))


def service(sim) -> BrandService:
    return BrandService(sim.env.client, sim.engine, task_queue=sim.task_queue, now=sim.env.get_current_time)


async def file(sim, key: str, *, industries: list[dict[str, Any]] | None = None, plan_years: int = 2,
               prov: str = PROVINCE, **figures: float) -> BrandService:
    svc = service(sim)
    today = await sim.today()
    app = samples.application(f"{key}集聚区", prov, "景德镇市", industries or [samples.industry("陶瓷")],
                              year=today.year - 1, plan_years=plan_years, **figures)
    await svc.file(body(key), {"key": key, "application": app})
    await until(sim, lambda: (row := repo.pilot(sim.engine, key)) is not None and row.last_seq > 0)
    return svc


async def seal(sim, svc: BrandService, key: str) -> None:
    await svc.act(city(), key, "seal_application", {"sealed_on": (await sim.today()).isoformat()})


async def recommend(sim, svc: BrandService, key: str, prov: str = PROVINCE):
    return await svc.act(province(prov), key, "recommend", {"opinion": "同意推荐"})


async def until(sim, done, timeout: float = 30.0) -> None:
    await sim._until(done, "condition not reached", timeout)


async def hold(sim, svc: BrandService, batch_id: str, decisions: dict[str, str]):
    result = await svc.hold_batch(MIIT, {"batch_id": batch_id, "decisions": decisions})
    await sim.settle()
    return result


async def approved_pilot(sim, key: str, *, industries=None, plan_years: int = 2, **figures) -> BrandService:
    """A pilot filed, sealed and recommended now, approved at the next batch (time moves on)."""
    svc = await file(sim, key, industries=industries, plan_years=plan_years, **figures)
    await seal(sim, svc, key)
    await recommend(sim, svc, key)
    row = repo.pilot(sim.engine, key)
    batch_id = row.batch_id
    year, month = (int(x) for x in batch_id.split("-"))
    await sim.advance_to(date(year, month, 10))
    await hold(sim, svc, batch_id, {key: "approve"})
    await until(sim, lambda: repo.pilot(sim.engine, key).stage == "pilot")
    return svc


async def run_pilot_years(sim, svc: BrandService, key: str, years: int) -> None:
    """Each pilot year's summary and supervision filed in the year's last month."""
    row = repo.pilot(sim.engine, key)
    from domain.brand.clocks import year_bounds

    for n in range(1, years + 1):
        _, end = year_bounds(row.approved_on, n)
        await sim.advance_to(end - timedelta(days=20))
        today = await sim.today()
        await svc.act(body(key), key, "submit_summary", samples.summary(n, today))
        await svc.act(province(), key, "record_supervision", samples.supervision(n, today))


async def evaluate(sim, svc: BrandService, key: str, industries: dict[str, dict[str, float]], *,
                   material=samples.MATERIAL_EXCELLENT, defence=samples.DEFENCE_EXCELLENT, rereview: bool = False):
    action = "apply_rereview" if rereview else "apply_evaluation"
    await svc.act(body(key), key, action, samples.evaluation(industries, rereview_plan=rereview))
    await svc.act(province(), key, "recommend_evaluation", {"opinion": "同意推荐评价"})
    await svc.act(MIIT, key, "assign_experts", {"experts": [EXPERT.name]})
    await svc.act(EXPERT, key, "record_material_review", material)
    await svc.act(MIIT, key, "shortlist", {"shortlisted": True})
    await svc.act(EXPERT, key, "record_defence_review", defence)
    return await svc.act(MIIT, key, "decide_title", {"document": "工信科函〔演示〕1号"})
