"""Program 1's tables (sqlmodel): the cluster read model, deadlines, annual reports, panels,
score sheets, meetings, recognitions, bodies and 达标值 versions. Declared on the one
metadata of ``store.models``; the schema itself is owned by the shared migrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models import _json, _ts


class Cluster(SQLModel, table=True):
    """The read model: one row per cluster, kept current by the lifecycle's activities."""

    __tablename__ = "cluster"
    __table_args__ = (
        *(Index(f"ix_cluster_{c}", c) for c in ("title_status", "next_deadline", "tier")),
        # a page of a stage's list in key order, whole or in an association's or a province's
        # scope (migration 0011; each also serves its leading column alone)
        Index("ix_cluster_stage_key", "stage", "key"),
        Index("ix_cluster_industry_stage_key", "industry", "stage", "key"),
        Index("ix_cluster_province_stage_key", "province", "stage", "key"),
        Index("ix_cluster_region_industry", "region_code", "industry"),
        Index("ix_cluster_overdue_stage_key", "overdue", "stage", "key"),
        # the one-lifecycle-per-region check's candidates (migration 0013)
        Index("ix_cluster_industry_region_names", "industry", "region_names"),
    )

    key: str = Field(primary_key=True)
    workflow_id: str
    name: str = ""
    title: str = ""
    industry: str
    product: str
    tier: str
    province: str
    city: str = ""
    county: str = ""
    region_code: str = ""
    region_names: str = Field(default="", sa_column_kwargs={"server_default": ""})  # normalised, "|"-joined
    stage: str
    procedure: str
    title_status: str
    valid_until: date | None = None
    conferred_on: date | None = None
    expired_on: date | None = None
    next_deadline: date | None = None
    next_deadline_what: str | None = None
    overdue: bool = False
    policy_version: str
    cycle: int = 0
    last_seq: int = 0
    live: bool = True
    registered_on: date
    updated_at: datetime = _ts()


class DeadlineRow(SQLModel, table=True):
    """An open deadline (the read model; the history of every clock is in the journal)."""

    __tablename__ = "deadline"
    __table_args__ = (
        UniqueConstraint("cluster_key", "key", name="uq_deadline_cluster_key"),
        Index("ix_deadline_due", "due"),
        Index("ix_deadline_overdue_since", "overdue_since"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_key: str
    key: str
    what: str
    due: date
    armed_on: date
    anchor: date
    reminders: list[str] = _json()
    calendar_version: str
    provisional: bool
    basis: str
    overdue_since: date | None = None


class AnnualReportRow(SQLModel, table=True):
    __tablename__ = "annual_report"
    __table_args__ = (UniqueConstraint("cluster_key", "year", name="uq_annual_report"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_key: str
    year: int
    filed_on: date
    late: bool
    indicators: dict[str, Any] = _json()
    growth: dict[str, Any] = _json()
    filed_by: str


class PanelMemberRow(SQLModel, table=True):
    __tablename__ = "panel_member"
    __table_args__ = (
        UniqueConstraint("cluster_key", "seq", "name", name="uq_panel_member"),
        Index("ix_panel_member_name", "name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_key: str
    seq: int
    procedure: str
    visit_on: date
    name: str
    senior: bool
    field: str
    region_code: str
    lead: bool


class ScoreSheetRow(SQLModel, table=True):
    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("cluster_key", "seq", name="uq_score_sheet"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_key: str
    seq: int
    procedure: str
    recorded_on: date
    recorded_by: str
    part1_met: int
    part1: float
    part2_first5_met: int
    part2_vetoes_clear: bool
    part2: float
    part3: float
    part4: float
    total: float
    passed: bool
    recommend: bool
    thresholds: str | None = Field(default=None, max_length=100)  # 达标值 version (migration 0009)


class MeetingRow(SQLModel, table=True):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_held_on", "held_on"),)

    meeting_id: str = Field(primary_key=True)
    held_on: date
    recorded_by: str
    decisions: dict[str, str] = _json()
    recorded_at: datetime = _ts()


class MeetingDecisionRow(SQLModel, table=True):
    __tablename__ = "meeting_decision"
    __table_args__ = (UniqueConstraint("meeting_id", "cluster_key", name="uq_meeting_decision"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str
    cluster_key: str
    decision: str
    procedure: str
    applied_on: date


class RecognitionRow(SQLModel, table=True):
    __tablename__ = "recognition"

    year: int = Field(primary_key=True)
    announced_on: date
    recognised: list[str] = _json()
    overdue: list[str] = _json()
    rectifying: list[str] = _json()
    revoked: list[str] = _json()
    recorded_at: datetime = _ts()


# ---------------------------------------------------------------- bodies (migration 0008)


class BodyRow(SQLModel, table=True):
    """One opinion-giving body of the directory (RULES.md "Bodies"): a national industry
    association with the industries it speaks for, or a provincial light-industry body with
    its province. Kept by the secretariat; ``active`` false hides it from new choices while
    recorded opinions keep its name."""

    __tablename__ = "body"
    __table_args__ = (
        UniqueConstraint("name", name="uq_body_name"),
        Index("ix_body_kind_active", "kind", "active"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=20)
    industries: list[str] = _json()
    province: str = Field(default="", max_length=20)
    active: bool = True
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    updated_by: str = Field(default="", max_length=200)
    updated_at: datetime = _ts()


# ---------------------------------------------------------------- 达标值 tables (migration 0009)


class ThresholdVersionRow(SQLModel, table=True):
    """One filed version of an industry's 达标值 table for a tier (附件一 备注1; RULES.md
    "Thresholds"). Never updated: a new version (the next number, its own effective date)
    supersedes it; ``content_sha256`` makes filing the same content twice one version."""

    __tablename__ = "threshold_version"
    __table_args__ = (
        UniqueConstraint("industry", "tier", "version", name="uq_threshold_version"),
        Index("ix_threshold_table", "industry", "tier", "effective_from"),
    )

    id: int | None = Field(default=None, primary_key=True)
    industry: str = Field(max_length=50)
    tier: str = Field(max_length=20)
    version: int
    effective_from: date
    rows: list[dict[str, Any]] = _json()
    content_sha256: str = Field(max_length=64)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    filed_role: str = Field(max_length=20)
    filed_by: str = Field(max_length=200)
    filed_at: datetime = _ts()
