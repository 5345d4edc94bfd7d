"""Runs every workflow and activity of the service.

With no ``TEMPORAL_ADDRESS`` it starts the embedded Temporal dev server (persistent file
under ``.data/``, WAL pragmas, long retention, search attributes registered); with one it
joins that cluster. ``--demo`` loads the labelled demo set into an empty store (``make run``).
Ctrl-C stops the worker, then the embedded server.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from activities.lifecycle import LifecycleActivities
from service.lifecycle import LifecycleService
from service.runtime import EmbeddedServer, RuntimeProblem, Settings, connect, prepare_namespace
from service.temporal import make_worker
from store import lifecycle as repo
from store.db import database_url, make_engine, migrate

log = logging.getLogger("designation.worker")


async def serve(demo: bool, ready_file: str | None = None) -> None:
    settings = Settings.from_env()
    engine = make_engine(database_url())
    migrate(engine)
    server = EmbeddedServer(settings) if settings.embedded else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        if server is not None:
            await server.start()
        client = await connect(settings)
        for note in await prepare_namespace(client, settings):
            log.warning(note)
        activities = LifecycleActivities(engine, client, task_queue=settings.task_queue)
        async with make_worker(client, activities, settings.task_queue):
            service = LifecycleService(client, engine, task_queue=settings.task_queue)
            await service.ensure_program()
            loaded = []
            if demo and repo.is_empty(engine):
                from service.demo import load_demo

                loaded = await load_demo(service)
            print(banner(settings, loaded, demo), flush=True)
            if ready_file:
                with open(ready_file, "w") as f:
                    f.write("ready\n")
            await stop.wait()
            print("正在停止……", flush=True)
    finally:
        if server is not None:
            server.stop()
        engine.dispose()


def banner(settings: Settings, loaded: list[str], demo: bool) -> str:
    lines = ["", "集群共建授名服务已启动 (designation lifecycle service is up)"]
    if settings.embedded:
        lines.append(f"  Temporal 开发服务器   {settings.target}（数据：{settings.data / 'temporal.db'}）")
        lines.append(f"  Temporal Web UI       {settings.ui_url}")
        lines.append(f"    例：按阶段筛选      {settings.ui_url}?query=ClusterStage%3D%22designated%22")
    else:
        lines.append(f"  Temporal 集群         {settings.target}  命名空间 {settings.namespace}")
    lines.append(f"  存储                  {database_url()}")
    if loaded:
        lines.append(f"  已载入演示数据        {', '.join(loaded)}")
    elif demo:
        lines.append("  演示数据              已存在（沿用上次的数据）")
    lines += [
        "  命令行示例",
        "    .venv/bin/designation simulate examples/full-cycle.yaml",
        "    .venv/bin/designation calendar add-working-days 2026-09-25 15",
        "  按 Ctrl-C 停止",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="load the demo set into an empty store")
    parser.add_argument("--ready-file", help=argparse.SUPPRESS)  # tests wait for it
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(args.demo, args.ready_file))
    except RuntimeProblem as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
