"""``make run`` after crashes: a worker killed with -9 leaves no Temporal server behind, a
Temporal server killed with -9 comes back by itself, and the CLI finds a service started on
other ports through the endpoints it recorded under the data directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from service.runtime import EmbeddedServer, Settings, process_alive, process_started
from tests.e2e.conftest import ServiceProcess, free_port

pytestmark = pytest.mark.e2e

DESIGNATION = Path(sys.executable).parent / "designation"
PORT_VARIABLES = ("TEMPORAL_DEV_PORT", "TEMPORAL_UI_PORT", "CONSOLE_PORT", "DESIGNATION_DATA_DIR")


@pytest.fixture
def console_env(service_env):
    return dict(service_env, CONSOLE_PORT=str(free_port()))


def server_record(tmp: Path) -> dict:
    return json.loads((tmp / ".data" / "temporal-server.json").read_text())


def listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def designation(tmp: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([str(DESIGNATION), *args], cwd=tmp, env=env, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_a_worker_killed_with_minus_9_leaves_no_temporal_behind_and_starts_again_within_10_seconds(
        tmp_path, console_env):
    first = ServiceProcess(tmp_path, console_env, "--demo", "--console").start()
    orphan = server_record(tmp_path)
    first.kill()

    began = time.monotonic()
    again = ServiceProcess(tmp_path, console_env, "--demo", "--console").start(timeout=10)
    try:
        took = time.monotonic() - began
        assert took < 10, took
        assert not process_alive(orphan["pid"], orphan["started"]), "the first run's Temporal server is still alive"
        assert server_record(tmp_path)["pid"] != orphan["pid"]
        endpoints = json.loads((tmp_path / ".data" / "endpoints.json").read_text())
        assert endpoints["pid"] == again.process.pid
    finally:
        assert again.interrupt() == 0
    assert not (tmp_path / ".data" / "endpoints.json").exists()
    assert not (tmp_path / ".data" / "temporal-server.json").exists()


def test_a_server_left_running_by_an_earlier_run_on_this_data_file_is_stopped_before_the_port_check(
        tmp_path, service_env, monkeypatch):
    for name in ("DESIGNATION_DATA_DIR", "TEMPORAL_DEV_PORT", "TEMPORAL_UI_PORT"):
        monkeypatch.setenv(name, service_env[name])
    settings = Settings.from_env()
    settings.data.mkdir(parents=True)
    # as a run without the parent-death signal would leave it: alive, listening, recorded
    leftover = subprocess.Popen(EmbeddedServer(settings).command(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        (settings.data / "temporal-server.json").write_text(json.dumps(
            {"pid": leftover.pid, "started": process_started(leftover.pid)}))
        deadline = time.monotonic() + 30
        while not listening(settings.dev_port):
            assert leftover.poll() is None and time.monotonic() < deadline, "the leftover server did not start"
            time.sleep(0.1)
        service = ServiceProcess(tmp_path, service_env).start(timeout=30)
        try:
            assert leftover.poll() is not None, "the leftover server was not stopped"
            assert "已停止上次运行遗留的 Temporal 开发服务器" in service.output()
        finally:
            assert service.interrupt() == 0
    finally:
        if leftover.poll() is None:
            leftover.kill()
        leftover.wait()


def test_a_killed_temporal_server_is_restarted_within_10_seconds_and_the_worker_gives_up_on_the_third_death(
        tmp_path, console_env):
    service = ServiceProcess(tmp_path, console_env, "--demo", "--console").start()
    try:
        token = designation(tmp_path, console_env, "user", "token", "secretariat").stdout.split()[0]
        url = f"http://127.0.0.1:{console_env['CONSOLE_PORT']}/api/clusters/demo-paper"
        port = int(console_env["TEMPORAL_DEV_PORT"])

        def kill_server_and_wait_for_the_next() -> float:
            killed = server_record(tmp_path)["pid"]
            os.kill(killed, signal.SIGKILL)
            began = time.monotonic()
            while time.monotonic() - began < 10:
                try:
                    if server_record(tmp_path)["pid"] != killed and listening(port):
                        return time.monotonic() - began
                except (OSError, ValueError):
                    pass  # between two records
                time.sleep(0.1)
            raise AssertionError(f"not restarted within 10 s:\n{service.output()}")

        kill_server_and_wait_for_the_next()
        # the worker's own client reconnects: the console's query goes through the worker again
        deadline = time.monotonic() + 30
        while True:
            shown = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            if shown.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert shown.status_code == 200, shown.text
        assert shown.json()["stage"] == "formal_review"
        assert service.output().count("已在原数据文件和端口上重启") == 1

        kill_server_and_wait_for_the_next()
        os.kill(server_record(tmp_path)["pid"], signal.SIGKILL)  # the third death within a minute
        code = service.process.wait(30)
    finally:
        service.stop()
    last = service.output().strip().splitlines()[-1]
    assert code == 2 and last.startswith("错误：Temporal 开发服务器 60 秒内意外退出 3 次"), service.output()
    assert "Traceback" not in service.output(), service.output()
    assert not (tmp_path / ".data" / "endpoints.json").exists()


def test_the_cli_finds_a_service_on_other_ports_through_its_recorded_endpoints(tmp_path, console_env):
    service = ServiceProcess(tmp_path, console_env, "--demo", "--console").start()
    bare = {k: v for k, v in console_env.items() if k not in PORT_VARIABLES}  # only cwd says where
    try:
        token = designation(tmp_path, bare, "user", "token", "secretariat").stdout.split()[0]
        bare["DESIGNATION_TOKEN"] = token
        listed = designation(tmp_path, bare, "cluster", "list")
        assert listed.returncode == 0 and "demo-paper" in listed.stdout, listed.stderr
        shown = designation(tmp_path, bare, "cluster", "show", "demo-paper")
        ui = console_env["TEMPORAL_UI_PORT"]
        assert shown.returncode == 0, shown.stderr
        assert f"http://127.0.0.1:{ui}/namespaces/designation/workflows/designation-demo-paper" in shown.stdout
    finally:
        assert service.interrupt() == 0
    assert not (tmp_path / ".data" / "endpoints.json").exists()

    nobody = free_port()
    refused = designation(tmp_path, dict(bare, TEMPORAL_DEV_PORT=str(nobody)), "cluster", "list")
    assert refused.returncode == 2 and refused.stdout == ""
    assert len(refused.stderr.strip().splitlines()) == 1
    assert f"无法连接 Temporal（127.0.0.1:{nobody}）" in refused.stderr and "make run" in refused.stderr
