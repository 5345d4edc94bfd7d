"""The store's tables (sqlmodel). The schema itself is owned by the migrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class CalendarYear(SQLModel, table=True):
    __tablename__ = "calendar_year"

    year: int = Field(primary_key=True)
    holidays: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    workdays: list[str] = Field(sa_column=Column(JSON, nullable=False))
    fingerprint: str
    source: str = ""
    imported_by: str = ""
    imported_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def _json(nullable: bool = False) -> Any:
    return Field(sa_column=Column(JSON, nullable=nullable))


def _ts(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class Cluster(SQLModel, table=True):
    """The read model: one row per cluster, kept current by the lifecycle's activities."""

    __tablename__ = "cluster"
    __table_args__ = (
        *(Index(f"ix_cluster_{c}", c) for c in ("stage", "title_status", "industry", "province", "next_deadline", "tier")),
        Index("ix_cluster_region_industry", "region_code", "industry"),
        Index("ix_cluster_overdue", "overdue"),
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


class JournalRow(SQLModel, table=True):
    """One lifecycle event, written once (``idem_key`` = workflow id + event sequence)."""

    __tablename__ = "journal"
    __table_args__ = (
        Index("ix_journal_cluster_seq", "cluster_key", "seq"),
        Index("ix_journal_on", "on"),
        Index("ix_journal_workflow_seq", "workflow_id", "seq"),  # record_events: already journaled?
        Index("ix_journal_kind_on", "kind", "on"),  # the annual recognition's title events
    )

    id: int | None = Field(default=None, primary_key=True)
    idem_key: str = Field(unique=True)
    cluster_key: str
    workflow_id: str
    run_id: str = ""
    seq: int
    on: date
    kind: str
    actor_role: str
    actor_name: str
    data: dict[str, Any] = _json()
    recorded_at: datetime = _ts()
    prev_hash: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    hash: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})


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


class OutboxRow(SQLModel, table=True):
    """A notification waiting to be sent (reminders, escalations, digests)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unsent", "sent_at"),
        Index("ix_outbox_recipient", "recipient", "id"),  # a user's notifications (migration 0006)
    )

    id: int | None = Field(default=None, primary_key=True)
    idem_key: str = Field(unique=True)
    cluster_key: str | None = None
    recipient: str
    kind: str
    subject: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_on: date
    created_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True)


class AuditRead(SQLModel, table=True):
    """Every audit read (replay, verify, export) is itself recorded."""

    __tablename__ = "audit_read"
    __table_args__ = (Index("ix_audit_read_cluster", "cluster_key"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts()
    actor: str
    what: str
    cluster_key: str | None = None
    outcome: str


# ---------------------------------------------------------------- the console's users (migration 0004)


class UserRow(SQLModel, table=True):
    """A console user. The password is kept only as an argon2 hash; ``name`` signs the
    user's actions (the Actor in every Update), so it is unique within a role."""

    __tablename__ = "console_user"
    __table_args__ = (UniqueConstraint("role", "name", name="uq_console_user_role_name"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True)
    role: str
    name: str
    password_hash: str
    industries: list[str] = _json()
    provinces: list[str] = _json()
    clusters: list[str] = _json()
    active: bool = True
    created_at: datetime = _ts()
    email: str | None = Field(default=None, max_length=254)  # notifications by email (migration 0006)


class ApiTokenRow(SQLModel, table=True):
    """A bearer token for the API and the CLI, kept as its SHA-256 (tokens are random and
    long, so a fast hash is enough); shown to its owner once, when made."""

    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int
    token_hash: str = Field(unique=True)
    prefix: str
    label: str = ""
    created_at: datetime = _ts()
    last_used_at: datetime | None = _ts(nullable=True)
    revoked_at: datetime | None = _ts(nullable=True)


class SessionRow(SQLModel, table=True):
    """A page login; the cookie holds a random token, the store only its SHA-256."""

    __tablename__ = "console_session"
    __table_args__ = (Index("ix_console_session_expires", "expires_at"),)

    token_hash: str = Field(primary_key=True)
    user_id: int
    created_at: datetime = _ts()
    expires_at: datetime = _ts()


# ---------------------------------------------------------------- notifications delivered (migration 0006)


class NotificationReadRow(SQLModel, table=True):
    """That a user has read an outbox row in the console (read state is per user: a row
    addressed to a role is read by each of its users separately)."""

    __tablename__ = "notification_read"
    __table_args__ = (UniqueConstraint("user_id", "outbox_id", name="uq_notification_read"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int
    outbox_id: int
    read_at: datetime = _ts()


class EmailDeliveryRow(SQLModel, table=True):
    """One outbox row emailed to one user: claimed (``sending``) before the SMTP call, so a
    rerun or a second job never sends it twice; ``retry`` after a failure until
    ``next_attempt_at``, ``failed`` after the last attempt, ``interrupted`` when the process
    died mid-send (not resent: it may have gone out)."""

    __tablename__ = "email_delivery"
    __table_args__ = (
        UniqueConstraint("outbox_id", "user_id", name="uq_email_delivery"),
        Index("ix_email_delivery_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int
    user_id: int
    address: str = Field(max_length=254)
    status: str = Field(max_length=20)
    attempts: int = 0
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    claimed_at: datetime = _ts()
    next_attempt_at: datetime | None = _ts(nullable=True)
    sent_at: datetime | None = _ts(nullable=True)


# ---------------------------------------------------------------- attachments (migration 0007)


class AttachmentRow(SQLModel, table=True):
    """One attachment as its journal event recorded it (issue 10 item 4): the bytes are in the
    blob store under ``sha256``; derived in the record activity's transaction, once per
    (cluster, event sequence)."""

    __tablename__ = "attachment"
    __table_args__ = (
        UniqueConstraint("cluster_key", "seq", name="uq_attachment"),
        Index("ix_attachment_sha256", "sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_key: str
    seq: int
    sha256: str = Field(max_length=64)
    name: str = Field(max_length=200)
    size: int
    media_type: str = Field(max_length=100)
    purpose: str = Field(max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    uploaded_role: str = Field(max_length=20)
    uploaded_by: str = Field(max_length=200)
    uploaded_on: date
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
