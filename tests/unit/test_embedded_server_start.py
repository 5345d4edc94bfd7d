"""The embedded Temporal server picks its HTTP API and metrics ports itself ("a random free
port"); another process can take one before the server binds it, and the server exits. A start
tries again then; a port we asked for that is taken stays the caller's error."""

from __future__ import annotations

import asyncio
import socket
import sys

import pytest

from service.runtime import EmbeddedServer, RuntimeProblem, Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

# a stand-in for ``temporal server start-dev``: the first start loses the port named in argv[3]
# the way the real server reports it; a later one listens on argv[2] until stopped
FAKE = """
import pathlib, socket, sys, time
marker, port, lost = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
if not marker.exists():
    marker.write_text("lost")
    print(f'Error: failed listening for HTTP API on 127.0.0.1:{lost}: listen tcp 127.0.0.1:{lost}: bind: address already in use', flush=True)
    sys.exit(1)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen()
time.sleep(60)
"""


class FakeServer(EmbeddedServer):
    def __init__(self, settings: Settings, lost: int) -> None:
        super().__init__(settings)
        self.lost = lost
        self.spawned = 0

    def command(self) -> list[str]:
        self.spawned += 1
        return [sys.executable, "-c", FAKE, str(self.settings.data / "marker"), str(self.settings.dev_port),
                str(self.lost)]


def settings(tmp_path) -> Settings:
    return Settings(dev_port=free_port(), ui_port=free_port(), data=tmp_path / ".data")


def test_a_port_the_server_picked_itself_and_lost_is_tried_again(tmp_path):
    s = settings(tmp_path)
    server = FakeServer(s, lost=free_port())
    try:
        asyncio.run(server.start(timeout=20))
        assert server.spawned == 2 and server.process.poll() is None
    finally:
        server.stop()


def test_the_port_we_asked_for_being_taken_is_not_retried(tmp_path):
    s = settings(tmp_path)
    server = FakeServer(s, lost=s.dev_port)
    with pytest.raises(RuntimeProblem, match="启动失败"):
        asyncio.run(server.start(timeout=20))
    assert server.spawned == 1
