"""Two records program 1 keeps for program 2 (RULES.md program 2 "Conditions" and "Steps"):

- a **violation** (``violation`` journal event): staff record that the cluster broke a law or
  a rule on a date (seeds/000 二、1 违规违法事件), with the source they learned it from and the
  reason; program 2 reads it as disqualifying for 5 years;
- an **honour** (``honour`` journal event): the cluster was commended as an innovation-upgrade
  demonstration (seeds/000 四、表彰) by a selection round, shown on its page.

Both are facts on the cluster's record, not steps of its lifecycle: they change no stage,
title or clock. Pure: callers pass ``today``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from domain.calendar import parse_date
from domain.errors import DomainError
from domain.limits import LIMITS, check_data, check_name

VIOLATION_KIND = "violation"
HONOUR_KIND = "honour"


@dataclass(frozen=True)
class Violation:
    """The data of a ``violation`` row: what happened on ``date``, where staff learned it."""

    date: date
    source: str
    reason: str

    def as_event_data(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "source": self.source, "reason": self.reason}


def check_violation(data: Mapping[str, Any], today: date) -> Violation:
    """Parse a violation as staff enter it; the date is when it happened, not when recorded."""
    if not isinstance(data, Mapping):
        raise DomainError("invalid_data", "违规记录应为对象（date、source、reason）")
    check_data(dict(data), what="违规记录")
    on = parse_date(data.get("date"), "违规日期")
    if on > today:
        raise DomainError("violation_date_invalid", f"违规日期 {on} 晚于今天 {today}")
    source = str(data.get("source") or "").strip()
    reason = str(data.get("reason") or "").strip()
    if not source:
        raise DomainError("violation_source_missing", "请写明违规信息的来源（source，如处罚决定书文号）")
    if not reason:
        raise DomainError("violation_reason_missing", "请写明违规事由（reason）")
    check_name(source, "违规信息来源")
    if len(reason) > LIMITS.text_chars:
        raise DomainError("text_too_long", f"违规事由长 {len(reason)} 字，超过上限 {LIMITS.text_chars} 字")
    return Violation(on, source, reason)


@dataclass(frozen=True)
class Honour:
    """A commendation conferred on the cluster by a program-2 round (四、表彰)."""

    round_key: str
    label: str  # 轻工业创新升级示范特色区域和产业集群
    document_number: str
    held_on: date

    def as_event_data(self) -> dict[str, str]:
        return {"round": self.round_key, "label": self.label, "document_number": self.document_number,
                "held_on": self.held_on.isoformat()}

    @property
    def dedup(self) -> str:
        return f"honour:{self.round_key}"


def check_honour(data: Mapping[str, Any], today: date) -> Honour:
    if not isinstance(data, Mapping):
        raise DomainError("invalid_data", "荣誉记录应为对象（round、label、document_number、held_on）")
    check_data(dict(data), what="荣誉记录")
    round_key = check_name(str(data.get("round") or "").strip(), "评选编号")
    label = check_name(str(data.get("label") or "").strip(), "荣誉名称")
    number = check_name(str(data.get("document_number") or "").strip(), "表彰文件文号")
    if not round_key or not label or not number:
        raise DomainError("invalid_data", "荣誉记录须写明评选编号、荣誉名称和表彰文件文号")
    held_on = parse_date(data.get("held_on"), "表彰日期")
    if held_on > today:
        raise DomainError("invalid_date", f"表彰日期 {held_on} 晚于今天 {today}")
    return Honour(round_key, label, number, held_on)
