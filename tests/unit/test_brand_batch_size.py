"""A MIIT batch decides every pilot the provinces recommended (RULES.md "Program 4"): 36
provincial recommenders (provinces, 计划单列市, the 兵团) × 3 a year is up to 108 decisions in one
batch, more than an ordinary mapping's 100 keys; the service bounds a batch like a meeting's
decisions instead, before Temporal sees it (found by ``bench/brand_batch.py --pilots 105``)."""

import asyncio

import pytest

from domain.errors import DomainError
from domain.limits import LIMITS
from domain.roles import User
from service.brand.pilots import BrandService

MIIT = User("miit", "miit_reviewer", "工业和信息化部科技司")


class Client:
    """Stands in for Temporal: records the Update the batch workflow would receive."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []

    def get_workflow_handle(self, workflow_id: str) -> "Client":
        return self

    async def execute_update(self, name: str, inp: object, result_type: object = None) -> str:
        self.sent.append((name, inp))
        return "held"


def hold(client: Client, n: int) -> object:
    data = {"batch_id": "2027-10", "decisions": {f"pilot-{i:03d}": "approve" for i in range(n)}}
    return asyncio.run(BrandService(client, None, task_queue="t").hold_batch(MIIT, data))


def test_a_batch_of_108_decisions_reaches_the_batch_workflow():
    client = Client()
    assert hold(client, 108) == "held"
    (name, inp), = client.sent
    assert name == "hold_batch" and len(inp.decisions) == 108


def test_a_batch_beyond_a_meetings_decisions_is_refused_before_temporal_sees_it():
    client = Client()
    with pytest.raises(DomainError) as refused:
        hold(client, LIMITS.meeting_decisions + 1)
    assert refused.value.code == "too_many_items" and client.sent == []
