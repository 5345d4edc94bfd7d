"""Which journal heads ``audit verify --all`` takes from the visibility listing (issue 15, row 5):
only a workflow's latest run counts, and a latest run without a JournalHead is left to its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from audit.history import listed_heads
from workflows.cnlic.contracts import JOURNAL_HEAD, journal_head_value, parse_journal_head

T0 = datetime(2027, 1, 4, tzinfo=timezone.utc)


@dataclass
class Execution:
    id: str
    start_time: datetime
    head: str | None = None
    typed_search_attributes: TypedSearchAttributes = field(init=False)

    def __post_init__(self) -> None:
        pairs = [SearchAttributePair(JOURNAL_HEAD, self.head)] if self.head is not None else []
        self.typed_search_attributes = TypedSearchAttributes(pairs)


class Listing:
    def __init__(self, executions: list[Execution] | None = None, error: RPCError | None = None) -> None:
        self.executions, self.error, self.queries = executions or [], error, []

    def list_workflows(self, query: str, page_size: int):
        self.queries.append((query, page_size))

        async def rows():
            if self.error is not None:
                raise self.error
            for e in self.executions:
                yield e

        return rows()


def test_a_head_value_reads_back_and_anything_else_is_no_head():
    assert parse_journal_head(journal_head_value(41, "ab" * 32)) == (41, "ab" * 32)
    assert parse_journal_head(None) is None and parse_journal_head("41") is None
    assert parse_journal_head("x:ab") is None and parse_journal_head(41) is None


async def test_the_latest_run_of_each_wanted_workflow_decides_and_one_without_a_head_is_left_out():
    listing = Listing([
        Execution("designation-a", T0, journal_head_value(5, "old")),
        Execution("designation-a", T0 + timedelta(days=1), journal_head_value(9, "new")),  # continued as new
        Execution("designation-b", T0 + timedelta(days=1)),  # its latest run predates the attribute
        Execution("designation-b", T0, journal_head_value(3, "stale")),
        Execution("designation-c", T0, journal_head_value(2, "c")),  # not asked for
        Execution("designation-d", T0, "garbled"),
    ])
    heads = await listed_heads(listing, {"designation-a", "designation-b", "designation-d"})
    assert heads == {"designation-a": (9, "new")}
    assert listing.queries == [("WorkflowType = 'DesignationWorkflow'", 1000)]


@pytest.mark.parametrize("status", [RPCStatusCode.UNIMPLEMENTED, RPCStatusCode.INVALID_ARGUMENT])
async def test_a_server_without_that_listing_leaves_every_head_to_the_histories(status):
    assert await listed_heads(Listing(error=RPCError("no visibility", status, b"")), {"designation-a"}) == {}


async def test_any_other_failure_of_the_listing_is_not_hidden():
    with pytest.raises(RPCError):
        await listed_heads(Listing(error=RPCError("down", RPCStatusCode.UNAVAILABLE, b"")), {"designation-a"})
