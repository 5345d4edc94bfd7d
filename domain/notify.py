"""What a notification is called and where it may go (issue 10 §7: reminders and escalations
reach people). Pure: the outbox, the console list and the email job use these."""

from __future__ import annotations

import re

from domain.errors import DomainError

# the outbox's kinds, as people read them
KIND_LABELS = {
    "reminder": "时限提醒",
    "overdue": "逾期督办",
    "decision": "会长办公会决定",
    "digest": "时限日报",
}

MAX_EMAIL = 254  # RFC 5321's limit on a path
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, "通知")


def check_email(address: str | None) -> str | None:
    """A user's email address, trimmed, or None for none. Plain ASCII addresses only: the
    service's mail goes through relays that may not speak SMTPUTF8."""
    address = (address or "").strip()
    if not address:
        return None
    if len(address) > MAX_EMAIL or not _EMAIL.match(address):
        raise DomainError("invalid_email", f"邮箱地址“{address[:100]}”无效：应形如 name@example.cn（ASCII，至多 {MAX_EMAIL} 个字符）")
    return address
