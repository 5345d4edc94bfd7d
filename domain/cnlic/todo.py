"""我的待办 (issue 10 item 5; RULES.md program 1 "Who may do what" and "Clocks"): which actions
a role may take on a cluster, asked of the lifecycle's own table from the facts a read model
keeps (stage, procedure, title status, opinions owed, a supplement pending, an annual report
owed), which clock each action answers, and when an expired title will be revoked (§四(四)).

Pure: the store supplies the facts, the service narrows to the person (``domain.cnlic.access``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from domain.calendar import add_years
from domain.cnlic.lifecycle import Lifecycle
from domain.cnlic.machine import ACTIONS, TABLE, action_roles
from domain.cnlic.model import Procedure, Stage, TitleStatus
from domain.cnlic.policy import DEFAULT_POLICY_VERSION, Policy, get_policy

# options a person may exercise at any time, never work owed: not a to-do
OPTIONAL_ACTIONS = frozenset({"withdraw", "revoke", "file_title_change"})

# the clocks an action answers, in order of preference (DeadlineKind values, plus
# ``overdue_revocation`` — the recognition that revokes an expired title — and ``visit_on`` —
# the approved visit date the site report follows; the rules set no clock for the report)
ANSWERS: dict[str, tuple[str, ...]] = {
    "file_application": ("cultivation",),
    "approve_site_visit": ("site_visit",),
    "record_site_report": ("visit_on",),
    "request_supplement": ("formal_review",),
    "complete_formal_review": ("formal_review",),
    "hold_meeting": ("meeting",),
    "submit_annual_report": ("annual_report",),
    "file_reevaluation": ("reevaluation_application", "overdue_revocation"),
    "file_rectification_review": ("rectification",),
}

# actions that start a procedure and carry the application (its bodies) in the journal
APPLICATION_ACTIONS = ("file_application", "file_reevaluation", "file_rectification_review", "file_title_change")


@dataclass(frozen=True)
class StageFacts:
    """What the lifecycle table's conditions read, as a read model and journal know it."""

    stage: str
    procedure: str
    title_status: str
    opinions_outstanding: bool = False
    supplement_pending: bool = False
    annual_report_open: bool = False


class _FactsState(SimpleNamespace):
    """Just enough of a ``LifecycleState`` for the machine's conditions."""

    def outstanding_opinions(self) -> list[Any]:
        return [{}] if self.owed else []


@lru_cache(maxsize=4096)
def allowed_by_role(facts: StageFacts) -> dict[str, tuple[str, ...]]:
    """``Lifecycle.allowed_actions`` for every role, from the facts alone (cached: the
    combinations are few however many clusters share them)."""
    state = _FactsState(
        stage=Stage(facts.stage), procedure=Procedure(facts.procedure), title_status=TitleStatus(facts.title_status),
        owed=facts.opinions_outstanding, supplement_items=["…"] if facts.supplement_pending else [],
        deadlines={"annual_report": SimpleNamespace(what="annual_report")} if facts.annual_report_open else {},
        policy_version=DEFAULT_POLICY_VERSION, clarified=True,  # the rules of issue 11 (most lifecycles)
    )
    lifecycle = Lifecycle(state, get_policy(DEFAULT_POLICY_VERSION))  # type: ignore[arg-type]
    return {role: tuple(actions) for role, actions in lifecycle.allowed_by_role().items()}


@lru_cache(maxsize=16)
def stages_with_work(role: str) -> tuple[str, ...]:
    """The stages in which the table gives this role an action that can be a to-do."""
    stages: dict[str, None] = {}
    for row in TABLE:
        if row.trigger in ACTIONS and row.trigger not in OPTIONAL_ACTIONS and role in row.roles:
            stages.update(dict.fromkeys(s.value for s in row.sources))
    if role in action_roles("hold_meeting"):
        stages[Stage.AWAITING_MEETING.value] = None
    return tuple(stages)


def todo_actions(role: str, facts: StageFacts) -> tuple[str, ...]:
    """The actions of this role now, less the options that are never owed."""
    return tuple(a for a in allowed_by_role(facts).get(role, ()) if a not in OPTIONAL_ACTIONS)


@dataclass
class ApplicationTrail:
    """The current procedure's application as the journal tells it: the bodies it names,
    the opinions recorded since, and whether a supplement request is unanswered."""

    bodies: tuple[str, ...] | None = None  # None: no application in the journal (registered as applied)
    opinions: set[str] | None = None
    supplement_pending: bool = False

    def take(self, kind: str, data: dict[str, Any]) -> None:
        """Fold one journal row (in sequence order) into the trail."""
        if kind != "action":
            return
        action = data.get("action")
        if action in APPLICATION_ACTIONS:
            app = data.get("application") or {}
            self.bodies = tuple(b.get("name", "") for b in app.get("bodies") or [] if isinstance(b, dict))
            self.opinions, self.supplement_pending = set(), False
        elif action == "record_opinion":
            if self.opinions is None:
                self.opinions = set()
            self.opinions.add(str(data.get("body") or ""))
        elif action == "request_supplement":
            self.supplement_pending = True
        elif action == "submit_supplement":
            self.supplement_pending = False

    def owed(self) -> tuple[str, ...] | None:
        if self.bodies is None:
            return None
        return tuple(b for b in self.bodies if b not in (self.opinions or set()))


def recognition_on(policy: Policy, year: int) -> date:
    return date(year, policy.recognition_month, policy.recognition_day)


def overdue_revocation_on(policy: Policy, expired_on: date, today: date) -> date:
    """The annual recognition that will revoke a title expired on ``expired_on`` (the first
    day no longer valid) with no re-evaluation filed: the first one, not before today, whose
    preceding 31 December is more than ``overdue_revocation_years`` past expiry (§四(四);
    the same test as ``Lifecycle.overdue_revocation_due``)."""
    past = add_years(expired_on, policy.overdue_revocation_years)
    year = past.year + 1  # the recognition early in year Y looks at 31 December of Y − 1
    if recognition_on(policy, year) < today:
        year = today.year if recognition_on(policy, today.year) >= today else today.year + 1
    return recognition_on(policy, year)
