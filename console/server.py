"""Serving the console inside the worker's process and event loop (``worker.py --console``):
uvicorn on 127.0.0.1 by default, plus the housekeeping scheduler. Ctrl-C is the worker's to
handle: uvicorn's own signal capture is switched off, and ``stop()`` ends both cleanly.

CONSOLE_HOST  default 127.0.0.1 (nothing listens beyond this machine unless asked)
CONSOLE_PORT  default 8000
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from dataclasses import dataclass
from typing import Iterator

import uvicorn

from console.app import create_app
from console.scheduler import ScheduleProblem, start_housekeeping
from service.cnlic.console import ConsoleService
from service.runtime import RuntimeProblem
from service.users import UserService


class ConsoleProblem(RuntimeProblem):
    """The console cannot start (port taken, bad setting): one line for people."""


@dataclass(frozen=True)
class ConsoleSettings:
    host: str = "127.0.0.1"
    port: int = 8000

    @classmethod
    def from_env(cls) -> "ConsoleSettings":
        host = os.environ.get("CONSOLE_HOST", "127.0.0.1").strip() or "127.0.0.1"
        raw = os.environ.get("CONSOLE_PORT", "8000")
        try:
            port = int(raw)
            if not 0 < port < 65536:
                raise ValueError
        except ValueError:
            raise ConsoleProblem(f"CONSOLE_PORT 应为端口号，收到“{raw}”") from None
        return cls(host, port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class _InLoopServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # the worker owns SIGINT/SIGTERM
        yield


class RunningConsole:
    def __init__(self, server: _InLoopServer, task: asyncio.Task, scheduler, settings: ConsoleSettings) -> None:
        self.server, self.task, self.scheduler, self.settings = server, task, scheduler, settings

    @property
    def url(self) -> str:
        return self.settings.url

    async def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.server.should_exit = True
        try:
            await asyncio.wait_for(self.task, timeout=10)
        except (asyncio.TimeoutError, asyncio.CancelledError, SystemExit):
            self.task.cancel()


def _bind(settings: ConsoleSettings) -> socket.socket:
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as e:
        sock.close()
        raise ConsoleProblem(f"控制台无法监听 {settings.host}:{settings.port}（{e.strerror}）：端口被占用？"
                             f"可设置 CONSOLE_PORT 换端口") from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def start_console(console: ConsoleService, users: UserService, settings: ConsoleSettings,
                        housekeeping: bool = True) -> RunningConsole:
    app = create_app(console, users)
    sock = _bind(settings)
    config = uvicorn.Config(app, log_level=os.environ.get("CONSOLE_LOG_LEVEL", "warning"), lifespan="off",
                            access_log=False, server_header=False)
    server = _InLoopServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="console")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    while not server.started:
        if task.done():
            sock.close()
            raise ConsoleProblem(f"控制台未能启动（{task.exception()!r}）")
        if loop.time() > deadline:
            server.should_exit = True
            raise ConsoleProblem("控制台 15 秒内未能启动")
        await asyncio.sleep(0.05)
    try:
        scheduler = start_housekeeping(console) if housekeeping else None
    except ScheduleProblem as e:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
        raise ConsoleProblem(str(e)) from None
    return RunningConsole(server, task, scheduler, settings)
