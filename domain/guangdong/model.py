"""Program 3's vocabulary: the steps of a zone's filing in a round, its events, and the
actions people take on it (RULES.md "Program 3": the zone office fills → the local city/county
government signs off → the prefecture-level 经贸局 signs off → the province receives)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from domain.roles import SYSTEM_ACTOR, Actor, Role

PROGRAM = "guangdong"


class Step(StrEnum):
    FILLING = "filling"  # 示范区办公室填报
    LOCAL_REVIEW = "local_review"  # 市县人民政府审核
    PREFECTURE_REVIEW = "prefecture_review"  # 地级市经贸局审核
    PROVINCE_REVIEW = "province_review"  # 待省级主管部门接收
    RETURNED = "returned"  # 退回修改：示范区办公室更正后重新报送
    RECEIVED = "received"  # 省级主管部门已接收


# who holds the filing at each step (reminders and the overdue escalation name them)
HOLDER: dict[Step, str] = {
    Step.FILLING: Role.ZONE_OFFICE.value,
    Step.RETURNED: Role.ZONE_OFFICE.value,
    Step.LOCAL_REVIEW: Role.LOCAL_GOVERNMENT.value,
    Step.PREFECTURE_REVIEW: Role.PREFECTURE_BUREAU.value,
    Step.PROVINCE_REVIEW: Role.PROVINCIAL_DEPARTMENT.value,
    Step.RECEIVED: Role.PROVINCIAL_DEPARTMENT.value,
}
# the filing has reached the province: the due date is met
AT_PROVINCE = (Step.PROVINCE_REVIEW, Step.RECEIVED)


@dataclass
class Event:
    """One entry of a filing's or a round's journal (``seq`` from 1, per journal)."""

    seq: int
    on: date
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    actor: Actor = SYSTEM_ACTOR


def round_key(data_year: int) -> str:
    return f"round-{data_year}"


def filing_key(data_year: int, zone_key: str) -> str:
    return f"filing-{data_year}-{zone_key}"


def journal_key(entity: str) -> str:
    """The kernel journal's key for a program-3 entity (``guangdong.<entity>``)."""
    return f"{PROGRAM}.{entity}"
