"""Program 4's demo set for ``make run`` (labelled 【演示】, loaded once into empty tables): pilots
at different steps, so each demo login has something to do —

- ``demo-brand-ceramics`` filed today, waiting for the city's seal (``city``);
- ``demo-brand-tea`` sealed, waiting for the province's recommendation (``province-dept``);
- ``demo-brand-silk`` recommended, waiting for the next MIIT batch (``miit``);
- ``demo-brand-furniture`` a pilot approved two and a half years ago, its two yearly summaries
  and supervisions filed, its evaluation recommended and in material review with an expert
  assigned (``miit``, ``brand-expert``). Its past is replayed through the domain offline and
  journaled with its hash chain; its workflow starts from that state (the real clock cannot be
  moved back), the way an existing pilot would be taken into the service.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.brand.clocks import plan, year_bounds
from domain.brand.model import Event
from domain.brand.pilot import Outcome, Pilot, new_state
from domain.brand.policy import get_policy
from domain.brand.rules import batch_of
from domain.calendar import add_years
from service.brand import samples
from service.brand.demo_users import DEMO_USERS
from service.brand.pilots import BrandService, profile_of
from store.brand import repo
from store.calendars import service_calendar
from workflows.brand.contracts import PilotInput, pilot_workflow_id

BODY, CITY, PROVINCE, MIIT, EXPERT = DEMO_USERS


def _app(name: str, city: str, industry: str, year: int, **kw: Any) -> dict[str, Any]:
    return samples.application(f"【演示】{name}", "江西省", city, [samples.industry(industry)], year=year, **kw)


async def load_demo(client: Any, engine: Any, task_queue: str) -> list[str]:
    if not repo.is_empty(engine):
        return []
    svc = BrandService(client, engine, task_queue=task_queue)
    today = await svc.today()
    year = today.year - 1
    await svc.file(BODY, {"key": "demo-brand-ceramics", "application": _app("瓷都产业集聚区", "景德镇市", "陶瓷", year)})
    await svc.file(BODY, {"key": "demo-brand-tea", "application": _app("浮梁茶产业集聚区", "景德镇市", "茶叶", year)})
    await svc.act(CITY, "demo-brand-tea", "seal_application", {"sealed_on": today.isoformat()})
    await svc.file(BODY, {"key": "demo-brand-silk", "application": _app("九江纺织服装产业集聚区", "九江市", "纺织服装", year)})
    await svc.act(CITY, "demo-brand-silk", "seal_application", {"sealed_on": today.isoformat()})
    await svc.act(PROVINCE, "demo-brand-silk", "recommend", {"opinion": "【演示】同意推荐"})
    await import_in_review(svc, "demo-brand-furniture", today)
    return ["【演示】品牌试点：待盖章、待省级推荐、待部批次评审、资料评审中各一个"]


async def import_in_review(svc: BrandService, key: str, today: date) -> None:
    """A pilot whose past (filing → batch → two pilot years → evaluation in material review)
    is replayed through the domain, journaled with its chain, and whose workflow starts from it."""
    policy = get_policy()
    calendar = service_calendar(svc.engine)
    batch = batch_of(policy, today.year - 3, 10)
    approved = batch.cutoff + timedelta(days=15)
    filed = approved - timedelta(days=60)
    application = _app("南康家具产业集聚区", "赣州市", "家具", filed.year - 1, value_added_rate=19.0)
    profile = profile_of(key, application)
    pilot = Pilot(new_state(profile, policy.version), policy)
    out = Outcome()

    def act(action: str, data: dict[str, Any], who: Any, on: date) -> None:
        out.extend(pilot.apply(action, data, who.actor, on))

    out.extend(pilot.start(application, BODY.actor, filed))
    act("seal_application", {"sealed_on": (filed + timedelta(days=5)).isoformat()}, CITY, filed + timedelta(days=5))
    act("recommend", {"opinion": "【演示】同意推荐", "batch_id": batch.batch_id}, PROVINCE, filed + timedelta(days=20))
    out.extend(pilot.apply_batch(batch.batch_id, "approve", approved, MIIT.actor, approved))
    for req in out.arm:
        out.extend(pilot.arm(plan(policy, calendar, req), approved))
    out.arm = []
    for n in (1, 2):
        _, end = year_bounds(approved, n)
        act("submit_summary", samples.summary(n, end - timedelta(days=15)), BODY, end - timedelta(days=15))
        act("record_supervision", samples.supervision(n, end - timedelta(days=5)), PROVINCE, end - timedelta(days=5))
    applied = add_years(approved, 2) + timedelta(days=20)
    act("apply_evaluation", samples.evaluation({"家具": samples.indicators(21.6, 36.0, 19.0, 24.0, 38.0)}), BODY, applied)
    act("recommend_evaluation", {"opinion": "【演示】同意推荐评价"}, PROVINCE, applied + timedelta(days=5))
    act("assign_experts", {"experts": [EXPERT.name]}, MIIT, applied + timedelta(days=10))
    events: list[Event] = out.events
    workflow_id = pilot_workflow_id(key)
    repo.claim(svc.engine, profile, workflow_id, policy.version, filed)
    # the workflow journals its past itself (chained from the start), so history and journal agree
    await svc.client.start_workflow("BrandPilotWorkflow",
                                    PilotInput(profile=profile, policy_version=policy.version, state=pilot.state,
                                               imported=events),
                                    id=workflow_id, task_queue=svc.task_queue)
