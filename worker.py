"""Runs every workflow and activity of the service.

With no ``TEMPORAL_ADDRESS`` it starts the embedded Temporal dev server (persistent file
under ``.data/``, WAL pragmas, long retention, search attributes registered); with one it
joins that cluster. ``--demo`` loads the labelled demo set into an empty store (``make run``).
``--console`` also serves the operations console (HTTP API and pages, CONSOLE_HOST/CONSOLE_PORT,
default http://127.0.0.1:8000) and its housekeeping jobs in this process; with ``--demo`` it
creates one demo login per role. Ctrl-C stops the console, the worker, then the embedded server.
An embedded server that dies is restarted (the worker gives up after three deaths in a minute);
one that outlives a killed worker is stopped by the next start. Once up, the worker records
where it listens in ``.data/endpoints.json`` for the CLI, and removes it when stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from activities.cnlic.lifecycle import LifecycleActivities
from domain.cnlic.model import Role
from service.cnlic.lifecycle import LifecycleService
from service.runtime import (EmbeddedServer, RuntimeProblem, Settings, connect, forget_endpoints, prepare_namespace,
                             record_endpoints)
from service.temporal import make_worker
from store.cnlic import lifecycle as repo
from store.db import database_url, make_engine, migrate

log = logging.getLogger("designation.worker")


async def serve(demo: bool, ready_file: str | None = None, console: bool = False) -> None:
    settings = Settings.from_env()
    console_settings = None
    if console:
        from console.server import ConsoleSettings

        console_settings = ConsoleSettings.from_env()
    engine = make_engine(database_url())
    migrate(engine)
    _check_blob_store(engine)
    server = EmbeddedServer(settings) if settings.embedded else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        if server is not None:
            await server.start()
            server.watch()  # restarts it if it dies; cancels this task if it keeps dying
        client = await connect(settings)
        for note in await prepare_namespace(client, settings):
            log.warning(note)
        activities = LifecycleActivities(engine, client, task_queue=settings.task_queue)
        async with make_worker(client, activities, settings.task_queue):
            service = LifecycleService(client, engine, task_queue=settings.task_queue)
            await service.ensure_program()
            loaded = []
            if demo and repo.is_empty(engine):
                from service.cnlic.demo import load_demo

                loaded = await load_demo(service)
            if demo:
                from service.programs import programs

                for program in programs():  # each loads its own demo set into its empty tables
                    if program.demo is not None:
                        loaded += await program.demo(client, engine, settings.task_queue)
            running = None
            logins: list = []
            if console_settings is not None:
                running, logins = await _start_console(service, engine, settings, console_settings, demo)
            try:
                print(banner(settings, loaded, demo, running.url if running else None, logins), flush=True)
                record_endpoints(settings, running.url if running else None)
                if ready_file:
                    with open(ready_file, "w") as f:
                        f.write("ready\n")
                await stop.wait()
                print("正在停止……", flush=True)
            finally:
                forget_endpoints(settings)
                if running is not None:
                    await running.stop()
    except asyncio.CancelledError:
        if server is not None and server.gave_up:
            raise RuntimeProblem(server.gave_up) from None
        raise
    finally:
        if server is not None:
            server.stop()
        engine.dispose()


def _check_blob_store(engine) -> None:
    """The attachments' store as configured (store.blobs): BLOB_STORE=s3 without boto3, or with
    a bucket that cannot be reached, stops start-up with one line instead of failing at the
    first upload."""
    from domain.errors import DomainError
    from store.blobs import blob_store

    try:
        blob_store(engine, check=True)
    except DomainError as e:
        raise RuntimeProblem(e.message) from None


async def _start_console(service: LifecycleService, engine, settings: Settings, console_settings, demo: bool):
    """The console in this process: the same service layer, the demo logins when asked."""
    from console.server import start_console
    from service.cnlic.console import ConsoleService
    from service.users import UserService

    users = UserService(engine)
    logins = []
    if demo:
        from service.cnlic.demo_users import all_demo_users, ensure_demo_users

        ensure_demo_users(users)
        known = {u.username for u, _ in users.list()}
        logins = [u for u in all_demo_users() if u.username in known]
    console = ConsoleService(service, engine, temporal_ui=settings.ui_url)
    return await start_console(console, users, console_settings), logins


def _email_line() -> str:
    from service.notify import SmtpProblem, SmtpSettings

    try:
        smtp = SmtpSettings.from_env()
    except SmtpProblem as e:
        return str(e)
    return f"每 {smtp.every} 秒经 {smtp.describe()}" if smtp else "关闭（设置 SMTP_HOST 开启，见 README）"


def banner(settings: Settings, loaded: list[str], demo: bool, console_url: str | None = None,
           logins: list | None = None) -> str:
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
    if console_url:
        lines.append(f"  运行控制台            {console_url}   （API 文档 {console_url}/api/docs）")
        lines.append(f"  邮件通知              {_email_line()}")
        if logins:
            lines.append("  演示账号（用户名 / 密码 / 角色）")
            for u in logins:
                lines.append(f"    {u.username:<12} {u.password:<18} {Role(u.role).label}·{u.name}")
        else:
            lines.append("  账号                  用 .venv/bin/designation user add 创建")
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
    parser.add_argument("--console", action="store_true", help="also serve the operations console (127.0.0.1:8000)")
    parser.add_argument("--ready-file", help=argparse.SUPPRESS)  # tests wait for it
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(args.demo, args.ready_file, args.console))
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
