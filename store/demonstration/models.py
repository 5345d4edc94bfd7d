"""Program 2's tables on the one metadata (RULES.md program 2): a selection round and its
candidates, derived from the round's journal in the record activity's transaction. Their
schema is the ``demonstration`` branch of the migrations (``demonstration_0001``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.models import _json, _ts


class DemoRoundRow(SQLModel, table=True):
    """One selection round as its last recorded snapshot shows it."""

    __tablename__ = "demonstration_round"
    __table_args__ = (Index("ix_demonstration_round_stage", "stage"),)

    key: str = Field(primary_key=True)
    workflow_id: str
    title: str = ""
    stage: str
    policy_version: str
    opened_on: date
    conference_on: date
    recommendation_deadline: date
    valid_titles: int
    cap: int
    quotas: dict[str, Any] = _json()
    counted: list[str] = _json()  # the clusters whose valid titles made the cap (the evidence)
    notice_ends_on: date | None = None
    snapshot: dict[str, Any] = _json()  # objections, clocks, vote facts, approval, commendation
    last_seq: int = 0
    updated_at: datetime = _ts()


class DemoCandidateRow(SQLModel, table=True):
    """One recommended cluster: its 推荐表, publicity pack, eligibility with evidence, first
    review, votes, and whether an upheld objection removed it or CNLIC approved it."""

    __tablename__ = "demonstration_candidate"
    __table_args__ = (
        UniqueConstraint("round_key", "cluster_key", name="uq_demonstration_candidate"),
        Index("ix_demonstration_candidate_industry", "industry"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_key: str
    cluster_key: str
    industry: str
    association: str
    recommended_on: date
    seq: int  # the journal row of the recommendation
    eligible: bool
    failed: list[str] = _json()  # the conditions it fails (codes)
    eligibility: dict[str, Any] = _json()
    form: dict[str, Any] = _json()
    publicity: dict[str, Any] | None = _json(nullable=True)
    platform: bool = False
    reviewed: bool | None = None
    review_reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    passed: bool | None = None
    removed_by: str = ""
    approved: bool = False
    honoured: bool = False
