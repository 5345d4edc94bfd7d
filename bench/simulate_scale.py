"""Benchmark (issue 15, row 2): ``designation simulate`` at scale. Generates a scenario of N
clusters × 12 years, each like ``examples/full-cycle.yaml`` (cultivation → application →
designation through the shared quarterly president's office meetings and their joint documents →
an annual report every year, a few late → an on-time re-evaluation → a second re-evaluation, late
for every other cluster), writes it as YAML (``designation simulate FILE --check`` runs it too),
then runs it in a fresh process through ``service.cnlic.simulate`` (``load_scenario`` +
``Simulation.run``) and prints seconds, steps, steps/s and peak RSS per N, and whether the time
grows linearly with N. Prints figures; asserts nothing.

    .venv/bin/python bench/simulate_scale.py                          # N = 1, 10, 30, 100, 300
    .venv/bin/python bench/simulate_scale.py --sizes 1,10 --keep /tmp/scenarios
    .venv/bin/python bench/simulate_scale.py --write 300 --out /tmp/s300.yaml   # the file only
    .venv/bin/designation simulate /tmp/s300.yaml --check

Clusters start in four quarterly cohorts (starts spread over a working week within each), one
industry, each in its own region; every meeting decides every cluster then waiting (so a meeting
decides a quarter of all clusters at once) and its joint document follows eight days later.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.calendar import SHANGHAI, add_years  # noqa: E402

YEARS = 12
COHORTS = 4  # quarterly starts
SPREAD = 5  # a cohort's clusters act over five consecutive days
PROVINCES = ["广东省", "浙江省", "江西省", "河北省", "山东省", "江苏省", "福建省", "四川省", "湖南省", "河南省"]
MEETING_DAYS = ((3, 20), (6, 20), (9, 20), (12, 18))  # one president's office meeting a quarter
DOCUMENT_AFTER = timedelta(days=8)  # the joint document follows its meeting


def first_monday(year: int) -> date:
    day = date(year, 1, 4)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def meetings_from(day: date):
    year = day.year
    while True:
        for month, dom in MEETING_DAYS:
            held = date(year, month, dom)
            if held > day:
                yield held
        year += 1


def next_meeting(after: date) -> date:
    """The first quarterly meeting after ``after`` (a cluster completed formal review that day)."""
    return next(meetings_from(after))


# ---------------------------------------------------------------- the scenario


@dataclass
class ClusterPlan:
    key: str
    index: int
    start: date
    steps: list[tuple[date, str]] = field(default_factory=list)  # (day, flow-mapping text without "on")
    waits: list[tuple[date, date]] = field(default_factory=list)  # (completed formal review, its meeting)
    valid_until: date | None = None


def _procedure(p: ClusterPlan, filed: date, first: bool) -> date:
    """The seven steps of one procedure from ``filed``; returns the day formal review completes."""
    o = p.key
    visit = filed + timedelta(days=19 if first else 20)
    p.steps += [
        (filed, f"<<: *{'apply' if first else 'reeval'}, cluster: {o}"),
        (filed + timedelta(days=1), f"<<: *{'opinion' if first else 'opinion2'}, cluster: {o}"),
        (filed + timedelta(days=2), f"<<: *accept, cluster: {o}"),
        (filed + timedelta(days=4), f"<<: *visit, cluster: {o}, data: {{visit_on: {visit}, panel: *panel}}"),
        (visit + timedelta(days=2), f"<<: *{'report' if first else 'report2'}, cluster: {o}"),
        (visit + timedelta(days=17), f"<<: *formal, cluster: {o}"),
        (visit + timedelta(days=31), f"<<: *complete, cluster: {o}"),
    ]
    return visit + timedelta(days=31)


def plan_cluster(i: int, base_year: int, until: date) -> ClusterPlan:
    cohort, spread = i % COHORTS, (i // COHORTS) % SPREAD
    start = first_monday(base_year) + timedelta(days=91 * cohort + spread)
    p = ClusterPlan(f"k{i:04d}", i, start)
    # designation: application eight weeks into cultivation
    completed = _procedure(p, start + timedelta(days=56), first=True)
    met = next_meeting(completed)
    p.waits.append((completed, met))
    documented = met + DOCUMENT_AFTER
    # re-evaluation 1, on time: filed about four months before expiry (due three months before)
    expiry = add_years(documented, 4)
    completed = _procedure(p, expiry - timedelta(days=118 - spread), first=False)
    met = next_meeting(completed)
    p.waits.append((completed, met))
    documented = met + DOCUMENT_AFTER
    # re-evaluation 2: every other cluster files late, after its title expired
    expiry = add_years(documented, 4)
    late = i % 2 == 1
    filed = expiry + timedelta(days=17 + spread) if late else expiry - timedelta(days=118 - spread)
    completed = _procedure(p, filed, first=False)
    met = next_meeting(completed)
    p.waits.append((completed, met))
    documented = met + DOCUMENT_AFTER
    p.valid_until = add_years(documented, 4) - timedelta(days=1)
    # an annual report every year from the year of the first joint document; one in seven is late
    first_year = p.waits[0][1].year + (1 if p.waits[0][1] + DOCUMENT_AFTER > date(p.waits[0][1].year, 12, 31) else 0)
    for year in range(first_year, until.year - 1):  # the last one filed the year before `until`
        filed = date(year + 1, 5, 20) if (i + year) % 7 == 3 else date(year + 1, 3, 15)
        p.steps.append((filed + timedelta(days=spread), f"<<: *r{year}, cluster: {p.key}"))
    return p


def _header() -> str:
    """The people and the shared data of examples/full-cycle.yaml, as its YAML anchors."""
    text = (ROOT / "examples" / "full-cycle.yaml").read_text(encoding="utf-8")
    return text[text.index("x-people:"):text.index("\nclusters:") + 1]


def scenario_yaml(n: int, base_year: int) -> tuple[str, int, int]:
    """The scenario's YAML text, its number of steps and of meetings (with their documents)."""
    until = date(base_year + YEARS, 1, 31)
    plans = [plan_cluster(i, base_year, until) for i in range(n)]
    out = [f"# bench/simulate_scale.py: {n} clusters × {YEARS} years (generated)",
           f"name: {n} clusters over {YEARS} years", _header().rstrip("\n")]
    years = range(base_year, base_year + YEARS)
    out.append("x-steps:")
    out.append("  apply: &apply {action: file_application, by: *applicant, data: {annex3: *annex3, route: association,"
               " bodies: [中国陶瓷工业协会], industry_history_years: 20}}")
    out.append("  reeval: &reeval {action: file_reevaluation, by: *applicant, data: {annex3: *annex3}}")
    out.append("  opinion: &opinion {action: record_opinion, by: *association, data: {text: 同意推荐}}")
    out.append("  opinion2: &opinion2 {action: record_opinion, by: *association, data: {text: 同意复评}}")
    out.append("  accept: &accept {action: accept_application, by: *secretariat}")
    out.append("  visit: &visit {action: approve_site_visit, by: *leader}")
    out.append("  report: &report {action: record_site_report, by: *expert, data: {findings: *findings,"
               " recommendations: *advice, recommend: true, score_sheet: *sheet,"
               " indicators: {output: {value: 120, rank: 1}, value: {value: 800, rank: 1}, firms: {value: 500}}}}")
    out.append("  report2: &report2 {action: record_site_report, by: *expert, data: {findings: *findings,"
               " recommendations: *advice, recommend: true, score_sheet: *sheet,"
               " indicators: {output: {value: 150}, value: {value: 960}, firms: {value: 540}}}}")
    out.append("  formal: &formal {action: record_formal_opinion, by: *association, data: {recommend: true}}")
    out.append("  complete: &complete {action: complete_formal_review, by: *secretariat}")
    for k, year in enumerate(years):
        out.append(f"  r{year}: &r{year} {{action: submit_annual_report, by: *applicant, data: {{year: {year},"
                   f" header: *annual-header, leading_firms: *leading-firms, indicators: {{<<: *annual-rows,"
                   f" revenue: {1200000 + 60000 * k}, profit: {96000 + 3000 * k}, exports: {30000 + 1500 * k},"
                   f" firms: {500 + 10 * k}, employees: {80000 + 1000 * k}, green_products: {12 + 3 * k},"
                   f" green_factories: {4 + k}}}}}}}")
    out.append("clusters:")
    for p in plans:
        province = PROVINCES[p.index % len(PROVINCES)]
        out.append(f"  - {{key: {p.key}, industry: 陶瓷, product: 陶瓷, tier: capital, region: {{province: {province},"
                   f" city: 市{p.index:04d}, county: 县{p.index:04d}, code: \"{410000 + p.index:06d}\","
                   f" name: 样本{p.index:04d}}}, start: {{stage: cultivation, on: {p.start}, planned_years: 1}}}}")
    # the shared meetings: each decides every cluster that completed formal review before it
    held: dict[date, list[str]] = {}
    for p in plans:
        for _, met in p.waits:
            held.setdefault(met, []).append(p.key)
    steps: list[tuple[date, int, str]] = []
    for p in plans:
        steps += [(day, 1, text) for day, text in p.steps]
    for met, keys in sorted(held.items()):
        decisions = ", ".join(f"{k}: approve" for k in sorted(keys))
        steps.append((met, 0, f"action: hold_meeting, by: *secretariat, data: {{decisions: {{{decisions}}}}}"))
        doc = met + DOCUMENT_AFTER
        number = f"中轻联综字〔{doc.year}〕{doc.month * 100 + doc.day}号"
        steps.append((doc, 0, f"action: record_joint_document, by: *secretariat, data: {{number: {number},"
                              f" issued_on: {doc}, bodies: [中国轻工业联合会, 中国陶瓷工业协会]}}"))
    steps.sort(key=lambda s: (s[0], s[1]))
    out.append("steps:")
    out += [f"  - {{on: {day}, {text}}}" for day, _, text in steps]
    out.append(f"until: {date(base_year + YEARS, 1, 31)}")
    out.append("expect:")
    out += [f"  {p.key}: {{stage: designated, title: valid, valid_until: {p.valid_until}}}" for p in plans]
    return "\n".join(out) + "\n", len(steps), 2 * len(held)


# ---------------------------------------------------------------- one run (in a fresh process)


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children() -> tuple[float, float]:
    """The peak resident set (MB) and CPU time (s) of this process's children now alive: the
    time-skipping server."""
    peak, cpu = 0.0, 0.0
    me = str(os.getpid())
    tick = os.sysconf("SC_CLK_TCK")
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = dict(line.split(":", 1) for line in (proc / "status").read_text().splitlines() if ":" in line)
            if fields.get("PPid", "").strip() != me:
                continue
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        peak += int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
        cpu += (int(stat[11]) + int(stat[12])) / tick  # utime, stime
    return peak, cpu


async def run_one(path: Path, profile_to: str | None) -> dict:
    from service.cnlic.simulate import Simulation, check_expectations, load_scenario

    started = time.perf_counter()
    scenario = load_scenario(path, datetime.now(SHANGHAI).date())
    loaded = time.perf_counter() - started
    sim = Simulation(scenario.overrides, sandboxed=False)  # as simulate_file runs it
    async with sim:
        began = time.perf_counter()
        cpu = cpu_s()
        items = await sim.run(scenario)
        ran = time.perf_counter() - began
        cpu = cpu_s() - cpu
        server, server_cpu = children()
        work = await history_work(sim, scenario)
    problems = check_expectations(scenario, items)
    return {"work": work, "clusters": len(scenario.clusters), "steps": len(scenario.steps), "load_s": loaded, "run_s": ran,
            "total_s": time.perf_counter() - started, "rss_mb": peak_rss_mb(), "server_mb": server,
            "cpu_s": cpu, "server_cpu_s": server_cpu,
            "timeline": len(items), "rejections": len(sim.rejections),
            "rejected": [f"{r.on} {r.cluster} {r.action}: [{r.code}] {r.reason}" for r in sim.rejections[:5]],
            "problems": problems[:5], "problem_count": len(problems)}


async def history_work(sim, scenario) -> dict[str, int]:
    """What Temporal did for the run, counted in every history it left (after the timed part):
    workflow tasks, local activities (markers), activities, upserts and timers fired — of the
    clusters' lifecycles, the program workflow and the yearly recognition workflows."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bare_workflow import work_of

    from audit.history import run_chain
    from domain.errors import DomainError

    years = [s.on.year for s in scenario.steps] or [date.today().year]
    ids = [f"designation-{c.key}" for c in scenario.clusters] + ["program-cnlic"]
    ids += [f"recognition-cnlic-{y}" for y in range(min(years) - 1, max(years) + 2)]
    work = dict(tasks=0, local=0, regular=0, upserts=0, timers=0, runs=0)
    for wid in ids:
        try:
            chain = await run_chain(sim.env.client, wid)
        except DomainError:  # no such workflow (a year without a recognition)
            continue
        for history in chain:
            work["runs"] += 1
            for e in history.events:
                kind = {"timers_fired": "timers"}.get(work_of(e), work_of(e))
                if kind in work:
                    work[kind] += 1
    return work


def bare_steps(work: dict[str, int] | None, items: int) -> list:
    """One step per scenario item whose sums equal the histories' counts (``work``, spread
    evenly): each step's Update is one workflow task, and every further task of the histories
    is a short timer firing inside it; without counts, the floor of a step (two local activities
    and an upsert)."""
    from bare_workflow import BareStep, spread

    if not work:
        return [BareStep(local=2, regular=0, upsert=True)] * items
    local, regular = spread(work["local"], items), spread(work["regular"], items)
    timers, upserts = spread(max(0, work["tasks"] - items), items), spread(max(0, work["upserts"] - items), items)
    return [BareStep(local=local[i], regular=regular[i], upsert=True, timers=timers[i],
                     upserts=min(upserts[i], timers[i])) for i in range(items)]


def segment_sizes(path: Path) -> tuple[int, int]:
    """The scenario's items and the segments the simulator runs them in (service.cnlic.agenda)."""
    from itertools import groupby

    from service.cnlic import simulate

    scenario = simulate.load_scenario(path, None)
    agenda = sorted([(c.start_on, -1, c) for c in scenario.clusters] + [(s.on, s.index, s) for s in scenario.steps],
                    key=lambda item: (item[0], item[1]))
    count = 0
    for _, group in groupby(agenda, key=lambda item: item[0]):
        count += len(simulate.segments([item for _, _, item in group], simulate._cluster_of, simulate._program_wide))
    return len(agenda), count


async def bare_floor(path: Path, work: dict[str, int] | None = None) -> dict:
    """Temporal's own share: as many Updates as the scenario has items, each doing what a step's
    workflow task does at least (two local activities and a search-attribute upsert), against
    as many bare workflows as it has clusters, in segments of its average size, on the same
    time-skipping server with the worker built the same way (unsandboxed, as the simulator runs) —
    no domain, no store, no clocks."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from temporalio.testing import WorkflowEnvironment
    from temporalio.worker import UnsandboxedWorkflowRunner, Worker

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bare_workflow import BareInput, BareWorkflow, bare_noop
    from service.temporal import CONVERTER, WORKER_TUNING, binary, ensure_search_attributes, quiet_runtime
    from service.cnlic.simulate import load_scenario

    clusters = len(load_scenario(path, None).clusters)
    items, segments = segment_sizes(path)
    width = max(1, round(items / segments))
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=binary("temporal-test-server"),
                                                        data_converter=CONVERTER, runtime=quiet_runtime())
    try:
        await ensure_search_attributes(env.client, env.client.namespace, can_list=False)
        async with Worker(env.client, task_queue="bare", workflows=[BareWorkflow], activities=[bare_noop],
                          workflow_runner=UnsandboxedWorkflowRunner(), activity_executor=ThreadPoolExecutor(WORKER_TUNING["activity_threads"]),
                          max_cached_workflows=WORKER_TUNING["max_cached_workflows"]):
            handles = [await env.client.start_workflow(BareWorkflow.run, BareInput(f"b{i}"), id=f"bare-{i}",
                                                       task_queue="bare") for i in range(clusters)]
            steps = bare_steps(work, items)
            cpu, started = cpu_s(), time.perf_counter()
            for first in range(0, items, width):
                await asyncio.gather(*(handles[(first + k) % clusters].execute_update(BareWorkflow.act, steps[first + k])
                                       for k in range(min(width, items - first))))
                await env.sleep(timedelta(seconds=1))
            elapsed, cpu = time.perf_counter() - started, cpu_s() - cpu
            server, server_cpu = children()
            for h in handles:
                await h.signal(BareWorkflow.finish)
    finally:
        await env.shutdown()
    return {"items": items, "segments": segments, "width": width, "run_s": elapsed, "cpu_s": cpu,
            "server_cpu_s": server_cpu}


def one(path: Path, bare: bool = False, work: dict[str, int] | None = None) -> None:
    import asyncio

    result = asyncio.run(bare_floor(path, work) if bare else run_one(path, None))
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    sys.stderr.flush()
    os._exit(0)  # temporalio's runtime can abort at interpreter exit (as cli.main leaves)


def write(n: int, base_year: int, path: Path) -> tuple[int, int]:
    text, steps, meetings = scenario_yaml(n, base_year)
    path.write_text(text, encoding="utf-8")
    return steps, meetings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,30,100,300", help="numbers of clusters, comma-separated")
    parser.add_argument("--year", type=int, default=None, help="the first year (default: next year)")
    parser.add_argument("--keep", type=Path, default=None, help="a directory to keep the scenario files in")
    parser.add_argument("--write", type=int, default=None, help="only write the scenario of this many clusters")
    parser.add_argument("--out", type=Path, default=None, help="where --write puts it")
    parser.add_argument("--bare", action="store_true",
                        help="also time Temporal's own share: the same number of Updates on bare workflows")
    parser.add_argument("--one", type=Path, default=None, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--one-bare", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--work", default=None, help=argparse.SUPPRESS)  # the histories' counts, as JSON
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return 0
    if args.one_bare:
        one(args.one_bare, bare=True, work=json.loads(args.work) if args.work else None)
        return 0
    base_year = args.year or datetime.now(SHANGHAI).date().year + 1
    if args.write:
        out = args.out or Path(f"simulate-{args.write}.yaml")
        steps, meetings = write(args.write, base_year, out)
        print(f"{out}: {args.write} clusters × {YEARS} years, {steps} steps ({meetings} meetings and documents), "
              f"{out.stat().st_size / 1024:.0f} KiB")
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tmp = tempfile.TemporaryDirectory(prefix="designation-simscale-")
    folder = args.keep or Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"designation simulate, N clusters × {YEARS} years from {base_year} (each in a fresh process)")
    print(f"{'N':>5} {'steps':>7} {'seconds':>9} {'steps/s':>8} {'s/cluster':>10} {'peak RSS':>9} {'server':>8}"
          f" {'CPU':>7} {'server':>7}  {'KiB':>5}  check")
    rows = []
    for n in sizes:
        path = folder / f"simulate-{n}.yaml"
        write(n, base_year, path)
        done = subprocess.run([sys.executable, __file__, "--one", str(path)], capture_output=True, text=True)
        found = re.search(r"^RESULT (.*)$", done.stdout, re.M)
        if done.returncode != 0 or not found:
            print(f"{n:>5} failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
            continue
        r = json.loads(found.group(1))
        steps = r["steps"] + r["clusters"]  # the dated actions plus the registrations
        check = "ok" if not r["problem_count"] and not r["rejections"] else \
            f"{r['problem_count']} unexpected, {r['rejections']} refused"
        print(f"{n:>5} {steps:>7} {r['run_s']:>8.1f}s {steps / r['run_s']:>8.1f} {r['run_s'] / n:>9.2f}s "
              f"{r['rss_mb']:>7.0f}MB {r['server_mb']:>6.0f}MB {r['cpu_s']:>6.1f}s {r['server_cpu_s']:>6.1f}s"
              f"  {path.stat().st_size // 1024:>5}  {check}", flush=True)
        for line in r["rejected"] + r["problems"]:
            print(f"        {line}")
        rows.append((n, r["run_s"]))
        if args.bare:
            w = r["work"]
            print(f"        its histories: {w['tasks']} workflow tasks ({w['tasks'] / steps:.2f} a step), "
                  f"{w['local']} local activities, {w['regular']} activities, {w['upserts']} upserts, "
                  f"{w['timers']} timers fired, {w['runs']} runs")
            for label, work, what in (("floor", None, "an Update a step: 2 local activities, an upsert"),
                                      ("bare", w, "the same tasks, activities, upserts and timers")):
                args_ = ["--work", json.dumps(work)] if work else []
                done = subprocess.run([sys.executable, __file__, "--one-bare", str(path), *args_],
                                      capture_output=True, text=True)
                found = re.search(r"^RESULT (.*)$", done.stdout, re.M)
                if done.returncode != 0 or not found:
                    print(f"{label:>5}: failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
                    continue
                b = json.loads(found.group(1))
                print(f"{label:>5} {b['items']:>7} {b['run_s']:>8.1f}s {b['items'] / b['run_s']:>8.1f} {'':>10} "
                      f"{'':>9} {'':>8} {b['cpu_s']:>6.1f}s {b['server_cpu_s']:>6.1f}s  (Temporal alone, {what}; "
                      f"{b['segments']} segments of {b['width']}; the simulator ×{r['run_s'] / b['run_s']:.1f})",
                      flush=True)
    if len(rows) >= 2:
        (n0, t0), (n1, t1) = rows[-2], rows[-1]
        print(f"growth {n0} → {n1} clusters: ×{n1 / n0:.1f} clusters, ×{t1 / t0:.2f} time "
              f"({'linear or better' if t1 / t0 <= 1.15 * n1 / n0 else 'superlinear'})")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
