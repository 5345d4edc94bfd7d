"""Reminders, escalations, decisions and digests reach people (issue 10 §7): the console's
notification list per user with its read state, and email over SMTP by a housekeeping job.

Email is off unless ``SMTP_HOST`` is set:

SMTP_HOST          the relay (unset: no email at all)
SMTP_PORT          default 25 (none), 587 (starttls), 465 (tls)
SMTP_TLS           none | starttls | tls (default starttls)
SMTP_USERNAME      and SMTP_PASSWORD: log in when both are given
SMTP_SENDER        the From address, required with SMTP_HOST (``集群共建授名 <noreply@example.cn>``)
SMTP_TIMEOUT       seconds per SMTP conversation (default 30)
SMTP_EVERY         seconds between delivery runs (default 60)
SMTP_MAX_ATTEMPTS  attempts per message before it is given up (default 5)

Each (outbox row, user) pair is claimed in the store before the SMTP call (``store.notifications
.claim``), so a rerun or a second process never sends it twice; a failed attempt is retried by
a later run after a back-off, up to SMTP_MAX_ATTEMPTS. A send cut short by a crash is not
resent (it may have gone out). Only rows written after the user's account and within the last
``MAX_AGE`` are emailed: turning email on does not mail out the archive.
"""

from __future__ import annotations

import asyncio
import logging
import os
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Callable, Iterable, Mapping

from sqlalchemy.engine import Engine

from domain.cnlic.access import User
from domain.errors import DomainError
from domain.notify import kind_label
from service.users import to_user
from store import notifications as repo
from store import users as user_repo
from store.models import OutboxRow, UserRow

log = logging.getLogger("designation.notify")

TLS_MODES = ("none", "starttls", "tls")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
MAX_AGE = timedelta(days=7)  # older rows stay in the console only
STALE_SEND = timedelta(minutes=10)  # a claim this old never finished: the sender died mid-send
MAX_BACKOFF = timedelta(hours=1)
BATCH = 200  # rows per user per run; the rest wait for the next run


class SmtpProblem(Exception):
    """A setting the email job cannot work with: one line for people."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    every: int = 60
    max_attempts: int = 5
    retry_after: timedelta = timedelta(minutes=1)  # doubled after each failure, up to MAX_BACKOFF

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "SmtpSettings | None":
        """The settings, or None when email is off (no SMTP_HOST)."""
        env = os.environ if environ is None else environ
        host = (env.get("SMTP_HOST") or "").strip()
        if not host:
            return None
        tls = (env.get("SMTP_TLS") or "starttls").strip().lower()
        if tls not in TLS_MODES:
            raise SmtpProblem(f"SMTP_TLS 应为 {' | '.join(TLS_MODES)}，收到“{tls}”")

        def number(name: str, default: int, lo: int, hi: int) -> int:
            raw = (env.get(name) or "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
                if not lo <= value <= hi:
                    raise ValueError
            except ValueError:
                raise SmtpProblem(f"{name} 应为 {lo}–{hi} 之间的整数，收到“{raw[:40]}”") from None
            return value

        sender = (env.get("SMTP_SENDER") or "").strip()
        if not sender or "@" not in parseaddr(sender)[1]:
            raise SmtpProblem("设置了 SMTP_HOST 时须设置 SMTP_SENDER（发件地址，如 集群共建授名 <noreply@example.cn>）")
        username = env.get("SMTP_USERNAME") or ""
        password = env.get("SMTP_PASSWORD") or ""
        if bool(username) != bool(password):
            raise SmtpProblem("SMTP_USERNAME 与 SMTP_PASSWORD 须同时设置（或都不设置）")
        return cls(host=host, port=number("SMTP_PORT", DEFAULT_PORTS[tls], 1, 65535), tls=tls, sender=sender,
                   username=username, password=password, timeout=number("SMTP_TIMEOUT", 30, 1, 600),
                   every=number("SMTP_EVERY", 60, 1, 86400), max_attempts=number("SMTP_MAX_ATTEMPTS", 5, 1, 100))

    def describe(self) -> str:
        login = f"，以 {self.username} 登录" if self.username else ""
        return f"{self.host}:{self.port}（{self.tls}{login}），发件人 {self.sender}"


# ---------------------------------------------------------------- the console's list


class Notifications:
    """A user's notifications in the console: what the outbox addresses to them, with their
    own read state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _uid(self, user: User) -> int:
        row = user_repo.user_by_username(self.engine, user.username)
        if row is None or row.id is None:
            raise DomainError("user_unknown", f"没有用户 {user.username}")
        return row.id

    def list(self, user: User, unread_only: bool = False, limit: int = 50, offset: int = 0) -> repo.NotificationList:
        return repo.notifications(self.engine, user, self._uid(user), unread_only, limit, offset)

    def unread(self, user: User) -> int:
        return repo.unread_count(self.engine, user, self._uid(user))

    def mark_read(self, user: User, ids: Iterable[int] | None = None) -> int:
        """Mark the given rows (None: all) read; returns how many became read."""
        return repo.mark_read(self.engine, user, self._uid(user), ids)


# ---------------------------------------------------------------- email


class SendFailed(Exception):
    def __init__(self, text: str, connection: bool) -> None:
        super().__init__(text)
        self.text = text
        self.connection = connection  # the relay itself failed: stop this run, try again next run


def _describe(e: BaseException) -> str:
    """One line for the delivery row and the log; never a traceback."""
    if isinstance(e, smtplib.SMTPResponseException):
        detail = e.smtp_error.decode("utf-8", "replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
        return f"{e.__class__.__name__}: {e.smtp_code} {detail}"[:300]
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        return f"SMTPRecipientsRefused: {', '.join(e.recipients)}"[:300]
    text = str(e).splitlines()[0] if str(e) else ""
    return f"{e.__class__.__name__}: {text}"[:300] if text else e.__class__.__name__


class SmtpTransport:
    """One SMTP conversation per run, opened at the first message (nothing to send: no
    connection at all). Blocking: run it in a thread."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.tls == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                if s.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.username:
                    smtp.login(s.username, s.password)
            except BaseException:
                smtp.close()
                raise
        except (OSError, smtplib.SMTPException) as e:
            raise SendFailed(f"无法连接或登录邮件服务器 {s.host}:{s.port}：{_describe(e)}", connection=True) from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            self.smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
            raise SendFailed(f"邮件服务器拒收：{_describe(e)}", connection=False) from None
        except (OSError, smtplib.SMTPException) as e:
            self.close()
            raise SendFailed(f"与邮件服务器的连接中断：{_describe(e)}", connection=True) from None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def compose(settings: SmtpSettings, row: OutboxRow, user: UserRow) -> EmailMessage:
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or socket.getfqdn()
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = Address(display_name=user.name, addr_spec=user.email or "")
    msg["Subject"] = f"【集群共建授名】{row.subject}"
    msg["Date"] = format_datetime(_now())
    # the same id on every attempt: a relay or mailbox that saw it once can drop a repeat
    msg["Message-ID"] = f"<notification-{row.id}-{user.id}@{domain}>"
    msg["X-Designation-Notification"] = str(row.id)
    where = f"；集群：{row.cluster_key}" if row.cluster_key else ""
    msg.set_content(f"{user.name}：\n\n{row.body}\n\n类别：{kind_label(row.kind)}{where}；日期：{row.created_on.isoformat()}\n"
                    f"——\n集群共建授名 运行控制台 · 通知 #{row.id}（在控制台“通知”页查看并标为已读）\n")
    return msg


@dataclass
class DeliveryResult:
    sent: list[tuple[int, str]] = field(default_factory=list)  # (outbox id, username)
    failed: list[tuple[int, str, str]] = field(default_factory=list)  # (outbox id, username, error)
    given_up: list[tuple[int, str]] = field(default_factory=list)  # failed for the last time
    skipped: int = 0  # claimed by someone else meanwhile
    interrupted: int = 0  # stale claims found (a sender died mid-send)
    stopped: str | None = None  # the relay failed: the rest waits for the next run


def backoff(settings: SmtpSettings, attempt: int) -> timedelta:
    return min(settings.retry_after * (2 ** max(0, attempt - 1)), MAX_BACKOFF)


def deliver_email_now(engine: Engine, settings: SmtpSettings, now: datetime | None = None,
                      transport: Callable[[SmtpSettings], SmtpTransport] = SmtpTransport) -> DeliveryResult:
    """One delivery run (blocking). Every pair is claimed before its SMTP call and marked
    sent or failed after it."""
    now = now or _now()
    result = DeliveryResult(interrupted=repo.interrupt_stale(engine, now - STALE_SEND))
    if result.interrupted:
        log.warning("email: %d sends were cut short earlier and are not resent", result.interrupted)
    smtp = transport(settings)
    try:
        for row in repo.email_users(engine):
            user = to_user(row)
            since = max(_aware(row.created_at), now - MAX_AGE)
            for item in repo.due_for_email(engine, user, row.id or 0, since, now, BATCH):
                claimed = repo.claim(engine, item.id or 0, row.id or 0, row.email or "", now)
                if claimed is None:
                    result.skipped += 1
                    continue
                try:
                    smtp.send(compose(settings, item, row))
                except SendFailed as e:
                    last = claimed.attempt >= settings.max_attempts
                    repo.record_failure(engine, claimed.delivery_id, e.text,
                                        None if last else now + backoff(settings, claimed.attempt))
                    result.failed.append((item.id or 0, row.username, e.text))
                    if last:
                        result.given_up.append((item.id or 0, row.username))
                    log.warning("email: notification #%s to %s, attempt %d%s: %s", item.id, row.username,
                                claimed.attempt, " (giving up)" if last else "", e.text)
                    if e.connection:
                        result.stopped = e.text
                        return result
                    continue
                repo.record_sent(engine, claimed.delivery_id, now)
                result.sent.append((item.id or 0, row.username))
    finally:
        smtp.close()
        if result.sent or result.failed:
            log.info("email: %d sent, %d failed", len(result.sent), len(result.failed))
    return result


async def deliver_email(engine: Engine, settings: SmtpSettings, now: datetime | None = None) -> DeliveryResult:
    """The housekeeping job: one delivery run in a thread (smtplib and the store block)."""
    return await asyncio.to_thread(deliver_email_now, engine, settings, now)
