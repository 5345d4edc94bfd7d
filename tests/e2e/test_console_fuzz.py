"""A schema-driven fuzz run of the console API (schemathesis against /openapi.json) on a
running ``worker.py --demo --console``: whatever schemathesis sends — valid or not — no 5xx,
and every answer has a status and a body the schema documents.

(schemathesis' own pytest plugin reads a pytest-internal attribute that pytest 9 dropped,
so each operation's strategies are driven with hypothesis directly.)"""

from __future__ import annotations

import os

import pytest
import schemathesis

from bench.fuzz_api import Tally, cases, fuzz_operation
from console.app import create_app
from service.users import UserService
from store.db import make_engine
from tests.e2e.conftest import ROOT, ServiceProcess, free_port

pytestmark = pytest.mark.e2e

# the short form for `make test`; bench/fuzz_api.py is the long run (≥ 5,000 requests)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
CASES = cases(create_app(None, None).openapi()["paths"])
@pytest.fixture(scope="module")
def fuzzed_service(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    env = dict(os.environ)
    for name in ("TEMPORAL_ADDRESS", "DATABASE_URL", "TEMPORAL_NAMESPACE", "TEMPORAL_TASK_QUEUE"):
        env.pop(name, None)
    env.update(DESIGNATION_DATA_DIR=str(tmp / ".data"), TEMPORAL_DEV_PORT=str(free_port()),
               TEMPORAL_UI_PORT=str(free_port()), CONSOLE_PORT=str(free_port()), PYTHONPATH=str(ROOT))
    service = ServiceProcess(tmp, env, "--demo", "--console").start()
    service.url = f"http://127.0.0.1:{env['CONSOLE_PORT']}"
    users = UserService(make_engine(f"sqlite:///{tmp / '.data' / 'designation.db'}"))
    service.token = users.issue_token("secretariat", "fuzz")
    try:
        yield service
    finally:
        code = service.interrupt()
        assert code == 0 and "Traceback" not in service.output(), service.output()[-3000:]


@pytest.fixture(scope="module")
def console_schema(fuzzed_service):
    return schemathesis.openapi.from_url(f"{fuzzed_service.url}/openapi.json")


@pytest.mark.parametrize("method, path, mode", CASES, ids=[f"{m} {p} {'valid' if g.name == 'POSITIVE' else 'invalid'}"
                                                            for m, p, g in CASES])
def test_the_api_answers_generated_requests_without_a_server_error(console_schema, fuzzed_service, method, path,
                                                                   mode):
    tally = Tally()
    fuzz_operation(console_schema, fuzzed_service.token, method, path, mode, EXAMPLES, tally, raise_on_failure=True)
    assert not tally.server_errors, tally.server_errors
