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
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf.duration_pb2 import Duration
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, UpdateNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError, TLSConfig

from service.temporal import CONVERTER, binary, ensure_search_attributes, search_attribute_types
from store.db import data_dir
from workflows.contracts import NAMESPACE, TASK_QUEUE


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


class EmbeddedServer:
    """``temporal server start-dev`` on a persistent file, listening on 127.0.0.1 only."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        s = self.settings
        cmd = [
            binary("temporal"), "server", "start-dev",
            "--db-filename", str(s.data / "temporal.db"),
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

    async def start(self, timeout: float = 60.0) -> None:
        s = self.settings
        for port in (s.dev_port, s.ui_port):
            if _port_in_use(port):
                raise RuntimeProblem(
                    f"端口 {port} 已被占用：是否已有一个服务在运行？可设置 TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT 换端口"
                )
        s.data.mkdir(parents=True, exist_ok=True)
        log = open(s.data / "temporal.log", "ab")  # noqa: SIM115 - lives as long as the server
        # its own session: Ctrl-C reaches only us, and we stop the server after the worker
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not _port_in_use(s.dev_port):
            if self.process.poll() is not None:
                raise RuntimeProblem(f"Temporal 开发服务器启动失败，见 {s.data / 'temporal.log'}")
            if loop.time() > deadline:
                self.stop()
                raise RuntimeProblem(f"Temporal 开发服务器 {timeout:.0f} 秒内未就绪，见 {s.data / 'temporal.log'}")
            await asyncio.sleep(0.1)

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


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
    raise RuntimeProblem(f"无法连接 Temporal（{settings.target}）：{last}")


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
