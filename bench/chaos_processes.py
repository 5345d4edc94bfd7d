"""The processes a chaos run starts, kills and restarts (``bench/chaos.py``): the service as
``make run`` starts it, its embedded Temporal server, and a private PostgreSQL. Everything
listens on 127.0.0.1 only; nothing here touches a process it did not start."""

from __future__ import annotations

import asyncio
import ctypes
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


class ChaosProblem(Exception):
    """The run itself could not be carried out (not a finding about the service)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _recorded_pid(path: Path) -> int | None:
    try:
        text = path.read_text()
        return int(json.loads(text)["pid"]) if path.suffix == ".json" else int(text.split()[0])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def temporal_pids(data: Path) -> list[int]:
    """The embedded Temporal server(s) on this data directory: from the record the worker keeps
    there (``temporal-server.json`` or a pid file), and from /proc (the server's command line
    names its database file), whichever the worker in use provides."""
    found = set()
    for record in [*data.glob("*.pid"), data / "temporal-server.json"]:
        pid = _recorded_pid(record)
        if pid is not None and "temporal" in Path((_cmdline(pid) or ["-"])[0] or "-").name:
            found.add(pid)
    db = str(data / "temporal.db")
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            cmd = _cmdline(int(entry))
            if db in cmd and "start-dev" in cmd:
                found.add(int(entry))
    return sorted(found)


def _die_with_parent() -> None:  # in the child, before exec: if this run dies, so does the worker
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Service:
    """``worker.py --console`` as ``make run`` starts it, in its own data directory and ports."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work, self.env = work, env
        self.data = Path(env["DESIGNATION_DATA_DIR"])
        self.dev_port = int(env["TEMPORAL_DEV_PORT"])
        self.ready = work / "ready"
        self.log = work / "worker.log"
        self.process: subprocess.Popen | None = None
        self.notes: list[str] = []

    async def start(self, timeout: float = 120) -> float:
        """Start (again) and wait until it is serving; a start that fails (the store down, the
        ports still held by the killed worker's server) is tried again until ``timeout``."""
        began = time.monotonic()
        while True:
            self.ready.unlink(missing_ok=True)
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, str(ROOT / "worker.py"), "--console", "--ready-file", str(self.ready)],
                    cwd=self.work, env=self.env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
            while not self.ready.exists() and self.process.poll() is None:
                if time.monotonic() - began > timeout:
                    raise ChaosProblem(f"the service did not start in {timeout:.0f} s:\n{self.tail()}")
                await asyncio.sleep(0.1)
            if self.ready.exists():
                return time.monotonic() - began
            self.notes.append(f"a start failed (exit {self.process.returncode}: {self.last_line()}); tried again")
            if time.monotonic() - began > timeout:
                raise ChaosProblem(f"the service did not start in {timeout:.0f} s:\n{self.tail()}")
            await self._reap_servers()
            await asyncio.sleep(0.5)

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def last_line(self) -> str:
        return (self.tail(1) or "no output")[:200]

    async def _reap_servers(self, grace: float = 5.0) -> None:
        """A server left by a killed worker, holding the ports, that a new worker did not stop:
        give it ``grace`` seconds (it may be shutting down on a parent-death signal), then kill it."""
        deadline = time.monotonic() + grace
        while temporal_pids(self.data) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        left = temporal_pids(self.data)
        for pid in left:
            _kill(pid)
        if left:
            self.notes.append(f"a Temporal server outlived its killed worker by {grace:.0f} s and held the ports "
                              f"(pid {', '.join(map(str, left))}): killed")
            while temporal_pids(self.data):
                await asyncio.sleep(0.05)

    async def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            await asyncio.to_thread(self.process.wait)

    async def kill_server(self, recover_within: float) -> str:
        """SIGKILL the embedded Temporal server. A worker that restarts it is waited for; one
        that dies with it, or carries on without it, is restarted."""
        victims = temporal_pids(self.data)
        if not victims:
            return "no Temporal server process found"
        for pid in victims:
            _kill(pid)
        deadline = time.monotonic() + recover_within
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                took = await self.start()
                return f"the worker died with its server; restarted in {took:.1f} s"
            fresh = [p for p in temporal_pids(self.data) if p not in victims]
            if fresh and port_open(self.dev_port):
                return f"the worker restarted its server in {recover_within - (deadline - time.monotonic()):.1f} s"
            await asyncio.sleep(0.2)
        await self.kill()
        took = await self.start()
        return f"the worker did not restart its server in {recover_within:.0f} s: worker restarted in {took:.1f} s"

    async def stop(self) -> None:
        await self.kill()
        await self._reap_servers()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class PrivatePostgres:
    """A PostgreSQL of this run's own (initdb in a temporary directory, a free port, 127.0.0.1
    only) that can be stopped and started: never the shared server other tests use."""

    def __init__(self) -> None:
        self.bin = self.find_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="designation-chaos-pg-"))
        self.data = self.dir / "data"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    @staticmethod
    def find_bin() -> Path | None:
        for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
            if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
                return Path(candidate)
        found = shutil.which("pg_ctl")
        return Path(found).parent if found and Path(found).with_name("initdb").exists() else None

    @classmethod
    def unavailable(cls) -> str | None:
        if cls.find_bin() is None:
            return "no initdb/pg_ctl found"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return "running as root without runuser to become postgres"
        return None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@{HOST}:{self.port}/designation"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
        if check and done.returncode != 0:
            raise ChaosProblem(f"{' '.join(args[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8",
                  "--locale=C")
        self.start()
        self._run("createdb", "-h", HOST, "-p", str(self.port), "-U", "postgres", "designation")

    def start(self) -> None:
        # fsync off: an outage here stops the server, not the machine, so the kernel keeps the data
        options = (f"-p {self.port} -c listen_addresses={HOST} -c unix_socket_directories={self.dir} "
                   f"-c fsync=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "postgres.log"), "-w", "-t", "60",
                  "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def destroy(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
            pidfile = self.data / "postmaster.pid"
            if pidfile.exists():
                try:
                    _kill(int(pidfile.read_text().split()[0]))
                except (OSError, ValueError, IndexError):
                    pass
        shutil.rmtree(self.dir, ignore_errors=True)


