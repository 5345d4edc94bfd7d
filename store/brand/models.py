"""Program 4's tables (RULES.md "Program 4"): the pilots' read model and the MIIT batches, on
the one ``SQLModel.metadata``; migration ``brand_0001`` (Alembic branch ``brand``). Events live in
the kernel's journal under ``brand.<pilot key>`` and ``brand.batches``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.models import _json, _ts


class BrandPilotRow(SQLModel, table=True):
    """One row per pilot, kept current by the pilot's record activity."""

    __tablename__ = "brand_pilot"
    __table_args__ = (
        Index("ix_brand_pilot_stage", "stage"),
        Index("ix_brand_pilot_province_rec", "province", "recommended_on"),
        Index("ix_brand_pilot_next_due", "next_due"),
    )

    key: str = Field(primary_key=True)
    workflow_id: str
    name: str = ""
    province: str = ""
    city: str = ""
    county: str = ""
    applicant: str = ""
    applicant_kind: str = ""
    industries: list[str] = _json()
    stage: str
    procedure: str = ""
    plan_years: int = 1
    policy_version: str = ""
    filed_on: date | None = None
    recommended_on: date | None = None
    batch_id: str | None = None
    approved_on: date | None = None
    cycle: int = 0
    titles: list[dict[str, Any]] = _json()
    granted_on: date | None = None
    valid_until: date | None = None
    experts: list[str] = _json()
    material_total: float | None = None
    defence_total: float | None = None
    excellent: bool = False
    deadlines: list[dict[str, Any]] = _json()  # the open clocks: [{key, what, due, overdue}]
    next_due: date | None = None
    next_due_what: str | None = None
    overdue: bool = False
    last_seq: int = 0
    live: bool = True
    updated_at: datetime | None = _ts(nullable=True)


class BrandBatchRow(SQLModel, table=True):
    """One MIIT batch (§三(四)): its cut-off, the applications it took, its decisions."""

    __tablename__ = "brand_batch"

    batch_id: str = Field(primary_key=True)
    cutoff: date
    closed: bool = False
    members: list[str] = _json()
    overdue: bool = False
    held_on: date | None = None
    held_by: str = ""
    decisions: dict[str, str] = _json()
    updated_at: datetime | None = _ts(nullable=True)
