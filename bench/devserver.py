"""Shared by the benchmarks that need a real Temporal dev server (issue 15): the embedded
server of ``make run`` on free ports in a temporary directory, the store beside it, a worker
as ``worker.py`` builds it (``make_worker``), and small statistics. Not a benchmark itself."""

from __future__ import annotations

import os
import resource
import socket
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from activities.cnlic.lifecycle import LifecycleActivities  # noqa: E402
from service.cnlic.lifecycle import LifecycleService  # noqa: E402
from service.runtime import EmbeddedServer, Settings, connect, prepare_namespace  # noqa: E402
from service.temporal import make_worker  # noqa: E402
from store.db import make_engine, migrate  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb() -> float:
    """This process's resident set now (from /proc), in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of this process, or of another by pid (from /proc)."""
    if pid is None:
        return time.process_time()
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class DevService:
    settings: Settings
    client: Any
    engine: Any
    service: LifecycleService
    activities: LifecycleActivities
    server: EmbeddedServer


class dev_service:
    """``async with dev_service() as svc``: a dev server, a store and a lifecycle service in a
    temp directory (``database_url`` for PostgreSQL), with a worker unless ``worker=False``."""

    def __init__(self, worker: bool = True, database_url: str | None = None, **worker_options: Any) -> None:
        self.worker = worker
        self.database_url = database_url
        self.worker_options = worker_options
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> DevService:
        tmp = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="designation-bench-")))
        settings = Settings(dev_port=free_port(), ui_port=free_port(), data=tmp,
                            task_queue=f"bench-{os.getpid()}")
        server = EmbeddedServer(settings)
        await server.start()
        self._stack.callback(server.stop)
        client = await connect(settings)
        await prepare_namespace(client, settings)
        engine = make_engine(self.database_url or f"sqlite:///{tmp / 'designation.db'}")
        migrate(engine)
        self._stack.callback(engine.dispose)
        activities = LifecycleActivities(engine, client, task_queue=settings.task_queue)
        if self.worker:
            await self._stack.enter_async_context(
                make_worker(client, activities, settings.task_queue, **self.worker_options))
        service = LifecycleService(client, engine, task_queue=settings.task_queue)
        await service.ensure_program()
        return DevService(settings, client, engine, service, activities, server)

    async def __aexit__(self, *exc: Any) -> None:
        await self._stack.aclose()
