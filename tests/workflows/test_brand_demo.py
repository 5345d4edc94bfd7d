"""Program 4's demo set (make run): pilots waiting on each role, one imported with its past in
material review whose journal and workflow agree for the audit."""

from __future__ import annotations

import pytest

from audit.service import AuditService
from service.brand import samples
from service.brand.demo import CITY, EXPERT, MIIT, PROVINCE, load_demo
from service.brand.pilots import BrandService
from service.brand.todo import todo_for
from store.brand import repo

pytestmark = pytest.mark.workflow


async def test_the_demo_puts_a_pilot_before_each_role_and_loads_once(sim):
    loaded = await load_demo(sim.env.client, sim.engine, sim.task_queue)
    assert loaded and await load_demo(sim.env.client, sim.engine, sim.task_queue) == []
    await sim._until(lambda: repo.pilot(sim.engine, "demo-brand-silk").stage == "recommended"
                     and repo.pilot(sim.engine, "demo-brand-furniture").last_seq > 0, "demo")
    stages = {r.key: r.stage for r in repo.pilots(sim.engine)}
    assert stages == {"demo-brand-ceramics": "applied", "demo-brand-tea": "sealed", "demo-brand-silk": "recommended",
                      "demo-brand-furniture": "material_review"}
    today = await sim.today()
    assert [e.action for e in todo_for(sim.engine, CITY, today)] == ["seal_application"]
    assert [e.action for e in todo_for(sim.engine, PROVINCE, today)] == ["recommend"]
    assert [e.action for e in todo_for(sim.engine, EXPERT, today)] == ["record_material_review"]

    svc = BrandService(sim.env.client, sim.engine, task_queue=sim.task_queue, now=sim.env.get_current_time)
    await svc.act(MIIT, "demo-brand-furniture", "record_material_review", samples.MATERIAL_EXCELLENT)
    assert repo.pilot(sim.engine, "demo-brand-furniture").material_total == 90.0
    report = await AuditService(sim.env.client, sim.engine).replay("brand.demo-brand-furniture", "审计")
    assert report.verification.ok and report.ok, report.as_dict()
