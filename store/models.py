"""The store's tables (sqlmodel): the kernel's here (calendar years, the journal, the outbox,
audit reads, users, tokens, sessions, notification delivery, attachments), each program's in
``store/<program>/models.py`` on the same ``SQLModel.metadata``. The schema itself is owned by the
migrations: one chain for every program."""

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
    cities: list[str] | None = _json(nullable=True)  # programs 3 and 4 (migration 0010)
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
