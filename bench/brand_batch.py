"""Benchmark (issue 15 item 4, program 4): N MIIT regional-brand pilots filed, sealed by their
city or county governments, recommended by their provinces and decided in one October batch, on
Temporal's time-skipping server with the real workflows and activities
(``service.brand.simulate.Runner`` on the platform's ``Simulation``) over a temp SQLite store.
Prints wall seconds for the whole run and per phase, steps and steps/s, peak RSS of this process
and of the test server, and the history events of the batch workflow and of the pilots'. Asserts
nothing; exits 1 if a pilot recommended in time was left undecided.

    .venv/bin/python bench/brand_batch.py [--pilots 50]

The scenario is generated (the program's own parser checks it). A province recommends at most 3
pilots a year (§三(三), the policy's quota), so N pilots are spread over ⌈N / 3⌉ provinces, 3
each; one more pilot is filed in the first province and its recommendation is refused by the
quota (it stays filed, outside the batch). Filings in August, seals by 25 August, the
provinces' recommendations in early September (received by the end of September: the October
batch, §三(四)), then MIIT's batch of 15 October decides every recommended pilot — nine in ten
approved, the rest refused.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from program_figures import Clock, Server, figure_line, history_events  # noqa: E402

from domain.brand.policy import get_policy  # noqa: E402

PROVINCES = (("江西省", "景德镇市"), ("广东省", "佛山市"), ("浙江省", "温州市"), ("江苏省", "苏州市"), ("山东省", "淄博市"),
             ("福建省", "泉州市"), ("河北省", "保定市"), ("河南省", "许昌市"), ("湖北省", "孝感市"), ("湖南省", "醴陵市"),
             ("安徽省", "芜湖市"), ("四川省", "宜宾市"), ("辽宁省", "鞍山市"), ("陕西省", "宝鸡市"), ("广西壮族自治区", "柳州市"),
             ("云南省", "昆明市"), ("贵州省", "遵义市"), ("山西省", "晋城市"), ("吉林省", "长春市"), ("黑龙江省", "哈尔滨市"),
             ("重庆市", "重庆市"), ("天津市", "天津市"), ("上海市", "上海市"), ("北京市", "北京市"), ("内蒙古自治区", "包头市"),
             ("甘肃省", "天水市"), ("青海省", "西宁市"), ("宁夏回族自治区", "银川市"), ("新疆维吾尔自治区", "昌吉市"),
             ("海南省", "海口市"), ("西藏自治区", "拉萨市"),
             # 计划单列市 and the 兵团 recommend as provinces do (申报书: 省、自治区、直辖市或计划单列市)
             ("大连市", "大连市"), ("青岛市", "青岛市"), ("宁波市", "宁波市"), ("厦门市", "厦门市"), ("深圳市", "深圳市"),
             ("新疆生产建设兵团", "石河子市"))
INDUSTRIES = ("陶瓷", "家具", "纺织", "五金", "食品", "皮革", "茶叶", "塑料")
MIIT = {"role": "miit_reviewer", "name": "工业和信息化部科技司"}


def plan(today: date, pilots: int, quota: int) -> tuple[dict, int]:
    """The scenario and the year of its batch."""
    y = today.year if today <= date(today.year, 8, 1) else today.year + 1
    provinces = -(-pilots // quota)
    if provinces > len(PROVINCES):
        raise SystemExit(f"--pilots {pilots}: 每省每年至多推荐 {quota} 家，{len(PROVINCES)} 个省份至多 "
                         f"{quota * len(PROVINCES)} 家")
    entries, steps, decisions = [], [], {}
    for n in range(pilots + 1):  # the last one is a province's fourth, refused by the quota
        extra = n == pilots
        p = 0 if extra else n // quota
        province, city = PROVINCES[p]
        key = f"pilot-{n:03d}" if not extra else "pilot-over-quota"
        filed = date(y, 8, 2) + timedelta(days=n % 18)
        entries.append({"key": key, "on": filed, "by": {"role": "implementing_body", "name": f"{city}第{n}产业集聚区管委会"},
                        "sample": {"name": f"{city}第{n}产业集聚区", "province": province, "city": city,
                                   "county": f"第{n}县", "plan_years": 1 + n % 3,
                                   "industries": [{"name": INDUSTRIES[n % len(INDUSTRIES)], "output_share": 55}]}})
        steps.append({"on": date(y, 8, 21) + timedelta(days=n % 4), "pilot": key, "action": "seal_application",
                      "by": {"role": "local_government", "name": f"{city}人民政府"},
                      "data": {"sealed_on": (date(y, 8, 21) + timedelta(days=n % 4)).isoformat()}})
        steps.append({"on": date(y, 9, 1) + timedelta(days=n % quota + (3 if extra else 0)), "pilot": key,
                      "action": "recommend", "by": {"role": "province_department", "name": f"{province}工业和信息化厅"},
                      "data": {"opinion": "同意推荐"}})
        if not extra:
            decisions[key] = "refuse" if n % 10 == 9 else "approve"
    steps.append({"on": date(y, 10, 15), "action": "hold_batch", "by": MIIT,
                  "data": {"batch_id": f"{y}-10", "decisions": decisions}})
    return {"program": "brand", "name": f"bench: {pilots} pilots in one batch", "pilots": entries, "steps": steps,
            "until": date(y, 10, 31)}, y


PHASES = {"seal_application": "seal", "recommend": "province recommends", "hold_batch": "MIIT batch"}


async def run(pilots: int) -> int:
    # the platform is imported here, not at the top: ``--help`` answers at once
    from service.brand.simulate import Runner, Step, parse
    from service.cnlic.simulate import Simulation
    from store.brand import repo
    from workflows.brand.contracts import BATCH_WORKFLOW_ID, pilot_workflow_id

    quota = get_policy().province_quota
    clock = Clock()
    async with Simulation() as sim:
        raw, year = plan(await sim.today(), pilots, quota)
        s = parse(raw, "bench")
        runner = Runner(sim, s)
        agenda = [(date.fromisoformat(p["on"]), -len(s.pilots) + i, p) for i, p in enumerate(s.pilots)]
        agenda += [(x.on, x.index, x) for x in s.steps]
        agenda.sort(key=lambda t: (t[0], t[1]))
        for when, _, item in agenda:
            with clock.phase(PHASES[item.action] if isinstance(item, Step) else "file applications"):
                await clock.advance(sim, when)
                await one(runner, sim, item, when)
                clock.step()
        await clock.advance(sim, s.until, hour=23)
        server = Server.now()
        rows = {r.key: r for r in repo.pilots(sim.engine)}
        events = await history_events(sim.env.client, [BATCH_WORKFLOW_ID] + [pilot_workflow_id(k) for k in rows])
        journal = len(repo.journal_all(sim.engine))
    stages = Counter(r.stage for r in rows.values())
    print(figure_line(f"brand batch, {pilots} pilots in {-(-pilots // quota)} provinces", clock, server))
    for line in clock.lines():
        print(line)
    per_pilot = [events[pilot_workflow_id(k)].events for k in rows]
    print(f"batch {year}-10: pilots by stage: {', '.join(f'{k} {v}' for k, v in sorted(stages.items()))}")
    print(f"history: batch workflow {events[BATCH_WORKFLOW_ID]}; pilots {sum(per_pilot)} "
          f"({sum(per_pilot) / len(per_pilot):.0f} per pilot, max {max(per_pilot)}); journal rows {journal}")
    codes = Counter(r["code"] for r in runner.rejections)
    print("refusals: " + (", ".join(f"{k} {v}" for k, v in sorted(codes.items())) or "none")
          + " (one expected: the province's fourth recommendation)")
    for r in runner.rejections:
        if r["code"] != "province_quota_exceeded":
            print(f"  {r['on']} {r['pilot'] or '（批次）'} {r['action']}: [{r['code']}] {r['reason']}")
    decided = sum(v for k, v in stages.items() if k not in ("filed", "sealed", "recommended"))
    return 0 if decided == pilots else 1


async def one(runner: Any, sim: Any, item: Any, when: date) -> None:
    """One agenda item as ``Runner.run`` applies it (a refusal is kept, not raised)."""
    from domain.errors import DomainError
    from service.brand.simulate import Step, application_of
    from store.brand import repo

    try:
        if isinstance(item, Step):
            await runner.step(item)
        else:
            await runner.svc.file(runner.user(item["by"]), {"key": item["key"], "application": application_of(item, when)})
            await sim._until(lambda k=item["key"]: (r := repo.pilot(sim.engine, k)) is not None and r.last_seq > 0,
                             f"filing of {item['key']} not recorded")
        await sim.settle()
    except DomainError as e:
        step = isinstance(item, Step)
        runner.rejections.append({"on": when.isoformat(), "pilot": item.pilot if step else item["key"],
                                  "event": "rejected", "action": item.action if step else "file_application",
                                  "code": e.code, "reason": e.message})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("--pilots", type=int, default=50, help="pilots recommended and decided in the batch (default 50)")
    args = parser.parse_args()
    if args.pilots < 1:
        parser.error("--pilots 至少为 1")
    raise SystemExit(asyncio.run(run(args.pilots)))


if __name__ == "__main__":
    main()
