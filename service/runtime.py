"""Where the service runs: the embedded Temporal dev server (a persistent SQLite file under
``.data/``) by default, or an existing Temporal cluster named by ``TEMPORAL_ADDRESS``.

Settings come from the environment:
  TEMPORAL_ADDRESS         host:port of an existing cluster; unset = start the embedded server
  TEMPORAL_NAMESPACE       default "designation"
  TEMPORAL_TASK_QUEUE      default "designation"
  TEMPORAL_API_KEY         API key (Temporal Cloud)
  TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY / TEMPORAL_TLS_CA   mTLS files
  TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT                      embedded server ports (7233 / 8233)
  TEMPORAL_RETENTION_DAYS  closed-run retention for audits (default 36500: 100 years)
  DATABASE_URL             the store (default SQLite under .data/)

The embedded server cannot outlive the worker: it gets SIGTERM when the worker dies (Linux
parent-death signal), its pid is recorded in ``.data/temporal-server.json`` so the next start
stops one that survived anyway, and ``supervise()`` restarts it when it exits on its own.
A running ``make run`` records where it listens in ``.data/endpoints.json``; the CLI reads it
(``Settings.for_client()``) when the environment names no address or port.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from google.protobuf.duration_pb2 import Duration
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, UpdateNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError, TLSConfig

from service.temporal import CONVERTER, binary, ensure_search_attributes, search_attribute_types
from store.db import data_dir
from workflows.cnlic.contracts import NAMESPACE, TASK_QUEUE


log = logging.getLogger("designation.runtime")

ENDPOINTS = "endpoints.json"  # where a running worker listens, for the CLI
START_HINT = ("服务是否在运行？在项目目录执行 make run 启动（或设置 DESIGNATION_DATA_DIR 指向其数据目录；"
              "连接已有集群设置 TEMPORAL_ADDRESS）")
SERVER_RECORD = "temporal-server.json"  # the embedded server's pid, file and ports


class RuntimeProblem(Exception):
    """Something about the environment stops the service from starting: one line for people."""


@dataclass
class Settings:
    address: str | None = None
    namespace: str = NAMESPACE
    task_queue: str = TASK_QUEUE
    api_key: str | None = None
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_ca: str | None = None
    dev_port: int = 7233
    ui_port: int = 8233
    retention_days: int = 36500
    data: Path = field(default_factory=data_dir)

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ

        def port(name: str, default: int) -> int:
            try:
                return int(env.get(name, default))
            except ValueError:
                raise RuntimeProblem(f"{name} 应为端口号，收到“{env[name]}”") from None

        return cls(
            address=env.get("TEMPORAL_ADDRESS") or None,
            namespace=env.get("TEMPORAL_NAMESPACE", NAMESPACE),
            task_queue=env.get("TEMPORAL_TASK_QUEUE", TASK_QUEUE),
            api_key=env.get("TEMPORAL_API_KEY") or None,
            tls_cert=env.get("TEMPORAL_TLS_CERT") or None,
            tls_key=env.get("TEMPORAL_TLS_KEY") or None,
            tls_ca=env.get("TEMPORAL_TLS_CA") or None,
            dev_port=port("TEMPORAL_DEV_PORT", 7233),
            ui_port=port("TEMPORAL_UI_PORT", 8233),
            retention_days=port("TEMPORAL_RETENTION_DAYS", 36500),
        )

    @classmethod
    def for_client(cls) -> "Settings":
        """Where a client (the CLI) finds the service: each of TEMPORAL_ADDRESS /
        TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT / TEMPORAL_NAMESPACE / TEMPORAL_TASK_QUEUE that is
        set wins; what is not set comes from the running ``make run``'s endpoints under the data
        directory (cwd's ``.data`` or DESIGNATION_DATA_DIR), else the defaults."""
        settings = cls.from_env()
        recorded = recorded_endpoints(settings.data)
        if recorded is None:
            return settings
        env = os.environ
        if not env.get("TEMPORAL_ADDRESS") and not env.get("TEMPORAL_DEV_PORT"):
            if recorded.get("embedded") and isinstance(recorded.get("dev_port"), int):
                settings.dev_port = recorded["dev_port"]
            elif not recorded.get("embedded") and recorded.get("temporal_address"):
                settings.address = str(recorded["temporal_address"])
        if not env.get("TEMPORAL_UI_PORT") and isinstance(recorded.get("ui_port"), int):
            settings.ui_port = recorded["ui_port"]
        if not env.get("TEMPORAL_NAMESPACE") and recorded.get("namespace"):
            settings.namespace = str(recorded["namespace"])
        if not env.get("TEMPORAL_TASK_QUEUE") and recorded.get("task_queue"):
            settings.task_queue = str(recorded["task_queue"])
        return settings

    @property
    def embedded(self) -> bool:
        return self.address is None

    @property
    def target(self) -> str:
        return self.address or f"127.0.0.1:{self.dev_port}"

    @property
    def ui_url(self) -> str | None:
        return f"http://127.0.0.1:{self.ui_port}/namespaces/{self.namespace}/workflows" if self.embedded else None


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def process_started(pid: int) -> str | None:
    """When a live process started (clock ticks since boot, from /proc), so a recorded pid
    that the kernel has since given to another process is not mistaken for ours; None for a
    process that is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()  # the command name may hold spaces and parentheses
    return None if fields[0] in "ZXx" else fields[19]


def process_alive(pid: int, started: str | None) -> bool:
    if Path("/proc/self/stat").exists():
        now = process_started(pid)
        return now is not None and (started is None or now == started)
    try:  # no /proc (macOS): existence is all we can tell
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_record(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("pid"), int) else None


def _write_record(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)  # a reader never sees half a file


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` giving the child SIGTERM when its parent dies, kill -9 included
    (Linux ``prctl(PR_SET_PDEATHSIG)``; None elsewhere). The signal follows the *thread* that
    forked, not the process: start the server from a thread that lives as long as the worker
    (the asyncio loop's main thread in worker.py), never from an executor or ``to_thread``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    pr_set_pdeathsig, sigterm, parent = 1, int(signal.SIGTERM), os.getpid()

    def preexec() -> None:  # runs in the child between fork and exec: resolved above, nothing to import
        prctl(pr_set_pdeathsig, sigterm, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: no signal would ever come
            os._exit(1)

    return preexec


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"被信号 {signal.Signals(-code).name} 终止"
        except ValueError:
            return f"被信号 {-code} 终止"
    return f"退出码 {code}"


class EmbeddedServer:
    """``temporal server start-dev`` on a persistent file, listening on 127.0.0.1 only."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen | None = None
        self.gave_up: str | None = None  # why supervise() stopped restarting, for the worker's last line
        self._supervisor: asyncio.Task | None = None

    @property
    def db(self) -> Path:
        return (self.settings.data / "temporal.db").resolve()

    @property
    def record(self) -> Path:
        return self.settings.data / SERVER_RECORD

    def command(self) -> list[str]:
        s = self.settings
        cmd = [
            binary("temporal"), "server", "start-dev",
            "--db-filename", str(self.db),
            "--namespace", s.namespace,
            "--ip", "127.0.0.1",
            "--port", str(s.dev_port),
            "--ui-port", str(s.ui_port),
            "--ui-ip", "127.0.0.1",
            "--sqlite-pragma", "journal_mode=wal",
            "--sqlite-pragma", "synchronous=normal",
            "--log-level", "warn",
        ]
        for name, kind in search_attribute_types().items():
            cmd += ["--search-attribute", f"{name}={kind}"]
        return cmd

    SPAWN_ATTEMPTS = 3

    async def start(self, timeout: float = 60.0) -> None:
        await self._stop_leftover()
        log = self.settings.data / "temporal.log"
        for attempt in range(self.SPAWN_ATTEMPTS):
            before = log.stat().st_size if log.exists() else 0
            self._spawn()
            if await self._ready(timeout):
                return
            if attempt == self.SPAWN_ATTEMPTS - 1 or not self._lost_own_port(log, before):
                break
        raise RuntimeProblem(f"Temporal 开发服务器启动失败，见 {log}")

    def _lost_own_port(self, log: Path, since: int) -> bool:
        """The server exited because a port it picked itself (its HTTP API and metrics ports are
        "a random free port") was taken before it bound it — a race with any other process on
        the machine; a new start picks new ones. A port we asked for stays the caller's error."""
        try:
            with open(log, "rb") as f:
                f.seek(since)
                tail = f.read(256 * 1024).decode("utf-8", "replace")
        except OSError:
            return False
        taken = {int(p) for p in re.findall(r"listen tcp 127\.0\.0\.1:(\d+): bind: address already in use", tail)}
        return bool(taken) and not taken & {self.settings.dev_port, self.settings.ui_port}

    def _spawn(self) -> None:
        s = self.settings
        for port in (s.dev_port, s.ui_port):
            if _port_in_use(port):
                raise RuntimeProblem(
                    f"端口 {port} 已被占用：是否已有一个服务在运行？可设置 TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT 换端口"
                )
        s.data.mkdir(parents=True, exist_ok=True)
        with open(s.data / "temporal.log", "ab") as out:  # the child keeps its own copy
            # its own session: Ctrl-C reaches only us, and we stop the server after the worker
            self.process = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True, preexec_fn=_die_with_parent())
        _write_record(self.record, {"pid": self.process.pid, "started": process_started(self.process.pid),
                                    "db": str(self.db), "port": s.dev_port, "ui_port": s.ui_port,
                                    "worker_pid": os.getpid()})

    async def _ready(self, timeout: float) -> bool:
        """Wait for the port; False when the process exited first."""
        assert self.process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not _port_in_use(self.settings.dev_port):
            if self.process.poll() is not None:
                return False
            if loop.time() > deadline:
                self._terminate()
                raise RuntimeProblem(f"Temporal 开发服务器 {timeout:.0f} 秒内未就绪，"
                                     f"见 {self.settings.data / 'temporal.log'}")
            await asyncio.sleep(0.1)
        return True

    def stop(self, timeout: float = 15.0) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()  # a stop we asked for is not a crash to repair
        self._terminate(timeout)

    def _terminate(self, timeout: float = 15.0) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if (_read_record(self.record) or {}).get("pid") == self.process.pid:
            self.record.unlink(missing_ok=True)

    def _is_ours(self, pid: int) -> bool:
        """``temporal server start-dev`` on this very database file (read from /proc)."""
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            return False
        if Path(argv[0]).name != "temporal" or argv[1:3] != ["server", "start-dev"] or "--db-filename" not in argv:
            return False
        named = argv[argv.index("--db-filename") + 1] if argv.index("--db-filename") + 1 < len(argv) else ""
        return bool(named) and Path(cwd, named).resolve() == self.db

    async def _stop_leftover(self, timeout: float = 10.0) -> None:
        """Stop a server an earlier run recorded and left running (its worker was killed before
        the parent-death signal could work, or on a system without one), so its ports are free
        again. Only one provably ours: the recorded pid, with its recorded start time, running
        ``temporal server start-dev`` on this data file."""
        record = _read_record(self.record)
        if record is None:
            return
        pid = record["pid"]
        if pid != getattr(self.process, "pid", None) and process_alive(pid, record.get("started")) \
                and self._is_ours(pid):
            loop = asyncio.get_running_loop()
            for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    break
                deadline = loop.time() + wait
                while process_started(pid) is not None and loop.time() < deadline:
                    await asyncio.sleep(0.1)
                if process_started(pid) is None:
                    break
            log.warning("已停止上次运行遗留的 Temporal 开发服务器（pid %d，%s）", pid, self.db)
        self.record.unlink(missing_ok=True)

    def watch(self, interval: float = 0.5, window: float = 60.0, limit: int = 3) -> None:
        """Keep the server up while the calling task runs: see ``supervise``. When it gives up,
        the calling task (the worker's ``serve``) is cancelled and ``gave_up`` says why."""
        main = asyncio.current_task()

        async def run() -> None:
            try:
                await self.supervise(interval, window, limit)
            except RuntimeProblem as e:
                self.gave_up = str(e)
                if main is not None:
                    main.cancel()

        self._supervisor = asyncio.create_task(run(), name="temporal-supervisor")

    async def supervise(self, interval: float = 0.5, window: float = 60.0, limit: int = 3) -> None:
        """Poll the server; when it exits on its own, start it again on the same file and
        ports (the worker and the clients reconnect by themselves). Raise RuntimeProblem when
        it has died ``limit`` times within ``window`` seconds, or cannot be started again."""
        loop = asyncio.get_running_loop()
        deaths: list[float] = []
        while True:
            await asyncio.sleep(interval)
            if self.process is None:
                return
            code = self.process.poll()
            if code is None:
                continue
            now = loop.time()
            deaths = [t for t in deaths if now - t < window] + [now]
            logfile = self.settings.data / "temporal.log"
            if len(deaths) >= limit:
                raise RuntimeProblem(f"Temporal 开发服务器 {window:.0f} 秒内意外退出 {len(deaths)} 次"
                                     f"（最后一次{_exit_reason(code)}），不再重启，服务停止；见 {logfile}")
            began = time.monotonic()
            self._spawn()  # the same file and ports; raises if another program took a port meanwhile
            if await self._ready(60.0):
                log.warning("Temporal 开发服务器意外退出（%s），已在原数据文件和端口上重启（pid %d，用时 %.1f 秒）",
                            _exit_reason(code), self.process.pid, time.monotonic() - began)
            # else it died while starting: the next round counts that death like any other


async def connect(settings: Settings, attempts: int = 50) -> Client:
    tls: TLSConfig | bool = False
    if settings.tls_cert or settings.tls_ca:
        def read(path: str | None) -> bytes | None:
            return Path(path).read_bytes() if path else None

        tls = TLSConfig(server_root_ca_cert=read(settings.tls_ca), client_cert=read(settings.tls_cert),
                        client_private_key=read(settings.tls_key))
    elif settings.api_key:
        tls = True
    last: Exception | None = None
    for _ in range(attempts):
        try:
            return await Client.connect(settings.target, namespace=settings.namespace, data_converter=CONVERTER,
                                        tls=tls, api_key=settings.api_key)
        except RuntimeError as e:  # the server may still be opening its port
            last = e
            await asyncio.sleep(0.2)
    log.debug("connect to %s failed: %s", settings.target, last)
    raise RuntimeProblem(f"无法连接 Temporal（{settings.target}）：{_connect_failure(last)}")


def _connect_failure(error: Exception | None) -> str:
    """The core's error as one short line for people, not the transport's debug text."""
    text = str(error)
    if "Connection refused" in text or "ConnectionRefused" in text:
        return "连接被拒绝，该地址没有服务在监听"
    if "timed out" in text.lower() or "deadline" in text.lower():
        return "连接超时"
    line = " ".join(text.split())
    return line if len(line) <= 200 else line[:200] + "…"


def record_endpoints(settings: Settings, console_url: str | None) -> Path:
    """Say where this running worker's service listens, for the CLI (``Settings.for_client``).
    Written once the service is up; ``forget_endpoints`` removes it on a clean stop, and a
    record whose worker is gone (killed) is ignored by readers."""
    path = settings.data / ENDPOINTS
    _write_record(path, {
        "pid": os.getpid(),
        "started": process_started(os.getpid()),
        "temporal_address": settings.target,
        "embedded": settings.embedded,
        "dev_port": settings.dev_port if settings.embedded else None,
        "ui_port": settings.ui_port if settings.embedded else None,
        "namespace": settings.namespace,
        "task_queue": settings.task_queue,
        "temporal_ui": settings.ui_url,
        "console": console_url,
        "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })
    return path


def forget_endpoints(settings: Settings) -> None:
    path = settings.data / ENDPOINTS
    if (_read_record(path) or {}).get("pid") == os.getpid():  # not a later run's
        path.unlink(missing_ok=True)


def recorded_endpoints(data: Path) -> dict | None:
    """The endpoints a running worker recorded under ``data``; None when there are none or
    their worker is no longer running (a stale record from a killed run must not mislead)."""
    record = _read_record(data / ENDPOINTS)
    if record is None or not process_alive(record["pid"], record.get("started")):
        return None
    return record


async def prepare_namespace(client: Client, settings: Settings) -> list[str]:
    """Long retention (every continued-as-new run is a closed run the auditors need) and
    the search attributes. Returns what could not be done (e.g. on a managed cloud)."""
    notes: list[str] = []
    wanted = Duration(seconds=settings.retention_days * 86400)
    try:
        desc = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=settings.namespace))
        if desc.config.workflow_execution_retention_ttl.seconds != wanted.seconds:
            await client.workflow_service.update_namespace(
                UpdateNamespaceRequest(namespace=settings.namespace,
                                       config=NamespaceConfig(workflow_execution_retention_ttl=wanted))
            )
    except RPCError as e:
        notes.append(f"未能设置命名空间保留期（{e.message}）")
    try:
        await ensure_search_attributes(client, settings.namespace)
    except RPCError as e:
        notes.append(f"未能注册搜索属性（{e.message}）；请由集群管理员注册 {', '.join(search_attribute_types())}")
    return notes
