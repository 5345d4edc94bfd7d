"""Chaos run on the embedded server: the service as ``make run`` starts it (``worker.py --console``
with its Temporal dev server) in a temporary data directory on free ports; N clusters driven
through the designation procedure over the HTTP API while the worker is killed (SIGKILL) K times,
the Temporal server S times and, when a private PostgreSQL can be started, the store is stopped
for a while. Then it checks and prints: lost transitions, duplicate journal rows, broken hash
chains, and responses ≥ 500 other than the designed 503s. Issue 9.

    .venv/bin/python bench/chaos.py                                        # the long run (a few minutes)
    .venv/bin/python bench/chaos.py --clusters 30 --kills 3 --server-kills 1 --duration 12 --outage-seconds 10
    .venv/bin/python bench/chaos.py --no-store-outage --seed 7

Talks only to 127.0.0.1, stops by itself (``--duration`` is the steady time spread between the
blows; every wait is bounded) and kills everything it started (processes: bench/chaos_processes.py).
The store outage needs a PostgreSQL of its own: ``initdb`` and ``pg_ctl`` (/usr/lib/postgresql/*/bin
or PATH) in a temporary directory on a free port, never the shared server. Exit status 0 when every
check holds, 1 when one does not, 2 when the run could not be carried out. tests/e2e/test_chaos.py
runs the short form.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from temporalio.client import Client  # noqa: E402

from audit.history import recorded_head, run_chain  # noqa: E402
from audit.verify import verify_rows  # noqa: E402
from bench.chaos_processes import HOST, ChaosProblem, PrivatePostgres, Service, free_port, temporal_pids  # noqa: E402
from domain.cnlic.model import Actor  # noqa: E402
from service.cnlic.demo import PANEL, REPORT  # noqa: E402
from service.cnlic.thresholds import load_seed as load_seed_thresholds  # noqa: E402
from service.cnlic.lifecycle import LifecycleService  # noqa: E402
from service.temporal import CONVERTER  # noqa: E402
from service.users import UserService  # noqa: E402
from store.cnlic import lifecycle as repo  # noqa: E402
from store.db import make_engine, migrate, session  # noqa: E402
from store.models import JournalRow  # noqa: E402
from workflows.cnlic.contracts import NAMESPACE, designation_workflow_id  # noqa: E402

ASSOCIATION = "中国陶瓷工业协会"
USERS = {  # role -> (username, signing name, industries)
    "secretariat": ("chaos-secretariat", "综合业务部", ()),
    "association": ("chaos-association", ASSOCIATION, ("陶瓷",)),
    "leader": ("chaos-leader", "张会长", ()),
    "expert": ("chaos-expert", "李专家", ()),  # the lead of service.cnlic.demo's PANEL
}


@dataclass
class Config:
    clusters: int = 100
    kills: int = 10
    server_kills: int = 3
    store_outage: bool | None = None  # None: when a private PostgreSQL can be started
    outage_seconds: float = 15.0
    duration: float = 120.0  # steady time spread between the blows; the drive is paced to span it
    seed: int = 1
    meeting: bool = True  # end with one meeting approving every cluster that reached it
    root: Path | None = None  # a directory to work in (default: a temporary one, removed)
    quiet: bool = False


# ---------------------------------------------------------------- the drive


@dataclass
class Success:
    key: str
    action: str
    events: list[tuple[int, str]]  # (seq, kind) the answer reported
    took: float = 0.0  # seconds from sending it to its answer


@dataclass
class Tally:
    phase: str = "steady"  # what the chaos is doing right now: responses are filed under it
    statuses: Counter = field(default_factory=Counter)
    unavailable: Counter = field(default_factory=Counter)  # (phase, code) of each 503
    unexpected: list[str] = field(default_factory=list)  # every other response >= 500
    transport: Counter = field(default_factory=Counter)  # phase -> requests that got no answer
    succeeded: list[Success] = field(default_factory=list)
    applied_unanswered: int = 0  # steps that took effect although their answer never arrived
    meeting: dict[str, str] | None = None  # the decisions of a meeting the client saw succeed
    problems: list[str] = field(default_factory=list)  # refusals the drive did not expect, stuck clusters
    calm: asyncio.Event = field(default_factory=asyncio.Event)  # set when the last blow has fallen
    slow: list[tuple[float, str]] = field(default_factory=list)  # (seconds, what) of answers over 3 s


class Api:
    def __init__(self, base: str, tokens: dict[str, str], tally: Tally) -> None:
        self.tokens, self.tally = tokens, tally
        self.in_flight = 0  # actions sent and not yet answered: the blows wait for some
        self.http = httpx.AsyncClient(base_url=base, trust_env=False, timeout=httpx.Timeout(90, connect=3))

    async def call(self, method: str, path: str, role: str, body: Any = None) -> tuple[int | None, Any]:
        tally = self.tally
        self.in_flight += method == "POST"
        sent = time.monotonic()
        try:
            r = await self.http.request(method, path, json=body,
                                        headers={"Authorization": f"Bearer {self.tokens[role]}"})
        except httpx.TransportError as e:
            tally.transport[tally.phase] += 1
            return None, repr(e)
        finally:
            self.in_flight -= method == "POST"
        tally.statuses[r.status_code] += 1
        if time.monotonic() - sent > 3:
            tally.slow.append((time.monotonic() - sent, f"[{tally.phase}] {method} {path} → {r.status_code}"))
        try:
            answer = r.json()
        except ValueError:
            answer = r.text
        if r.status_code == 503:
            tally.unavailable[(tally.phase, answer.get("code") if isinstance(answer, dict) else "?")] += 1
        elif r.status_code >= 500:
            tally.unexpected.append(f"[{tally.phase}] {method} {path} → {r.status_code} {str(answer)[:200]}")
        return r.status_code, answer


PROCEDURE = ("record_opinion", "accept_application", "approve_site_visit", "record_site_report",
             "record_formal_opinion", "complete_formal_review")  # then the meeting


def step(action: str | None, today: date) -> tuple[str, str, dict[str, Any]] | None:
    """An action of the designation procedure with who takes it and the data it takes."""
    return None if action is None else {
        "record_opinion": ("record_opinion", "association", {"text": "同意推荐", "recommend": True}),
        "accept_application": ("accept_application", "secretariat", {}),
        "approve_site_visit": ("approve_site_visit", "leader", {"visit_on": (today + timedelta(days=7)).isoformat(),
                                                               "panel": PANEL}),
        "record_site_report": ("record_site_report", "expert", REPORT),
        "record_formal_opinion": ("record_formal_opinion", "association", {"recommend": True}),
        "complete_formal_review": ("complete_formal_review", "secretariat", {}),
    }[action]


def next_action(detail: dict[str, Any]) -> str | None:
    """What the procedure needs next, from a cluster's state as the API shows it."""
    stage = detail["stage"]
    if stage == "applied":
        return "record_opinion" if detail.get("outstanding_opinions") else "accept_application"
    return {"accepted": "approve_site_visit", "site_evaluation": "record_site_report",
            "association_opinion": "record_formal_opinion", "formal_review": "complete_formal_review"}.get(stage)


async def drive_cluster(api: Api, key: str, rng: random.Random, think: float, until: float) -> bool:
    """Take one cluster to the meeting queue. An answered step is followed by the next; after
    one whose answer was lost (the worker killed mid-request, a 5xx) or refused, the cluster's
    state is read first, so nothing is sent twice blindly."""
    tally, unanswered, today, action = api.tally, None, None, None
    known = False
    while time.monotonic() < until:
        if not known:
            status, detail = await api.call("GET", f"/api/clusters/{key}", "secretariat")
            if status != 200:
                await asyncio.sleep(0.5 + rng.random())
                continue
            today, action, known = date.fromisoformat(detail["today"]), next_action(detail), True
            if unanswered is not None and action != unanswered:
                tally.applied_unanswered += 1
            unanswered = None
        if action is None:
            return True
        _, role, data = step(action, today)
        if not tally.calm.is_set():  # think while the chaos lasts; after it, finish briskly
            try:
                await asyncio.wait_for(tally.calm.wait(), rng.uniform(0, think))
            except asyncio.TimeoutError:
                pass
        sent = time.monotonic()
        status, answer = await api.call("POST", f"/api/clusters/{key}/actions/{action}", role, data)
        if status == 200:
            tally.succeeded.append(Success(key, action, [(e["seq"], e["kind"]) for e in answer["events"]],
                                           time.monotonic() - sent))
            following = PROCEDURE.index(action) + 1
            action = PROCEDURE[following] if following < len(PROCEDURE) else None
            continue
        known = False
        if status is None or status >= 500:
            unanswered = action  # the outcome is unknown: the next read tells
            await asyncio.sleep(0.5 + rng.random())
        elif status == 409:  # the state moved (an earlier unanswered attempt took effect): read again
            await asyncio.sleep(0.2)
        else:
            tally.problems.append(f"{key}: {action} refused {status} {str(answer)[:200]}")
            await asyncio.sleep(1 + rng.random())
    tally.problems.append(f"{key}: did not reach the meeting in time")
    return False


async def hold_meeting(api: Api, keys: list[str], until: float) -> None:
    """One meeting approving every cluster waiting for it (the program workflow, its signals)."""
    tally, unanswered = api.tally, False
    while time.monotonic() < until:
        status, waiting = await api.call("GET", "/api/meetings/waiting", "secretariat")
        if status != 200:
            await asyncio.sleep(1)
            continue
        ours = sorted(w["cluster_key"] for w in waiting if w["cluster_key"] in set(keys))
        if not ours:
            if unanswered:
                tally.applied_unanswered += 1
            else:
                tally.problems.append("no cluster waited for the meeting")
            return
        decisions = {k: "approve" for k in ours}
        status, answer = await api.call("POST", "/api/meetings", "secretariat", {"decisions": decisions})
        if status == 200:
            tally.meeting = dict(answer["decisions"])
            return
        if status is not None and status < 500 and status != 409:
            tally.problems.append(f"meeting refused {status} {str(answer)[:200]}")
            return
        unanswered = status is None or status >= 500
        await asyncio.sleep(1)
    tally.problems.append("the meeting was not held in time")


# ---------------------------------------------------------------- the chaos


MIN_STEADY = 2.0  # seconds of steady service before each blow, so actions are under way when it falls


def schedule(cfg: Config, store: bool, rng: random.Random) -> list[tuple[float, str]]:
    """The blows in order, each with the steady time before it; the store outage never last,
    so the activities' retries have time to catch up."""
    events = ["worker"] * cfg.kills + ["server"] * cfg.server_kills + (["store"] if store else [])
    rng.shuffle(events)
    if events and events[-1] == "store" and len(events) > 1:
        events[-1], events[0] = events[0], events[-1]
    slot = cfg.duration / (len(events) + 1)
    return [(max(MIN_STEADY, slot * rng.uniform(0.5, 1.5)), e) for e in events]


async def chaos(service: Service, pg: PrivatePostgres | None, api: Api, cfg: Config, plan: list[tuple[float, str]],
                started: float, say) -> list[str]:
    log, tally = [], api.tally

    def note(text: str, at: float) -> None:
        line = f"{at - started:7.1f}s  {text}"
        log.append(line)
        say(line)

    for steady, what in plan:
        await asyncio.sleep(steady)
        for _ in range(40):  # strike with actions under way, if any come within two seconds
            if api.in_flight:
                break
            await asyncio.sleep(0.05)
        at, busy = time.monotonic(), f"{api.in_flight} actions in flight"
        if what == "worker":
            tally.phase = "worker down"
            pid = service.process.pid if service.process else None
            await service.kill()
            took = await service.start()
            note(f"kill -9 worker (pid {pid}, {busy}); serving again in {took:.1f} s", at)
        elif what == "server":
            tally.phase = "server down"
            pids = ", ".join(map(str, temporal_pids(service.data)))
            outcome = await service.kill_server(recover_within=10)
            note(f"kill -9 Temporal server (pid {pids}, {busy}); {outcome}", at)
        else:
            assert pg is not None
            tally.phase = "store down"
            await asyncio.to_thread(pg.stop)
            await asyncio.sleep(cfg.outage_seconds)
            await asyncio.to_thread(pg.start)
            note(f"store down ({busy}; private PostgreSQL stopped -m immediate, started "
                 f"{time.monotonic() - at:.1f} s later)", at)
        tally.phase = "steady"
        for n in service.notes:
            note(f"  {n}", time.monotonic())
        service.notes.clear()
    tally.calm.set()
    return log


# ---------------------------------------------------------------- the checks


@dataclass
class Report:
    config: Config
    store: str
    events: list[str]
    tally: Tally
    reached: int = 0
    lost: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def _latency(self) -> str:
        took = sorted(s.took for s in self.tally.succeeded)
        if not took:
            return "actions: none answered"
        slowest = max(self.tally.slow, default=None)
        return (f"actions answered in {took[len(took) // 2]:.2f} s (median), {took[-1]:.1f} s (slowest)"
                + (f"; slowest answer of all {slowest[0]:.1f} s: {slowest[1]}" if slowest else ""))

    @property
    def unexpected(self) -> list[str]:
        return self.tally.unexpected

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicates or self.broken or self.unexpected)

    def text(self, events: bool = True) -> str:
        t, c = self.tally, self.config
        lines = [f"chaos run: {c.clusters} clusters, {c.kills} worker kills, {c.server_kills} server kills, "
                 f"store {self.store}, seed {c.seed}, {self.seconds:.0f} s", *(self.events if events else ()),
                 f"drive: {len(t.succeeded)} actions answered 200, {t.applied_unanswered} took effect unanswered, "
                 f"{self.reached}/{c.clusters} clusters reached the meeting"
                 + (f", meeting held for {len(t.meeting)}" if t.meeting else ""),
                 "responses: " + ", ".join(f"{s}×{n}" for s, n in sorted(t.statuses.items())),
                 self._latency(),
                 "no answer (service restarting): " + (", ".join(f"{p} ×{n}" for p, n in t.transport.items()) or "none"),
                 "designed 503s: " + (", ".join(f"{p} {code} ×{n}" for (p, code), n in sorted(t.unavailable.items()))
                                      or "none")]
        for name, found in (("lost transitions", self.lost), ("duplicate journal rows", self.duplicates),
                            ("broken hash chains", self.broken), ("unexpected >= 500", self.unexpected),
                            ("drive problems (not counted)", t.problems)):
            lines.append(f"{name:<30}{len(found)}")
            lines += [f"    {x}" for x in found[:20]] + ([f"    … {len(found) - 20} more"] if len(found) > 20 else [])
        lines.append("OK" if self.ok else "FAILED")
        return "\n".join(lines)


async def check(report: Report, client: Client, engine, keys: list[str], settle: float = 90) -> None:
    svc = LifecycleService(client, engine)
    deadline = time.monotonic() + settle
    while True:  # the record activities may still be retrying: wait until the store caught up
        views = dict(zip(keys, await asyncio.gather(*(svc.view(k) for k in keys))))
        rows = {c.key: c for c in repo.clusters(engine)}
        lagging = [k for k in keys if k not in rows or rows[k].last_seq != views[k].seq or views[k].busy]
        if not lagging or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    journal = {k: repo.journal(engine, k) for k in keys}
    for k in keys:
        view, row, seqs = views[k], rows.get(k), [r.seq for r in journal[k]]
        last = max(seqs, default=0)
        if row is None or (view.stage, view.seq) != (row.stage, row.last_seq) or view.seq != last:
            report.lost.append(f"{k}: workflow {view.stage}#{view.seq}, read model "
                               f"{(row.stage, row.last_seq) if row else None}, journal ends #{last}")
    for s in report.tally.succeeded:
        have = {(r.seq, r.kind) for r in journal[s.key]}
        actions = {r.seq for r in journal[s.key] if r.kind == "action" and r.data.get("action") == s.action}
        missing = [e for e in s.events if tuple(e) not in have]
        if missing or not actions & {seq for seq, kind in s.events if kind == "action"}:
            report.lost.append(f"{s.key}: {s.action} answered 200, journal lacks {missing or 'the action row'}")
    for key, decision in (report.tally.meeting or {}).items():
        if decision == "approve" and views[key].stage not in ("approved", "designated"):  # §三(四): the document follows
            report.lost.append(f"{key}: the meeting's approval answered 200, the workflow is at {views[key].stage}")
    with session(engine) as s:
        dupes = s.execute(select(JournalRow.cluster_key, JournalRow.seq, func.count()).group_by(
            JournalRow.cluster_key, JournalRow.seq).having(func.count() > 1)).all()
    report.duplicates = [f"{k}#{seq} ×{n}" for k, seq, n in dupes]
    for k in keys:
        head = recorded_head(await run_chain(client, designation_workflow_id(k)))
        verified = verify_rows(k, journal[k], head)
        if not verified.ok:
            report.broken.append(verified.summary())


# ---------------------------------------------------------------- the run


def cluster_profile(i: int) -> dict[str, Any]:
    # one region per cluster: a region may hold one live lifecycle per industry
    return {"key": f"chaos-{i:04d}", "industry": "陶瓷", "product": "陶瓷", "tier": "base", "name": f"混沌集群{i}",
            "region": {"province": "广东省", "city": "佛山市", "county": f"第{i}区", "code": f"{440100 + i:06d}"}}


async def register(svc: LifecycleService, n: int) -> list[str]:
    today = await svc.today()
    gate = asyncio.Semaphore(8)
    secretariat = Actor("secretariat", USERS["secretariat"][1])

    async def one(i: int) -> str:
        async with gate:
            c = cluster_profile(i)
            await svc.register(c, {"stage": "applied", "on": today.isoformat(), "application": {
                "route": "association", "bodies": [ASSOCIATION], "industry_history_years": 20}}, secretariat)
            return c["key"]

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def run(cfg: Config) -> Report:
    say = (lambda _: None) if cfg.quiet else (lambda line: print(line, flush=True))
    began = time.monotonic()
    rng = random.Random(cfg.seed)
    own_root = cfg.root is None
    work = Path(tempfile.mkdtemp(prefix="designation-chaos-")) if own_root else Path(cfg.root)
    work.mkdir(parents=True, exist_ok=True)
    pg: PrivatePostgres | None = None
    service: Service | None = None
    engine = None
    try:
        store = "SQLite (no outage)"
        if cfg.store_outage is not False:
            why = PrivatePostgres.unavailable()
            if why is None:
                pg = PrivatePostgres()
                try:
                    await asyncio.to_thread(pg.create)
                except (ChaosProblem, OSError, subprocess.TimeoutExpired) as e:
                    why = str(e).splitlines()[0]
                    await asyncio.to_thread(pg.destroy)
                    pg = None
            if pg is None:
                if cfg.store_outage:
                    raise ChaosProblem(f"--store-outage needs a private PostgreSQL: {why}")
                say(f"no store outage: {why}")
            else:
                store = f"private PostgreSQL on {HOST}:{pg.port}, {cfg.outage_seconds:.0f} s outage"
        data = work / ".data"
        url = pg.url if pg else f"sqlite:///{data / 'designation.db'}"
        env = {k: v for k, v in os.environ.items()
               if k not in ("TEMPORAL_ADDRESS", "DATABASE_URL", "TEMPORAL_NAMESPACE", "TEMPORAL_TASK_QUEUE")}
        console_port = free_port()
        env.update(DESIGNATION_DATA_DIR=str(data), DATABASE_URL=url, TEMPORAL_DEV_PORT=str(free_port()),
                   TEMPORAL_UI_PORT=str(free_port()), CONSOLE_HOST=HOST, CONSOLE_PORT=str(console_port),
                   PYTHONPATH=str(ROOT), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
        engine = make_engine(url)
        migrate(engine)
        load_seed_thresholds(engine)  # the demo's 达标值 tables: REPORT enters values checked against them
        users = UserService(engine)
        tokens = {}
        for role, (username, name, industries) in USERS.items():
            users.add(username, role, name, "chaos-password", industries=industries)
            tokens[role] = users.issue_token(username, "chaos")
        service = Service(work, env)
        say(f"service up in {await service.start():.1f} s ({work})")
        client = await Client.connect(f"{HOST}:{env['TEMPORAL_DEV_PORT']}", namespace=NAMESPACE,
                                      data_converter=CONVERTER)
        keys = await register(LifecycleService(client, engine), cfg.clusters)
        say(f"{len(keys)} clusters registered in {time.monotonic() - began:.1f} s")

        tally = Tally()
        api = Api(f"http://{HOST}:{console_port}", tokens, tally)
        plan = schedule(cfg, pg is not None, rng)
        started = time.monotonic()
        until = started + cfg.duration * 2 + 30 * len(plan) + 120  # a cluster still moving by then is stuck
        think = cfg.duration / 3  # six steps of thought, half this each on average: about the duration
        riders = [drive_cluster(api, k, random.Random(f"{cfg.seed}-{k}"), think, until) for k in keys]
        blows = asyncio.create_task(chaos(service, pg, api, cfg, plan, started, say))
        drive = asyncio.ensure_future(asyncio.gather(*riders))
        await asyncio.wait({blows, drive}, return_when=asyncio.FIRST_EXCEPTION)
        if blows.done() and blows.exception() is not None:
            drive.cancel()
            raise blows.exception()
        reached = await drive
        say(f"{time.monotonic() - started:7.1f}s  {sum(reached)} clusters at the meeting queue")
        if cfg.meeting:
            await hold_meeting(api, keys, until)
            say(f"{time.monotonic() - started:7.1f}s  meeting {'held' if tally.meeting else 'not held'}")
        events = await blows
        await api.http.aclose()
        report = Report(cfg, store, events, tally, reached=sum(reached))
        await check(report, client, engine, keys)
        say(f"{time.monotonic() - started:7.1f}s  checked")
        report.seconds = time.monotonic() - began
        say(report.text(events=False))
        return report
    finally:
        if service is not None:
            await service.stop()
        if engine is not None:
            engine.dispose()
        if pg is not None:
            await asyncio.to_thread(pg.destroy)
        if own_root:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=Config.clusters)
    parser.add_argument("--kills", type=int, default=Config.kills, help="worker SIGKILLs")
    parser.add_argument("--server-kills", type=int, default=Config.server_kills, help="Temporal server SIGKILLs")
    parser.add_argument("--store-outage", action=argparse.BooleanOptionalAction, default=None,
                        help="stop a private PostgreSQL for a while (default: when one can be started)")
    parser.add_argument("--outage-seconds", type=float, default=Config.outage_seconds)
    parser.add_argument("--duration", type=float, default=Config.duration, help="seconds the chaos is spread over")
    parser.add_argument("--seed", type=int, default=Config.seed)
    parser.add_argument("--no-meeting", action="store_true", help="stop the drive at the meeting queue")
    args = parser.parse_args()
    cfg = Config(clusters=args.clusters, kills=args.kills, server_kills=args.server_kills,
                 store_outage=args.store_outage, outage_seconds=args.outage_seconds, duration=args.duration,
                 seed=args.seed, meeting=not args.no_meeting)

    async def guarded() -> Report:
        task = asyncio.current_task()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        blows = cfg.kills + cfg.server_kills + 1
        return await asyncio.wait_for(run(cfg), timeout=cfg.duration * 3 + 60 * blows + 600)

    try:
        report = asyncio.run(guarded())
    except ChaosProblem as e:
        print(f"chaos run not carried out: {e}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("chaos run interrupted; what it started is stopped", file=sys.stderr)
        return 130
    return 0 if report.ok else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # the Temporal SDK can abort at interpreter exit (TEMPORAL.md)
