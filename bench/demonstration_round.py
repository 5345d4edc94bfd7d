"""Benchmark (issue 15 item 4, program 2): one innovation-upgrade demonstration selection round
over N co-built clusters on Temporal's time-skipping server, with the real workflows and
activities of programs 1 and 2 (``service.demonstration.simulate.RoundSimulation``) over a temp
SQLite store. Prints wall seconds for the whole run and per phase, steps and steps/s, peak RSS of
this process and of the test server, and the history events of the round's workflow and of the
clusters' lifecycles. Asserts nothing; exits 1 if the round did not end commended.

    .venv/bin/python bench/demonstration_round.py [--clusters 300] [--recommend 60] [--industries 6]

The scenario is generated (the program's own parser checks it): N program-1 titles onboarded in
``--industries`` industries, each with its association. Per industry, one title expired before
the import and one revoked after it, so the cap is 20% of the others (300 → 288 valid → cap 57).
The round follows ``examples/demonstration/thirty-clusters.yaml``'s calendar: titles imported
today, the candidates' annual reports filed by 30 April, the round opened on 10 May. Each
association recommends ``--recommend / --industries`` of its clusters; among them one per
industry fails a condition (a violation recorded, a late re-evaluation, a missing annual report,
a national rank of 7; one rank outside the top 5 carries the "strong influence" note and stays
eligible) and the last industry has one more eligible candidate than its quota. Then: first
review (the secretariat passes what is eligible and within quota, rejects the rest with the
failed conditions), the committee's vote (9 present, two candidates short of 2/3), public
notice with two objections (one upheld), approval of the proposed list within the cap, and the
commendation recorded on every honoured cluster.
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

from domain.calendar import add_years  # noqa: E402
from domain.roles import User  # noqa: E402

ROUND = "bench-round"
INDUSTRIES = (("陶瓷", "cer", "中国陶瓷工业协会"), ("家具", "fur", "中国家具协会"), ("皮革", "lea", "中国皮革协会"),
              ("五金", "hdw", "中国五金制品协会"), ("塑料", "pla", "中国塑料加工工业协会"), ("食品", "foo", "中国食品工业协会"))
FAILS = ("violation", "violation", "late_reevaluation", "no_annual_report", "rank", None)

SECRETARIAT = {"role": "secretariat", "name": "综合业务部"}
LEADER = {"role": "leader", "name": "张会长"}
APPLICANT = {"role": "applicant", "name": "地方人民政府"}
TOP = {"indicators": {"output": 100}, "national_rank": 2}
ANNUAL_INDICATORS = {
    "revenue": 1200000, "profit": 96000, "exports": 30000, "firms": 500, "employees": 80000, "above_scale_firms": 120,
    "leading_firms": 2, "union_share": 65, "skilled_share": 38, "market_share": 35, "market_share_basis": "market",
    "listed_firms": 6, "rnd_investment": 36000, "key_labs_national": 2, "key_labs_provincial": 9,
    "invention_patents": 640, "awards_national": 1, "awards_provincial": 5, "green_products": 12,
    "green_factories": 4, "platform_1": "国家产品质量检验检测中心", "platform_2": "产业电子商务平台", "honours": "无"}
LEADING_FIRMS = [
    {"name": "示范甲有限公司", "product": "主导产品", "revenue": 320000, "profit": 25000, "tax": 14000, "exports": 5200,
     "rnd": 9600, "patents": 85, "staff": 4200, "contact": "王工", "mobile": "13800000001", "email": "a@example.cn"},
    {"name": "示范乙有限公司", "product": "主导产品", "revenue": 180000, "profit": 12000, "tax": 8000, "exports": 3100,
     "rnd": 5400, "patents": 42, "staff": 2600, "contact": "陈工", "mobile": "13800000002", "email": "b@example.cn"}]


def annual_report(year: int) -> dict:
    return {"year": year, "header": {"location": "示范省示范市", "cluster_name": "示范产业集群", "filer": "示范市工业和信息化局",
                                     "contact": "李明", "phone": "0757-82000000"},
            "leading_firms": LEADING_FIRMS, "indicators": ANNUAL_INDICATORS}


def form(on: date, base_year: int, **extra) -> dict:
    return {"applicant": "示范市人民政府", "filled_on": on.isoformat(), "address": "示范市人民路1号", "postcode": "528000",
            "contact": "陈明", "mobile": "13800000000", "phone": "0757-83000000", "cluster_name": "示范产业集群",
            "base_year": base_year,
            "indicators": {"output_value": {"value": 320, "share": 18}, "sales": {"value": 300, "share": 17},
                           "exports": {"value": 52000, "share": 9}, "employees": {"value": 8},
                           "producers": {"value": 500}, "brands": {"value": 26}, "high_tech_firms": {"value": 48},
                           "science_projects": {"value": 12}, "science_awards": {"value": 6},
                           "platforms": {"value": 4}, "standards": {"value": 15}, "quality_awards": {"value": 3}},
            "results": "建成国家级检测平台和行业电子商务平台，研发投入占销售收入 4.2%，三年新增高新技术企业 18 家",
            "opinions": [{"kind": "applicant", "body": "示范市人民政府", "text": "同意推荐", "sealed": True,
                          "on": on.isoformat()}],
            "on_platform": True, **extra}


def plan(today: date, clusters: int, recommend: int, industries: int) -> tuple[dict, dict]:
    """The scenario (as ``examples/demonstration/*.yaml`` holds one) and what the run needs
    beside it: the round's dates and the associations."""
    per = clusters // industries
    rec = max(1, recommend // industries)
    if per < rec + 2:
        raise SystemExit(f"--clusters {clusters}: 每个行业至少需要 {rec + 2} 个集群（推荐 {rec} 个，另有到期、撤销各 1 个）")
    due = date(today.year, 4, 30)
    while due < today + timedelta(days=20):  # the first annual-report due date the candidates can meet
        due = date(due.year + 1, 4, 30)
    y = due.year
    opened, deadline, conference = date(y, 5, 10), date(y, 6, 4), date(y, 7, 15)
    designated = date(y - 3, 6, 1)  # valid to y+1-05-31: no re-evaluation clock in the round's window
    out_clusters, steps = [], []
    for i, (industry, prefix, association) in enumerate(INDUSTRIES[:industries]):
        for j in range(per):
            key = f"{prefix}-{j:03d}"
            evaluation = dict(TOP)
            on = designated
            fail = FAILS[i % len(FAILS)] if j == rec - 1 else None
            if j == per - 1:
                on = add_years(today, -5)  # expired a year before the import: not counted
            elif fail == "late_reevaluation":
                on = add_years(today + timedelta(days=60), -4)  # re-evaluation was due a month before the import
                steps.append({"on": today + timedelta(days=3), "cluster": key, "action": "file_reevaluation",
                              "by": APPLICANT, "data": {"route": "cnlic_only", "industry_history_years": 20}})
            if fail == "rank" or (i == 1 and j == rec - 2):
                evaluation = {"indicators": {"output": 100}, "national_rank": 7 + j % 3}
            out_clusters.append({"key": key, "industry": industry, "product": industry, "tier": "base",
                                 "region": {"province": "示范省", "city": f"示范{i}{j}市", "county": f"示范{i}{j}县",
                                            "code": f"{440000 + i * 1000 + j}"},
                                 "start": {"stage": "designated", "on": on, "evaluation": evaluation}})
            if j == per - 2:
                steps.append({"on": today + timedelta(days=2), "cluster": key, "action": "revoke", "by": LEADER,
                              "data": {"reason": "严重违反共建协议"}})
            if fail == "violation":
                steps.append({"on": today + timedelta(days=2), "cluster": key, "action": "record_violation",
                              "by": SECRETARIAT, "data": {"date": (today - timedelta(days=100)).isoformat(),
                                                          "source": f"示环罚〔{today.year}〕{j}号", "reason": "超标排放受到行政处罚"}})
            if j < rec and fail != "no_annual_report":
                steps.append({"on": max(today + timedelta(days=7), date(y, 3, 1)) + timedelta(days=j % 20),
                              "cluster": key, "action": "submit_annual_report", "by": APPLICANT,
                              "data": annual_report(y - 1)})
            if j < rec:
                on_rec = opened + timedelta(days=5 + j % 15)
                extra = {"rank_exception": "主导产品出口额居全国第 8 名，但智能制造示范带动全行业转型，影响力强、示范作用大"} \
                    if i == 1 and j == rec - 2 else {}
                steps.append({"on": on_rec, "round": ROUND, "action": "recommend",
                              "by": {"role": "association", "name": association, "industries": [industry]},
                              "data": {"cluster_key": key, "form": form(on_rec, y - 1, **extra)}})
    steps.append({"on": opened, "round": ROUND, "action": "open", "by": SECRETARIAT,
                  "data": {"title": f"{y}年全国轻工业特色区域和产业集群大会创新升级示范评选（基准）",
                           "conference_on": conference, "recommendation_deadline": deadline, "quotas": []}})
    scenario = {"program": "demonstration", "name": f"bench: {clusters} clusters", "clusters": out_clusters,
                "steps": steps, "until": date(y, 7, 31)}
    valid = per * industries - 2 * industries
    cap = valid * 20 // 100
    quotas = [rec] * 3 + [rec - 1] * (industries - 3)
    while sum(quotas) > cap:  # a tiny run: the cap cannot hold every industry's wish
        quotas[quotas.index(max(quotas))] -= 1
    return scenario, {"y": y, "opened": opened, "deadline": deadline, "conference": conference,
                      "quotas": [{"association": a, "quota": q} for (_, _, a), q in zip(INDUSTRIES, quotas)]}


PHASE_OF = {"register": "onboard titles", "open": "open round", "recommend": "recommend",
            "record_violation": "program-1 records"}


async def run(clusters: int, recommend: int, industries: int) -> int:
    # the platform is imported here, not at the top: ``--help`` answers at once
    from service.demonstration.simulate import RoundSimulation, RoundStep, ViolationStep, parse_demo
    from store.cnlic import lifecycle as cnlic_repo
    from store.demonstration import rounds as repo
    from workflows.cnlic.contracts import designation_workflow_id
    from workflows.demonstration.contracts import round_workflow_id

    clock = Clock()
    async with RoundSimulation() as sim:
        today = await sim.today()
        raw, when = plan(today, clusters, recommend, industries)
        s = parse_demo(raw, "bench")
        for r in s.rounds:
            if r.action == "open":
                r.data["quotas"] = when["quotas"]
        agenda = [(today, -len(s.base.clusters) + i, c) for i, c in enumerate(s.base.clusters)]
        agenda += [(st.on, st.index, st) for st in s.base.steps]
        agenda += [(r.on, r.index, r) for r in s.rounds]
        agenda += [(v.on, v.index, v) for v in s.violations]
        agenda.sort(key=lambda item: (item[0], item[1]))
        for on, _, item in agenda:
            if isinstance(item, RoundStep):
                name = PHASE_OF[item.action]
            elif isinstance(item, ViolationStep):
                name = "program-1 records"
            elif hasattr(item, "raw"):
                name = "onboard titles"
            else:
                name = "program-1 records"
            with clock.phase(name):
                await clock.advance(sim, on)
                if isinstance(item, RoundStep):
                    await sim.round_step(item.round, item.action, item.data, item.by)
                elif isinstance(item, ViolationStep):
                    await sim.violation(item.cluster, item.data, item.by)
                elif hasattr(item, "raw"):
                    await sim.register(item.raw, item.start, item.by)
                else:
                    await sim.act(item.cluster, item.action, item.data, item.by)
                clock.step()
        await staff_steps(sim, clock, when)
        await clock.advance(sim, s.until, hour=23)
        server = Server.now()
        row = repo.round_row(sim.engine, ROUND)
        candidates = repo.candidates(sim.engine, ROUND)
        honoured = sum(1 for c in candidates if c.honoured)
        events = await history_events(sim.env.client, [round_workflow_id(ROUND)])
        lifecycles = await history_events(sim.env.client, [designation_workflow_id(c.key) for c in s.base.clusters])
        journal = len(cnlic_repo.journal(sim.engine))
        rejections = Counter(r.code for r in sim.rejections)
    failed = Counter(f for c in candidates for f in c.failed)
    print(figure_line(f"demonstration round, {len(s.base.clusters)} clusters", clock, server))
    for line in clock.lines():
        print(line)
    history = events[round_workflow_id(ROUND)]
    print(f"round: stage {row.stage if row else '—'}, valid titles {row.valid_titles if row else '—'}, "
          f"cap {row.cap if row else '—'}; {len(candidates)} recommended, {sum(1 for c in candidates if not c.eligible)} "
          f"failing a condition ({', '.join(f'{k} {v}' for k, v in sorted(failed.items())) or 'none'}), "
          f"{sum(1 for c in candidates if c.reviewed)} through first review, {sum(1 for c in candidates if c.passed)} "
          f"voted through, {len(row.snapshot.get('approved') or []) if row else 0} approved, {honoured} honoured")
    print(f"history: round {history}; cluster lifecycles {sum(v.events for v in lifecycles.values())} events in "
          f"{sum(v.runs for v in lifecycles.values())} runs ({sum(v.events for v in lifecycles.values()) / len(lifecycles):.0f} "
          f"per cluster); journal rows {journal}")
    print("refusals: " + (", ".join(f"{k} {v}" for k, v in sorted(rejections.items())) or "none"))
    return 0 if row is not None and row.stage == "commended" else 1


async def staff_steps(sim: Any, clock: Clock, when: dict) -> None:
    """What the secretariat and the leader decide from what the round shows: first review,
    vote, notice and objections, approval, commendation."""
    from store.demonstration import rounds as repo

    secretariat = User("secretariat", "secretariat", "综合业务部")
    leader = User("leader", "leader", "张会长")
    quotas = {q["association"]: q["quota"] for q in when["quotas"]}
    with clock.phase("first review"):
        await clock.advance(sim, when["deadline"] + timedelta(days=3))
        await sim.round_step(ROUND, "close_recommendation", {}, secretariat)
        clock.step()
        passed: Counter[str] = Counter()
        for c in sorted(repo.candidates(sim.engine, ROUND), key=lambda c: c.cluster_key):
            if c.eligible and passed[c.association] < quotas.get(c.association, 0):
                data = {"cluster_key": c.cluster_key, "passed": True}
                passed[c.association] += 1
            else:
                reason = f"不符合申报条件：{'、'.join(c.failed)}" if not c.eligible else f"{c.association}名额已满"
                data = {"cluster_key": c.cluster_key, "passed": False, "reason": reason}
            await sim.round_step(ROUND, "review", data, secretariat)
            clock.step()
        await sim.round_step(ROUND, "complete_first_review", {}, secretariat)
        clock.step()
    with clock.phase("committee vote"):
        await clock.advance(sim, when["deadline"] + timedelta(days=11))
        listed = sorted(c.cluster_key for c in repo.candidates(sim.engine, ROUND) if c.reviewed)
        short = set(listed[1::25][:2]) if len(listed) > 4 else set()  # two candidates short of 2/3 (need 6 of 9)
        votes = [{"cluster_key": k, "yes": 5, "no": 3, "abstain": 1} if k in short else
                 {"cluster_key": k, "yes": 7 + n % 3, "no": (2 - n % 3) // 2} for n, k in enumerate(listed)]
        await sim.round_step(ROUND, "record_vote", {"members_present": [f"委员{n}" for n in range(1, 10)],
                                                    "votes": votes}, secretariat)
        clock.step()
    with clock.phase("notice, objections"):
        notice_on = when["deadline"] + timedelta(days=12)
        await clock.advance(sim, notice_on)
        await sim.round_step(ROUND, "publish_notice", {"published_on": notice_on.isoformat()}, secretariat)
        clock.step()
        proposed = list((repo.round_row(sim.engine, ROUND).snapshot or {}).get("proposed") or [])
        for n, k in enumerate(proposed[:2]):
            await clock.advance(sim, notice_on + timedelta(days=2 + n))
            await sim.round_step(ROUND, "record_objection", {"cluster_key": k, "received_on": (notice_on + timedelta(days=2 + n)).isoformat(),
                                                             "source": "群众来信", "text": "反映该集群个别企业存在环保问题"}, secretariat)
            clock.step()
        for n, k in enumerate(proposed[:2]):
            await clock.advance(sim, notice_on + timedelta(days=5))
            await sim.round_step(ROUND, "resolve_objection",
                                 {"objection_id": f"objection-{n + 1}", "upheld": n == 0,
                                  "reason": "经核实属实，移出建议名单" if n == 0 else "经核实，所反映企业已整改验收，近五年无违规记录"},
                                 secretariat)
            clock.step()
    with clock.phase("approve"):
        await clock.advance(sim, notice_on + timedelta(days=12))
        await sim.round_step(ROUND, "approve", {}, leader)
        clock.step()
    with clock.phase("commend"):
        await clock.advance(sim, when["conference"])
        await sim.round_step(ROUND, "commend", {"held_on": when["conference"].isoformat(),
                                                "document_number": f"中轻联综字〔{when['y']}〕15号"}, secretariat)
        clock.step()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("--clusters", type=int, default=300, help="co-built clusters onboarded (default 300)")
    parser.add_argument("--recommend", type=int, default=60, help="recommendations in all, spread over the industries "
                                                                  "(default 60)")
    parser.add_argument("--industries", type=int, default=6, choices=range(1, len(INDUSTRIES) + 1),
                        help=f"industries, each with its association (default 6, at most {len(INDUSTRIES)})")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(run(args.clusters, args.recommend, args.industries)))


if __name__ == "__main__":
    main()
