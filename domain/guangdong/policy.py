"""Program 3's numbers (RULES.md "Program 3"), one versioned table. The seed gives the forms,
not dates: the round's due date and its reminders are the service's policy values, so a
change is one new version here, and a running round keeps the version it opened under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import DomainError


@dataclass(frozen=True)
class GuangdongPolicy:
    version: str
    # the round opened in year Y collects year Y-1's data, due on this day of year Y
    due_month: int = 3
    due_day: int = 31
    # reminders this many calendar days before the due date (RULES.md: 30 and 7)
    reminder_days: tuple[int, ...] = (30, 7)
    # 考核表 (附件2): a share or ratio is a percentage of a whole
    percent_max: float = 100.0
    # 特色产业产值比上年增长（％）: may fall; a rise beyond this is a typo, not growth
    growth_min: float = -100.0
    growth_max: float = 1000.0
    # no zone's figure comes near it: a fuzzer's 10**400 stops here
    figure_max: float = 1e12
    # 年度工作总结 (附件3): one item's text; longer material goes in an attachment
    summary_item_chars: int = 5000
    summary_attachments: int = 20  # attachments of one zone's filing
    # the earliest data year a round may collect (the program began in 2008 with 2007's data)
    first_year: int = 2007


POLICIES: dict[str, GuangdongPolicy] = {
    "guangdong-2008": GuangdongPolicy("guangdong-2008"),
}
DEFAULT_POLICY_VERSION = "guangdong-2008"


def get_policy(version: str = DEFAULT_POLICY_VERSION) -> GuangdongPolicy:
    try:
        return POLICIES[version]
    except KeyError:
        raise DomainError("policy_unknown", f"未知的政策版本“{version}”") from None


def due_date(policy: GuangdongPolicy, data_year: int) -> date:
    """The due date of the round collecting ``data_year``'s data: 31 March of the next year."""
    return date(data_year + 1, policy.due_month, policy.due_day)


def reminder_dates(policy: GuangdongPolicy, due: date) -> list[date]:
    """Calendar days before the due date, earliest first."""
    return sorted(due - timedelta(days=n) for n in policy.reminder_days)
