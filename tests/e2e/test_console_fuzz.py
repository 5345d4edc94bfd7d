"""A schema-driven fuzz run of the console API (schemathesis against /openapi.json) on a
running ``worker.py --demo --console``: whatever schemathesis sends — valid or not — no 5xx,
and every answer has a status and a body the schema documents.

(schemathesis' own pytest plugin reads a pytest-internal attribute that pytest 9 dropped,
so each operation's strategies are driven with hypothesis directly.)"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from console.app import create_app
from service.users import UserService
from store.db import make_engine
from tests.e2e.conftest import ROOT, ServiceProcess, free_port

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
SPEC = create_app(None, None).openapi()["paths"]
# (method, path, generation mode): invalid input only where there is input to spoil
CASES = [(method.upper(), path, mode)
         for path, ops in SPEC.items() for method, op in ops.items()
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if mode is GenerationMode.POSITIVE or op.get("parameters") or op.get("requestBody")]
# random keys only ever meet 404: half the cases aim at the demo clusters, so generated data
# reaches the workflows' validators (the domain rules) too
DEMO_KEYS = ["demo-ceramics", "demo-furniture", "demo-leather", "demo-bamboo", "demo-porcelain", "demo-paper"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


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


@pytest.mark.parametrize("method, path, mode", CASES, ids=[f"{m} {p} {'valid' if g is GenerationMode.POSITIVE else 'invalid'}"
                                                            for m, p, g in CASES])
def test_the_api_answers_generated_requests_without_a_server_error(console_schema, fuzzed_service, method, path,
                                                                   mode):
    operation = console_schema[path][method]
    headers = {"Authorization": f"Bearer {fuzzed_service.token}"}

    strategy = operation.as_strategy(generation_mode=mode)
    if "{key}" in path:
        def aim(pair):
            case, key = pair
            if key is not None and isinstance(case.path_parameters, dict):
                case.path_parameters = {**case.path_parameters, "key": key}
            return case

        strategy = st.tuples(strategy, st.sampled_from([*DEMO_KEYS, None])).map(aim)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        response = case.call(headers={**(case.headers or {}), **headers}, timeout=60)
        case.validate_response(response, checks=CHECKS)

    fuzz()
