"""The store's tables (sqlmodel). The schema itself is owned by the migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
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
