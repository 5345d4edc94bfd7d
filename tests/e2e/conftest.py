"""End-to-end: the running service (a real Temporal dev server, worker processes, the
store) driven the way its users drive it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcess:
    """``worker.py`` as ``make run`` starts it, in its own data directory and ports."""

    def __init__(self, tmp: Path, env: dict[str, str], *args: str) -> None:
        self.tmp = tmp
        self.env = env
        self.args = args
        self.ready = tmp / "ready"
        self.log = tmp / f"worker-{int(time.time() * 1000)}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> "ServiceProcess":
        self.ready.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "worker.py"), *self.args, "--ready-file", str(self.ready)],
            cwd=self.tmp, env=self.env, stdout=open(self.log, "wb"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while not self.ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker did not start:\n{self.output()}")
            time.sleep(0.1)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def interrupt(self, timeout: float = 30) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def service_env(tmp_path):
    env = dict(os.environ)
    for name in ("TEMPORAL_ADDRESS", "DATABASE_URL", "TEMPORAL_NAMESPACE", "TEMPORAL_TASK_QUEUE"):
        env.pop(name, None)
    env.update(
        DESIGNATION_DATA_DIR=str(tmp_path / ".data"),
        TEMPORAL_DEV_PORT=str(free_port()),
        TEMPORAL_UI_PORT=str(free_port()),
        PYTHONPATH=str(ROOT),
    )
    return env
