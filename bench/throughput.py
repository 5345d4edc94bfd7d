"""Benchmark (issue 15, row 1): lifecycle actions per second on the embedded dev server, against
a bare Temporal workflow doing the same updates, local and regular activities, upserts and timer
resets on the same server in the same run (``bench/bare_workflow.py``). Prints both and the ratio;
asserts nothing.

A second, matched baseline does that and what the service's record needs besides Temporal: the
lifecycles' own journal writes (captured in the first timed pass and replayed through the store's
``record_events``), payloads of their sizes, and the search attributes an action upserts (its
next deadline and journal head). Bare → matched is the cost of the record alone; matched →
lifecycle is the rest of the service (domain rules, typed contracts, the service layer).

    .venv/bin/python bench/throughput.py [--clusters 20] [--rounds 4] [--concurrency 10]
    .venv/bin/python bench/throughput.py --stub-store   # a diagnosis: the timed actions write no journal

``--stub-store`` replaces the lifecycle's journal write (``record_events``) with a stub for the
timed actions only, so the figures say how much of the gap to the bare workflow is the store's
(the read model goes stale meanwhile: not a figure of the service).

Each cluster is registered as an application and walked to formal review (untimed), then the
timed part: ``--rounds`` × (request_supplement, submit_supplement) per cluster, ``--concurrency``
clusters at a time, each cluster's actions in order. The baseline's per-update work is counted
from the lifecycles' own histories of the timed part.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from temporalio.worker import Worker  # noqa: E402

from bare_workflow import BareInput, BareJournal, BareStep, BareWorkflow, bare_noop, spread, work_of  # noqa: E402
from devserver import cpu_seconds, dev_service, median  # noqa: E402
from domain.cnlic.model import Actor  # noqa: E402
from service.temporal import sandbox_runner  # noqa: E402
from tests.support import APPLICANT, ASSOCIATION, LEAD_EXPERT, LEADER, SECRETARIAT, application, cluster, site_report, site_visit  # noqa: E402,E501


class Cpu:
    """CPU spent per action by this process (client and worker) and by the dev server."""

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid
        self.spent = {"ours": [0.0, 0.0, 0], "bare": [0.0, 0.0, 0], "matched": [0.0, 0.0, 0]}

    def start(self) -> tuple[float, float]:
        return cpu_seconds(), cpu_seconds(self.server_pid) if self.server_pid else 0.0

    def stop(self, which: str, started: tuple[float, float], actions: int) -> None:
        here, server = self.start()
        acc = self.spent[which]
        acc[0] += here - started[0]
        acc[1] += server - started[1]
        acc[2] += actions

    def line(self, which: str) -> str:
        here, server, n = self.spent[which]
        return f"{1000 * here / n:.1f} ms this process (client + worker), {1000 * server / n:.1f} ms dev server"


def who(spec: dict[str, str]) -> Actor:
    return Actor(**spec)


async def walk_to_formal_review(svc, key: str, today) -> None:
    s = svc.service
    await s.register(cluster(key, region={"province": "广东省", "city": "佛山市", "county": f"{key}区",
                                          "code": ""}),
                     {"stage": "applied", "on": today.isoformat(), "application": application()}, who(SECRETARIAT))
    await s.act(key, "record_opinion", {"text": "同意"}, who(ASSOCIATION))
    await s.act(key, "accept_application", {}, who(SECRETARIAT))
    await s.act(key, "approve_site_visit", site_visit(today), who(LEADER))
    await s.act(key, "record_site_report", site_report(True), who(LEAD_EXPERT))
    await s.act(key, "record_formal_opinion", {"recommend": True}, who(ASSOCIATION))


STUB_STORE = False  # --stub-store


async def timed_lifecycles(svc, keys: list[str], rounds: int, concurrency: int,
                           capture: list | None = None) -> tuple[int, float]:
    """The timed actions; ``capture`` (a list) keeps every journal write they make."""
    if not STUB_STORE and capture is None:
        return await _timed_lifecycles(svc, keys, rounds, concurrency)
    import activities.cnlic.lifecycle as lifecycle_activities

    real = lifecycle_activities.repo.record_events
    if STUB_STORE:
        lifecycle_activities.repo.record_events = lambda engine, wid, run, profile, snapshot, events, *rest: len(events)
    else:
        lifecycle_activities.repo.record_events = BareJournal.capture(capture, real)
    try:
        return await _timed_lifecycles(svc, keys, rounds, concurrency)
    finally:
        lifecycle_activities.repo.record_events = real


async def _timed_lifecycles(svc, keys: list[str], rounds: int, concurrency: int) -> tuple[int, float]:
    gate = asyncio.Semaphore(concurrency)

    async def one(key: str) -> int:
        async with gate:
            for _ in range(rounds):
                await svc.service.act(key, "request_supplement", {"items": ["补充材料"]}, who(SECRETARIAT))
                await svc.service.act(key, "submit_supplement", {"items": ["补充材料"]}, who(APPLICANT))
            return 2 * rounds

    started = time.perf_counter()
    done = await asyncio.gather(*(one(k) for k in keys))
    return sum(done), time.perf_counter() - started


async def count_work(svc, keys: list[str], after: dict[str, int]) -> dict[str, int]:
    """Temporal work in the timed part of every lifecycle's history, and the payload bytes it
    carried: into and out of its updates, out of its local activities (whose input the history
    does not keep; the matched baseline sends as much in as it gets back)."""
    totals = dict(updates=0, local=0, regular=0, upserts=0, timers=0, bytes_in=0, bytes_out=0, bytes_local=0)
    for key in keys:
        history = await svc.client.get_workflow_handle(f"designation-{key}").fetch_history()
        for e in history.events[after[key]:]:
            kind = {"timer_resets": "timers"}.get(work_of(e), work_of(e))
            if kind in totals:
                totals[kind] += 1
            if kind == "updates":
                a = e.workflow_execution_update_accepted_event_attributes
                totals["bytes_in"] += sum(len(p.data) for p in a.accepted_request.input.args.payloads)
            elif kind == "local":
                result = e.marker_recorded_event_attributes.details.get("result")
                totals["bytes_local"] += sum(len(p.data) for p in result.payloads) if result else 0
            elif e.HasField("workflow_execution_update_completed_event_attributes"):
                outcome = e.workflow_execution_update_completed_event_attributes.outcome
                totals["bytes_out"] += sum(len(p.data) for p in outcome.success.payloads)
    return totals


def steps_like(totals: dict[str, int], updates: int, matched: bool = False) -> list[BareStep]:
    """``updates`` steps whose sums equal the lifecycles' counts (spread evenly); ``matched``
    adds their journal writes and payload sizes."""
    local, regular, upserts, timers, journal = (
        spread(totals[k], updates) for k in ("local", "regular", "upserts", "timers", "journal"))
    steps = [BareStep(local[i], regular[i], bool(upserts[i]), bool(timers[i])) for i in range(updates)]
    if matched:
        pad, result = "x" * (totals["bytes_in"] // updates), totals["bytes_out"] // updates
        local_pad = totals["bytes_local"] // max(1, totals["local"])
        for i, step in enumerate(steps):
            step.journal, step.pad, step.result, step.local_pad = journal[i], pad, result, local_pad
            step.upsert_like = True
    return steps


async def timed_bare(handles: list, steps_per: list[list[BareStep]], concurrency: int) -> tuple[int, float]:
    gate = asyncio.Semaphore(concurrency)

    async def one(handle, steps: list[BareStep]) -> int:
        async with gate:
            for step in steps:
                await handle.execute_update(BareWorkflow.act, step)
            return len(steps)

    started = time.perf_counter()
    done = await asyncio.gather(*(one(h, s) for h, s in zip(handles, steps_per)))
    return sum(done), time.perf_counter() - started


async def main(clusters: int, rounds: int, concurrency: int, repeat: int) -> None:
    async with dev_service() as svc:
        today = await svc.service.today()
        keys = [f"tp{i:03d}" for i in range(clusters)]
        for k in keys:
            await walk_to_formal_review(svc, k, today)
        after = {k: len((await svc.client.get_workflow_handle(f"designation-{k}").fetch_history()).events)
                 for k in keys}
        server = svc.server.process.pid if svc.server.process is not None else None
        cpu = Cpu(server)
        mark = cpu.start()
        writes: list = []
        first = await timed_lifecycles(svc, keys, rounds, concurrency, capture=None if STUB_STORE else writes)
        cpu.stop("ours", mark, first[0])
        totals = await count_work(svc, keys, after)
        totals["journal"] = len(writes)
        per_cluster = totals["updates"] // clusters
        bare_steps = [steps_like({k: v // clusters for k, v in totals.items()}, per_cluster) for _ in keys]
        matched_steps = [steps_like({k: v // clusters for k, v in totals.items()}, per_cluster, matched=True)
                         for _ in keys]
        by_workflow: dict[str, list] = {}
        for workflow_id, *write in writes:
            by_workflow.setdefault(workflow_id, []).append(tuple(write))
        journal = BareJournal(svc.engine, {f"m{i:03d}": by_workflow.get(f"designation-{k}", [])
                                           for i, k in enumerate(keys)})
        queue = svc.settings.task_queue + "-bare"
        runner = sandbox_runner(("bare_workflow",))  # the worker's own sandbox, the same for all
        ours, bare, matched = [first[0] / first[1]], [], []
        async with Worker(svc.client, task_queue=queue, workflows=[BareWorkflow], activities=[bare_noop, journal.write],
                          workflow_runner=runner, activity_executor=ThreadPoolExecutor(32)):
            handles = [await svc.client.start_workflow(BareWorkflow.run, BareInput(f"b{i:03d}"), id=f"bare-{i:03d}",
                                                       task_queue=queue) for i in range(clusters)]
            matched_handles = [await svc.client.start_workflow(BareWorkflow.run, BareInput(f"m{i:03d}"),
                                                               id=f"bare-matched-{i:03d}", task_queue=queue)
                               for i in range(clusters)] if writes else []
            for i in range(repeat):  # interleaved, so a busy moment of the machine hits each
                mark = cpu.start()
                n, t = await timed_bare(handles, bare_steps, concurrency)
                cpu.stop("bare", mark, n)
                bare.append(n / t)
                if matched_handles:
                    mark = cpu.start()
                    n, t = await timed_bare(matched_handles, matched_steps, concurrency)
                    cpu.stop("matched", mark, n)
                    matched.append(n / t)
                if i < repeat - 1:
                    mark = cpu.start()
                    n, t = await timed_lifecycles(svc, keys, rounds, concurrency)
                    cpu.stop("ours", mark, n)
                    ours.append(n / t)
            for h in handles + matched_handles:
                await h.signal(BareWorkflow.finish)
    print(f"work per action (from the lifecycles' histories): {totals['local'] / totals['updates']:.2f} local "
          f"activities, {totals['regular'] / totals['updates']:.2f} activities, "
          f"{totals['upserts'] / totals['updates']:.2f} upserts, {totals['timers'] / totals['updates']:.2f} timer resets")
    print(f"lifecycle actions/s: median {median(ours):.1f} of {', '.join(f'{x:.1f}' for x in ours)} "
          f"({clusters} clusters × {2 * rounds} actions, {concurrency} at a time)")
    print(f"bare baseline actions/s: median {median(bare):.1f} of {', '.join(f'{x:.1f}' for x in bare)}")
    print(f"ratio lifecycle / bare: {median(ours) / median(bare):.2f}")
    if matched:
        print(f"payload per action: {totals['bytes_in'] / totals['updates']:.0f} B in, "
              f"{totals['bytes_out'] / totals['updates']:.0f} B out, "
              f"{totals['bytes_local'] / max(1, totals['local']):.0f} B each way per local activity; "
              f"{totals['journal'] / totals['updates']:.2f} journal writes "
              f"({sum(len(w[3]) for w in writes) / totals['journal']:.1f} events each)")
        print(f"matched baseline actions/s (bare + the lifecycles' own journal writes, payload sizes and "
              f"search attributes): "
              f"median {median(matched):.1f} of {', '.join(f'{x:.1f}' for x in matched)}")
        print(f"ratio lifecycle / matched: {median(ours) / median(matched):.2f} "
              f"(the matched baseline wrote {journal.rows} journal rows)")
    print(f"CPU per action, lifecycle: {cpu.line('ours')}")
    print(f"CPU per action, bare:      {cpu.line('bare')}")
    if matched:
        print(f"CPU per action, matched:   {cpu.line('matched')}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stub-store", action="store_true",
                        help="the timed actions write no journal (a diagnosis of where the gap is)")
    a = parser.parse_args()
    STUB_STORE = a.stub_store
    asyncio.run(main(a.clusters, a.rounds, a.concurrency, a.repeat))
