"""Schemathesis against a running service, as many requests as you ask (issue 9: ≥ 5,000
with no response ≥ 500). Starts ``worker.py --demo --console`` the way ``make run`` does, in
a temporary data directory on free ports, drives every operation of ``/openapi.json`` with
valid and invalid generated requests (half of the cluster paths aimed at the demo clusters,
which sit in several stages, so the workflows' own validators see the data), runs
schemathesis' checks on every answer and prints the counts. Exits 1 if any answer was ≥ 500.

    .venv/bin/python bench/fuzz_api.py --requests 5000
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import schemathesis  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# the bulk-onboarding upload (console.cnlic.register) takes an XLSX file as its body: fuzz it with bytes
schemathesis.serializer.alias("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              "application/octet-stream")

DEMO_KEYS = ["demo-ceramics", "demo-furniture", "demo-leather", "demo-bamboo", "demo-porcelain", "demo-paper"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def cases(paths: dict) -> list[tuple[str, str, GenerationMode]]:
    """(method, path, mode) for every operation; invalid input only where there is input."""
    return [(method.upper(), path, mode)
            for path, ops in paths.items() for method, op in ops.items()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            if mode is GenerationMode.POSITIVE or op.get("parameters") or op.get("requestBody")]


def strategy(operation, path: str, mode: GenerationMode):
    """Random keys only ever meet 404: half the cases aim at the demo clusters."""
    s = operation.as_strategy(generation_mode=mode)
    if "{key}" not in path:
        return s

    def aim(pair):
        case, key = pair
        if key is not None and isinstance(case.path_parameters, dict):
            case.path_parameters = {**case.path_parameters, "key": key}
        return case

    return st.tuples(s, st.sampled_from([*DEMO_KEYS, None])).map(aim)


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # (check, method path)
    server_errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


def fuzz_operation(schema, token: str, method: str, path: str, mode: GenerationMode, examples: int,
                   tally: Tally, raise_on_failure: bool = False) -> None:
    operation = schema[path][method]
    auth = {"Authorization": f"Bearer {token}"}

    @given(case=strategy(operation, path, mode))
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(headers={**(case.headers or {}), **auth}, timeout=60)
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.server_errors.append(f"{method} {response.request.url} → {response.status_code} "
                                       f"{response.text[:200]}")
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001 - counted here; the short form raises
            tally.failures[(type(e).__name__, f"{method} {path}")] += 1
            if raise_on_failure:
                raise

    run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(tmp: Path) -> tuple[subprocess.Popen, str, Path]:
    env = dict(os.environ)
    for name in ("TEMPORAL_ADDRESS", "DATABASE_URL", "TEMPORAL_NAMESPACE", "TEMPORAL_TASK_QUEUE"):
        env.pop(name, None)
    port = free_port()
    env.update(DESIGNATION_DATA_DIR=str(tmp / ".data"), TEMPORAL_DEV_PORT=str(free_port()),
               TEMPORAL_UI_PORT=str(free_port()), CONSOLE_PORT=str(port), PYTHONPATH=str(ROOT))
    ready = tmp / "ready"
    log = tmp / "worker.log"
    process = subprocess.Popen([sys.executable, str(ROOT / "worker.py"), "--demo", "--console", "--ready-file",
                                str(ready)], cwd=tmp, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"the service did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
    return process, f"http://127.0.0.1:{port}", log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="at least this many requests in all")
    parser.add_argument("--keep", metavar="DIR", help="run in DIR and keep it (the service's log, its data)")
    args = parser.parse_args()

    from service.users import UserService
    from store.db import make_engine

    with tempfile.TemporaryDirectory(prefix="designation-fuzz-") as d:
        tmp = Path(args.keep or d)
        tmp.mkdir(parents=True, exist_ok=True)
        process, url, log = start_service(tmp)
        try:
            token = UserService(make_engine(f"sqlite:///{tmp / '.data' / 'designation.db'}")).issue_token(
                "secretariat", "fuzz")
            schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
            todo = cases(schema.raw_schema["paths"])
            tally = Tally()
            started = time.monotonic()
            # hypothesis stops early where an operation has few distinct inputs: go round until enough
            rounds = 0
            while tally.requests < args.requests and rounds < 10:
                per_case = max(10, (args.requests - tally.requests) // len(todo) + 1)
                for method, path, mode in todo:
                    fuzz_operation(schema, token, method, path, mode, per_case, tally)
                rounds += 1
            elapsed = time.monotonic() - started
        finally:
            process.send_signal(signal.SIGINT)
            try:
                code = process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                code = -9
        text = log.read_text(errors="replace")
        traceback = "Traceback" in text
        warnings = [line for line in text.splitlines() if line.startswith(("WARNING", "ERROR"))]
    print(f"{tally.requests} requests to {len(todo)} operation×mode cases in {elapsed:.0f} s "
          f"({tally.requests / elapsed:.0f}/s)")
    print("status  count")
    for status, count in sorted(tally.statuses.items()):
        print(f"{status:>6}  {count}")
    print(f"responses ≥ 500: {len(tally.server_errors)}")
    for line in tally.server_errors[:20]:
        print(f"  {line}")
    print(f"check failures: {sum(tally.failures.values())}")
    for (check, where), count in tally.failures.most_common(20):
        print(f"  {count:>5}  {check:<32} {where}")
    print(f"service stopped with exit code {code}; traceback in its log: {'yes' if traceback else 'no'}; "
          f"{len(warnings)} warnings")
    for line in warnings[:20]:
        print(f"  {line[:300]}")
    return 1 if tally.server_errors or code != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
