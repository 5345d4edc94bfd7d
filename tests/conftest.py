"""Shared fixtures. `sim`: real workflows and activities on Temporal's time-skipping server, over a
SQLite store in a temporary directory; a fresh server, store and task queue per test."""

import pytest_asyncio

from service.cnlic.simulate import Simulation


@pytest_asyncio.fixture
async def sim():
    async with Simulation() as s:
        yield s
