"""Shared by the benchmarks of programs 2–4 (issue 15 item 4: ``demonstration_round.py``,
``guangdong_round.py``, ``brand_batch.py``): a wall clock split by phase, the steps each phase
applied, peak resident memory of this process (worker, client, store) and of the time-skipping
test server it started, and the Temporal history of the main workflows. Not a benchmark itself.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterator

HOP = timedelta(days=7)  # the longest single time skip (Clock.advance)


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    steps: int = 0


@dataclass
class Clock:
    """``with clock.phase("recommend"): …; clock.step()`` — wall seconds and steps per phase."""

    phases: list[Phase] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    _current: Phase | None = None

    @contextmanager
    def phase(self, name: str) -> Iterator[Phase]:
        """Time spent inside a nested phase counts for the nested one only."""
        found = next((p for p in self.phases if p.name == name), None)
        if found is None:
            found = Phase(name)
            self.phases.append(found)
            if os.environ.get("BENCH_PROGRESS"):  # to attach a profiler to one phase
                print(f"[{self.wall:7.1f} s] {name}", file=sys.stderr, flush=True)
        before, self._current = self._current, found
        t0 = time.perf_counter()
        try:
            yield found
        finally:
            elapsed = time.perf_counter() - t0
            found.seconds += elapsed
            if before is not None:
                before.seconds -= elapsed
            self._current = before

    async def advance(self, sim: Any, day: date, **kw: Any) -> None:
        """``sim.advance_to(day)`` timed as its own phase: the time the test server skips runs
        every clock that falls due on the way (reminders, escalations, continue-as-new). Moved
        a week at a time: one skip over a whole cohort's clocks (600 titles' annual reports due
        on one day) can outlast the test server's RPC timeout."""
        with self.phase("clocks (time skipped)"):
            while (today := await sim.today()) + HOP < day:
                await sim.advance_to(today + HOP)
            await sim.advance_to(day, **kw)

    def step(self, n: int = 1) -> None:
        if self._current is not None:
            self._current.steps += n

    @property
    def steps(self) -> int:
        return sum(p.steps for p in self.phases)

    @property
    def wall(self) -> float:
        return time.perf_counter() - self.started

    def lines(self) -> list[str]:
        out = []
        for p in self.phases:
            rate = f"{p.steps / p.seconds:6.1f} steps/s" if p.steps and p.seconds else " " * 14
            out.append(f"  {p.name:<22} {p.seconds:8.1f} s  {p.steps:5d} steps  {rate}")
        return out


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (the test server is started through a child process)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(x) for x in (task / "children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


def _status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_mb() -> float:
    """This process's peak resident set (worker, activities, store, client), in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Peak resident set of the live child processes (the time-skipping test server), in MB;
    read before the simulation closes them."""
    return sum(_status_kb(pid, "VmHWM") for pid in _children(os.getpid())) / 1024


@dataclass(frozen=True)
class History:
    runs: int
    events: int
    kb: float  # the events' protobuf size, every run

    def __str__(self) -> str:
        return f"{self.events} events ({self.kb:.0f} KB) in {self.runs} run{'s' if self.runs > 1 else ''}"


async def history_events(client: Any, workflow_ids: list[str], concurrency: int = 8) -> dict[str, History]:
    """Workflow id → its history over every run."""
    from audit.history import run_chain

    gate = asyncio.Semaphore(concurrency)

    async def one(wid: str) -> tuple[str, History]:
        async with gate:
            chain = await run_chain(client, wid)
            return wid, History(len(chain), sum(len(h.events) for h in chain),
                                sum(e.ByteSize() for h in chain for e in h.events) / 1024)

    return dict(await asyncio.gather(*(one(w) for w in workflow_ids)))


def cpu_seconds() -> float:
    """CPU time (user + system) of this process so far: steadier than wall time on a shared machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def children_cpu_seconds() -> float:
    """CPU time of the live child processes (the test server); read before they close."""
    total = 0
    for pid in _children(os.getpid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """The test server's peak memory and CPU, read while it still runs."""

    peak_mb: float
    cpu_s: float

    @classmethod
    def now(cls) -> "Server":
        return cls(children_peak_rss_mb(), children_cpu_seconds())


def figure_line(what: str, clock: Clock, server: Server) -> str:
    """The one line a reader (and the smoke test) looks for, then where the CPU went."""
    wall = clock.wall
    return (f"{what}: {clock.steps} steps in {wall:.1f} s ({clock.steps / wall:.1f} steps/s), "
            f"peak RSS {peak_rss_mb():.0f} MB (test server {server.peak_mb:.0f} MB); "
            f"CPU {cpu_seconds():.1f} s (test server {server.cpu_s:.1f} s)")
