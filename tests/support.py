"""Test data shared by the unit, workflow and end-to-end tests: valid inputs for every
action, so each test changes only what it is about."""

from __future__ import annotations

from datetime import date
from typing import Any

CERAMICS = {
    "key": "ceramics",
    "industry": "陶瓷",
    "product": "陶瓷",
    "tier": "capital",
    "region": {"province": "广东省", "city": "佛山市", "county": "禅城区", "code": "440604", "name": "佛山"},
}

SECRETARIAT = {"role": "secretariat", "name": "综合业务部"}
APPLICANT = {"role": "applicant", "name": "禅城区人民政府"}
ASSOCIATION = {"role": "association", "name": "中国陶瓷工业协会"}
LEADER = {"role": "leader", "name": "张会长"}
LEAD_EXPERT = {"role": "expert", "name": "李专家"}

VALID_SHEET = {"part1_met": 12, "part1": 52, "part2_first5_met": 5, "part2_vetoes_clear": True, "part2": 18,
               "part3": 9, "part4": 9, "total": 88}


def cluster(key: str = "ceramics", **changes: Any) -> dict[str, Any]:
    c = dict(CERAMICS, key=key)
    c.update(changes)
    return c


def application(**changes: Any) -> dict[str, Any]:
    data = {"route": "association", "bodies": ["中国陶瓷工业协会"], "industry_history_years": 20}
    data.update(changes)
    return data


def panel(size: int = 5, senior: int = 3, region_code: str = "110105") -> list[dict[str, Any]]:
    fields = ["industry_management", "policy_research", "technology", "environment", "standards"]
    members = [{"name": "李专家", "senior": True, "field": "technology", "region_code": region_code, "lead": True}]
    for i in range(1, size):
        members.append({"name": f"专家{i}", "senior": i < senior, "field": fields[i % 5], "region_code": region_code})
    return members


def site_visit(visit_on: date | str, **changes: Any) -> dict[str, Any]:
    data = {"visit_on": str(visit_on), "panel": panel()}
    data.update(changes)
    return data


def site_report(new_cluster: bool = True, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "findings": ["产业规模居全国首位", "龙头企业带动作用强", "公共服务平台完善", "绿色转型成效明显"],
        "recommendations": ["加强品牌建设", "推进智能制造", "完善标准体系", "培育专业人才"],
        "score_sheet": dict(VALID_SHEET),
        "recommend": True,
    }
    if new_cluster:
        data["indicators"] = {"output": {"value": 120.5, "rank": 1}, "value": {"value": 800, "rank": 2}}
    else:
        data["indicators"] = {"output": {"value": 150}, "value": {"value": 960}, "firms": {"value": 400}}
    data.update(changes)
    return data


ANNUAL_INDICATORS = {
    "revenue": 1000.0, "profit": 100.0, "exports": 50.0, "firms": 300, "above_scale_firms": 40, "leading_firms": 2,
    "union_share": 60.0, "employees": 20000, "skilled_share": 35.0, "market_share": 12.5, "market_share_basis": "market",
    "listed_firms": 3, "rnd_investment": 800.0, "key_labs_national": 1, "key_labs_provincial": 4,
    "invention_patents": 120, "awards_national": 0, "awards_provincial": 2, "green_products": 5, "green_factories": 2,
    "platform_1": "陶瓷产品质量检测中心", "platform_2": "陶瓷产业电子商务平台", "honours": "无",
}
ANNUAL_HEADER = {"location": "广东省佛山市禅城区", "cluster_name": "佛山陶瓷产业集群", "filer": "禅城区工业和信息化局",
                 "contact": "李明", "phone": "0757-82000000"}
LEADING_FIRM = {"name": "佛山某陶瓷有限公司", "product": "建筑陶瓷", "revenue": 200000.0, "profit": 15000.0,
                "tax": 9000.0, "exports": 3000.0, "rnd": 6000.0, "patents": 40, "staff": 2500, "contact": "王工",
                "mobile": "13800000000", "email": "wang@example.cn"}


def annual_report(year: int, revenue: float = 1000.0, **changes: Any) -> dict[str, Any]:
    """A complete 附件五 (issue 11): every row, the header and the 龙头企业 table."""
    indicators = {**ANNUAL_INDICATORS, "revenue": revenue}
    indicators.update(changes)
    firms = [dict(LEADING_FIRM, name=f"佛山第{i + 1}陶瓷有限公司") for i in range(min(int(indicators.get("leading_firms") or 0), 8))]
    return {"year": year, "header": dict(ANNUAL_HEADER), "indicators": indicators, "leading_firms": firms}


class PureDriver:
    """Runs the pure lifecycle the way the workflow does — arm what it asks for, fire the
    clocks on each wake-up date — without Temporal. For domain tests."""

    def __init__(self, profile: dict[str, Any] | None = None, calendar=None, clarified: bool = True):
        from domain.calendar import SHIPPED
        from domain.cnlic.lifecycle import Lifecycle, new_state, profile_from_dict
        from domain.cnlic.policy import get_policy

        self.policy = get_policy()
        self.calendar = calendar or SHIPPED
        # clarified=False: the rules a history recorded before issue 11 runs under
        self.lc = Lifecycle(new_state(profile_from_dict(profile or CERAMICS), self.policy.version, clarified))
        self.today: date | None = None
        self.meetings = 0
        self.events: list = []  # every event so far, as the journal would hold them

    @property
    def state(self):
        return self.lc.state

    def _settle(self, out, today: date):
        from domain.cnlic.deadlines import plan_deadline

        pending = list(out.arm)
        out.arm = []
        while pending:
            req = pending.pop(0)
            out.extend(self.lc.arm(plan_deadline(self.policy, self.calendar, req), today))
        wake = self.lc.next_wakeup()
        if wake is not None and wake <= today:
            more = self.lc.fire_clocks(today)
            self._settle(more, today)
            out.extend(more)
        return out

    def advance(self, to: date):
        """Let the clocks fire on every wake-up date up to and including ``to``."""
        events = []
        while True:
            wake = self.lc.next_wakeup()
            if wake is None or wake > to or self.lc.terminal:
                break
            out = self._settle(self.lc.fire_clocks(wake), wake)
            events += out.events
            self.events += out.events
        self.today = to
        return events

    def start(self, stage: str, on: date, **kw):
        from domain.cnlic.lifecycle import StartSpec
        from domain.cnlic.model import Actor

        today = max(on, self.today or on) if stage != "designated" else (self.today or on)
        self.today = today
        out = self.lc.start(StartSpec(stage=stage, on=on, **kw), Actor(**SECRETARIAT), today)
        events = self._settle(out, today).events
        self.events += events
        return events

    def act(self, on: date, action: str, data: dict[str, Any] | None = None, by: dict[str, str] | None = None):
        from domain.cnlic.model import Actor

        self.advance(on)
        actor = Actor(**(by or default_actor(action)))
        out = self.lc.apply(action, data or {}, actor, on)
        out = self._settle(out, on)
        self.events += out.events
        return out

    def meeting(self, on: date, decision: str):
        from domain.cnlic.model import Actor

        self.advance(on)
        self.meetings += 1
        out = self.lc.apply_meeting_decision(f"m{self.meetings}", on, decision, Actor(**SECRETARIAT), on)
        out = self._settle(out, on)
        self.events += out.events
        return out

    def approve(self, on: date, document_on: date | None = None):
        """The meeting approves; the joint document follows on ``document_on`` (default: the
        meeting's day), so the title runs from the document (§三(四))."""
        out = self.meeting(on, "approve")
        if self.state.stage == "approved":
            return self.document(document_on or on)
        return out

    def document(self, on: date, number: str = "中轻联综字〔2027〕1号", **data: Any):
        return self.act(on, "record_joint_document",
                        {"number": number, "issued_on": on.isoformat(), "bodies": ["中国轻工业联合会"], **data})

    def designate(self, applied_on: date = date(2027, 3, 1), meeting_on: date = date(2027, 6, 20)):
        """Walk the whole designation procedure from cultivation to a conferred title."""
        from datetime import timedelta

        if self.state.stage == "cultivation":
            self.act(applied_on, "file_application", application(), APPLICANT)
        self.walk_procedure(applied_on, meeting_on - timedelta(days=10), new_cluster=True)
        return self.approve(meeting_on)

    def walk_procedure(self, start: date, review_done: date, new_cluster: bool):
        from datetime import timedelta

        self.act(start, "record_opinion", {"text": "同意"}, ASSOCIATION)
        self.act(start, "accept_application", {}, SECRETARIAT)
        self.act(start + timedelta(days=2), "approve_site_visit", site_visit(start + timedelta(days=10)), LEADER)
        self.act(start + timedelta(days=11), "record_site_report", site_report(new_cluster), LEAD_EXPERT)
        self.act(start + timedelta(days=20), "record_formal_opinion", {"recommend": True}, ASSOCIATION)
        self.act(review_done, "complete_formal_review", {}, SECRETARIAT)

    def kinds(self, events, kind: str):
        return [e for e in events if e.kind == kind]


def default_actor(action: str) -> dict[str, str]:
    return {
        "file_application": APPLICANT,
        "record_opinion": ASSOCIATION,
        "accept_application": SECRETARIAT,
        "approve_site_visit": LEADER,
        "record_site_report": LEAD_EXPERT,
        "record_formal_opinion": ASSOCIATION,
        "request_supplement": SECRETARIAT,
        "submit_supplement": APPLICANT,
        "complete_formal_review": SECRETARIAT,
        "record_joint_document": SECRETARIAT,
        "submit_annual_report": APPLICANT,
        "file_reevaluation": APPLICANT,
        "file_rectification_review": APPLICANT,
        "file_title_change": APPLICANT,
        "revoke": LEADER,
        "withdraw": APPLICANT,
    }[action]


def element_indicators(*elements: str) -> dict[str, dict[str, str]]:
    """Each naming element's extra indicators with a value (RULES.md "Title words")."""
    from domain.cnlic.policy import CNLIC_2022

    return {e: {i: "3" for i in CNLIC_2022.element_indicators[e]} for e in elements}
