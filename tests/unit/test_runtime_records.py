"""Where the CLI finds the service (the environment first, then the endpoints a running worker
recorded), and which recorded Temporal server a new start may stop: only a provably ours."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from service.runtime import EmbeddedServer, Settings, record_endpoints, recorded_endpoints

CLIENT_VARIABLES = ("TEMPORAL_ADDRESS", "TEMPORAL_DEV_PORT", "TEMPORAL_UI_PORT", "TEMPORAL_NAMESPACE",
                    "TEMPORAL_TASK_QUEUE", "DESIGNATION_DATA_DIR")


@pytest.fixture
def in_project(tmp_path, monkeypatch):
    for name in CLIENT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / ".data"


def running_on(monkeypatch, **env: str) -> Settings:
    """The settings of a worker started with ``env``, whose endpoints are recorded as its own."""
    with monkeypatch.context() as m:
        for name, value in env.items():
            m.setenv(name, value)
        settings = Settings.from_env()
        record_endpoints(settings, "http://127.0.0.1:8011")
    return settings


def test_the_cli_uses_the_ports_a_running_service_recorded_under_the_data_directory(in_project, monkeypatch):
    running_on(monkeypatch, TEMPORAL_DEV_PORT="7311", TEMPORAL_UI_PORT="8311", TEMPORAL_NAMESPACE="trial")
    settings = Settings.for_client()
    assert settings.target == "127.0.0.1:7311"
    assert settings.ui_url == "http://127.0.0.1:8311/namespaces/trial/workflows"


def test_each_variable_set_in_the_environment_wins_over_the_recorded_endpoints(in_project, monkeypatch):
    running_on(monkeypatch, TEMPORAL_DEV_PORT="7311", TEMPORAL_UI_PORT="8311")
    monkeypatch.setenv("TEMPORAL_UI_PORT", "9999")
    settings = Settings.for_client()
    assert settings.target == "127.0.0.1:7311" and settings.ui_port == 9999
    monkeypatch.setenv("TEMPORAL_ADDRESS", "temporal.example:7233")
    assert Settings.for_client().target == "temporal.example:7233"


def test_a_worker_joined_to_a_cluster_records_its_address(in_project, monkeypatch):
    running_on(monkeypatch, TEMPORAL_ADDRESS="temporal.example:7233", TEMPORAL_NAMESPACE="prod")
    settings = Settings.for_client()
    assert settings.target == "temporal.example:7233" and settings.namespace == "prod" and settings.ui_url is None


def test_endpoints_left_by_a_killed_worker_are_ignored(in_project, monkeypatch):
    running_on(monkeypatch, TEMPORAL_DEV_PORT="7311")
    path = in_project / "endpoints.json"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    path.write_text(json.dumps(dict(json.loads(path.read_text()), pid=gone.pid)))
    assert recorded_endpoints(in_project) is None
    assert Settings.for_client().target == "127.0.0.1:7233"


def test_a_recorded_pid_that_is_not_our_temporal_server_is_left_alone(in_project, monkeypatch):
    in_project.mkdir()
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (in_project / "temporal-server.json").write_text(json.dumps({"pid": stranger.pid}))
        asyncio.run(EmbeddedServer(Settings.from_env())._stop_leftover())
        assert stranger.poll() is None
        assert not (in_project / "temporal-server.json").exists()
    finally:
        stranger.kill()
        stranger.wait()


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_a_recorded_pid_now_given_to_another_process_is_not_taken_for_the_recorded_one(in_project, monkeypatch):
    running_on(monkeypatch, TEMPORAL_DEV_PORT="7311")
    path = in_project / "endpoints.json"
    path.write_text(json.dumps(dict(json.loads(path.read_text()), started="1")))  # same pid, another start
    assert recorded_endpoints(in_project) is None
