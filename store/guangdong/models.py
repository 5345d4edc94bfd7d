"""Program 3's tables, on the kernel's ``SQLModel.metadata`` (migration ``guangdong_0001``):
the 36 zones (reference data), the rounds, each zone's filing in a round (the read model the
record activity keeps), its draft, and the documents a filing submitted (content-addressed:
the journal and the workflow carry only their SHA-256)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel


def _json(nullable: bool = False) -> Any:
    return Field(sa_column=Column(JSON, nullable=nullable))


def _ts(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class ZoneRow(SQLModel, table=True):
    """One zone of 附件1, loaded on first start from ``domain.guangdong.zones``."""

    __tablename__ = "gd_zone"

    key: str = Field(primary_key=True, max_length=60)
    no: int
    name: str = Field(max_length=200)
    city: str = Field(max_length=50)
    district: str = Field(default="", max_length=100)
    industry: str = Field(max_length=100)
    province: str = Field(max_length=20)


class RoundRow(SQLModel, table=True):
    """A yearly assessment round, for ``data_year``'s data."""

    __tablename__ = "gd_round"

    data_year: int = Field(primary_key=True)
    workflow_id: str = Field(max_length=100)
    policy_version: str = Field(max_length=40)
    opened_on: date
    opened_by: str = Field(max_length=200)
    due: date
    reminders: list[str] = _json()
    zones: int
    closed_on: date | None = None
    last_seq: int = 0
    updated_at: datetime = _ts(nullable=True)  # as migration guangdong_0001 made it


class FilingRow(SQLModel, table=True):
    """A zone's filing in a round as its workflow last recorded it."""

    __tablename__ = "gd_filing"
    __table_args__ = (
        Index("ix_gd_filing_zone", "zone_key", "data_year"),
        Index("ix_gd_filing_step", "data_year", "step"),
    )

    data_year: int = Field(primary_key=True)
    zone_key: str = Field(primary_key=True, max_length=60)
    workflow_id: str = Field(max_length=120)
    city: str = Field(max_length=50)
    step: str = Field(max_length=30)
    due: date
    overdue: bool = False
    overdue_since: date | None = None
    late: bool = False
    returns: int = 0
    last_return: dict[str, Any] | None = _json(nullable=True)
    form_sha256: str = Field(default="", max_length=64)
    summary_sha256: str = Field(default="", max_length=64)
    submitted_on: date | None = None
    reached_province_on: date | None = None
    received_on: date | None = None
    signed: list[dict[str, Any]] = _json()
    attachments: int = 0
    last_seq: int = 0
    updated_at: datetime = _ts(nullable=True)  # as migration guangdong_0001 made it


class DraftRow(SQLModel, table=True):
    """What a zone office is writing (not journaled: nothing is filed until it is submitted)."""

    __tablename__ = "gd_draft"

    data_year: int = Field(primary_key=True)
    zone_key: str = Field(primary_key=True, max_length=60)
    form: dict[str, Any] = _json()
    summary: dict[str, Any] = _json()
    contact: dict[str, Any] = _json()
    updated_by: str = Field(max_length=200)
    updated_at: datetime = _ts(nullable=True)  # as migration guangdong_0001 made it


class DocumentRow(SQLModel, table=True):
    """A submitted document (the 考核表's values, or the 年度工作总结's sections), named by the
    SHA-256 of its canonical JSON: the journal's ``submitted`` event names it, the audit checks it."""

    __tablename__ = "gd_document"

    sha256: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=20)  # form | summary
    zone_key: str = Field(max_length=60)
    data_year: int
    content: dict[str, Any] = _json()
    saved_by: str = Field(max_length=200)
    saved_at: datetime = _ts(nullable=True)  # as migration guangdong_0001 made it
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
