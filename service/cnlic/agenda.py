"""How the simulator runs a scenario's dated items at scale (issue 15): a day's items in
*segments* that run at once — consecutive items of distinct clusters, with no program-wide step
(a meeting, a meeting's joint document) among them — and the order in which the timeline lists
what they recorded: the order a run of one item at a time records it in.

Items of distinct clusters commute: each is one cluster's own Update (or its registration), and
what they share — the program's meeting queue, the meetings held — changes only at program-wide
steps, which stand alone. So a segment ends where the next item names a cluster already in it,
is program-wide, or registers a cluster in the same region and industry as one registering in
it (the uniqueness rule reads the registrations before it).

The timeline orders rows by date, then by *phase*: the wall-clock span in which they were written
(the simulator marks where each segment begins and ends, and waits for the server to go idle at
each end), then, within a segment, by the position of the row's cluster in it; then by the time
written and the row id, as before. A refused item is listed after its day's rows, in the order
the items came (as the simulator always listed refusals on a SQLite store).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable, Hashable, Iterable, Sequence

UTC = timezone.utc


def instant(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC instant (SQLite hands back the UTC time naive)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def segments(items: Sequence[Any], cluster_of: Callable[[Any], str | None], program_wide: Callable[[Any], bool],
             claim_of: Callable[[Any], Hashable | None] = lambda item: None,
             clash: Callable[[Hashable, Hashable], bool] = lambda a, b: a == b) -> list[list[Any]]:
    """Split one day's items (in agenda order) into segments that may run at once."""
    out: list[list[Any]] = []
    current: list[Any] = []
    clusters: set[str] = set()
    claims: list[Hashable] = []

    def close() -> None:
        nonlocal current, clusters, claims
        if current:
            out.append(current)
        current, clusters, claims = [], set(), []

    for item in items:
        if program_wide(item):
            close()
            out.append([item])
            continue
        key, claim = cluster_of(item), claim_of(item)
        if key in clusters or (claim is not None and any(clash(claim, c) for c in claims)):
            close()
        current.append(item)
        clusters.add(key)
        if claim is not None:
            claims.append(claim)
    close()
    return out


@dataclass
class Phases:
    """The wall-clock boundaries of the segments run so far, and each segment's clusters in
    agenda order. Phase 0 is everything before the first segment; segment k is phase 2k-1 and
    the time after it (moving the clock to the next day's items) phase 2k."""

    starts: list[datetime] = field(default_factory=list)
    members: dict[int, dict[str, int]] = field(default_factory=dict)

    def begin(self, clusters: Iterable[str | None]) -> int:
        self.starts.append(datetime.now(UTC))
        phase = len(self.starts)
        self.members[phase] = {key: n for n, key in enumerate(clusters) if key is not None}
        return phase

    def end(self) -> None:
        self.starts.append(datetime.now(UTC))

    @property
    def current(self) -> int:
        return len(self.starts)

    def place(self, cluster: str | None, written: datetime) -> tuple[int, int]:
        """(phase, position) of a row written at ``written`` for ``cluster``."""
        phase = bisect_right(self.starts, instant(written))
        members = self.members.get(phase)
        if not members:
            return phase, 0
        return phase, members.get(cluster or "", len(members))


def row_key(on: date, phase: int, position: int, written: datetime, row_id: int) -> tuple:
    return (on, 0, phase, position, instant(written), row_id)


def refusal_key(on: date, phase: int, position: int, at: datetime) -> tuple:
    return (on, 1, phase, position, instant(at), 0)
