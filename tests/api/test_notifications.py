"""Reminders and escalations reach people (issue 10 §7): an overdue clock becomes one console
notification per addressed user with their own read state, and one email at a local SMTP
server (aiosmtpd, started here on a free port) — never two, however often or concurrently the
delivery job runs, and a send that failed is retried later and then delivered once."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller

from console.cnlic.pages import COOKIE
from service.notify import SmtpSettings, deliver_email
from service.users import csrf_token
from store.cnlic import lifecycle as repo
from store import notifications as deliveries
from store.cnlic import readmodel
from store.db import session
from store.models import OutboxRow

pytestmark = pytest.mark.api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    """What the local SMTP server accepted."""

    port: int
    messages: list[tuple[list[str], email.message.EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content,
                                                                                 policy=email.policy.default)))
        return "250 OK"

    def for_notification(self, outbox_id: int) -> list[tuple[list[str], email.message.EmailMessage]]:
        return [(to, m) for to, m in self.messages if m["X-Designation-Notification"] == str(outbox_id)]

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings(host="127.0.0.1", port=self.port, tls="none", sender="集群共建授名 <noreply@cnlic.test>",
                            timeout=5)


@pytest.fixture
def smtp():
    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


async def site_visit_overdue(env, prefix: str) -> tuple[str, int]:
    """An accepted application left without a site-visit decision past its 5-day clock:
    returns the cluster and the escalation's outbox row addressed to the leaders."""
    key = await env.register(prefix)
    await env.ok("association", key, "record_opinion", {"text": "同意推荐", "recommend": True})
    await env.ok("secretariat", key, "accept_application")
    shown = (await env.client.get(f"/api/clusters/{key}", headers=env.auth("secretariat"))).json()
    due = next(d["due"] for d in shown["deadlines"] if d["what"] == "site_visit")
    await env.sim.advance_to(datetime.fromisoformat(due).date() + timedelta(days=1))
    await env.sim.settle()

    def escalation():
        return [o for o in repo.outbox(env.sim.engine)
                if o.cluster_key == key and o.kind == "overdue" and o.recipient == "leader"]

    await env.sim._until(lambda: escalation(), f"{key}: no site-visit escalation in the outbox")
    [row] = escalation()
    return key, row.id


async def test_an_overdue_site_visit_reaches_the_leader_once_by_email_and_once_in_the_console(env, smtp):
    env.add_user("leader-mail", role="leader", name="邮件会领导", email="leader@example.test")
    key, outbox_id = await site_visit_overdue(env, "mail")

    # two runs at once and a third after: each (notification, user) pair is claimed once
    first, second = await asyncio.gather(deliver_email(env.sim.engine, smtp.settings),
                                         deliver_email(env.sim.engine, smtp.settings))
    sent = first.sent + second.sent
    assert (outbox_id, "leader-mail") in sent and len(sent) == len(set(sent))
    [(to, message)] = smtp.for_notification(outbox_id)
    assert to == ["leader@example.test"] and key in message["Subject"] and "已逾期" in message["Subject"]
    assert "逾期督办" in message.get_content() and message["To"].addresses[0].display_name == "邮件会领导"
    received = len(smtp.messages)
    ids = [m["Message-ID"] for _, m in smtp.messages]
    assert len(ids) == len(set(ids))
    again = await deliver_email(env.sim.engine, smtp.settings)
    assert again.sent == [] and again.failed == [] and len(smtp.messages) == received
    [delivery] = [d for d in deliveries.deliveries(env.sim.engine, outbox_id) if d.address == "leader@example.test"]
    assert delivery.status == "sent" and delivery.attempts == 1

    # the console: listed once, unread, with the count; read state is the user's own
    mine = (await env.client.get("/api/me/notifications", params={"unread": "true", "limit": 200},
                                 headers=env.auth("leader-mail"))).json()
    listed = [n for n in mine["items"] if n["id"] == outbox_id]
    assert len(listed) == 1 and listed[0]["kind_label"] == "逾期督办" and listed[0]["cluster_key"] == key
    assert not listed[0]["read"] and mine["unread"] >= 1
    r = await env.client.post("/api/me/notifications/read", json={"ids": [outbox_id]}, headers=env.auth("leader-mail"))
    assert r.status_code == 200 and r.json() == {"marked": 1, "unread": mine["unread"] - 1}
    r = await env.client.post("/api/me/notifications/read", json={"ids": [outbox_id]}, headers=env.auth("leader-mail"))
    assert r.json()["marked"] == 0
    other = (await env.client.get("/api/me/notifications", params={"limit": 200}, headers=env.auth("leader"))).json()
    assert [n["read"] for n in other["items"] if n["id"] == outbox_id] == [False]
    expert = (await env.client.get("/api/me/notifications", params={"limit": 200}, headers=env.auth("expert"))).json()
    assert outbox_id not in {n["id"] for n in expert["items"]}  # not addressed to experts


async def test_the_notifications_page_shows_the_unread_count_and_marks_read_with_the_form_token(env):
    env.add_user("assoc-notes", role="association", name="通知测试协会", industries=["刀剪"])
    env.add_user("clocks-notes", role="association", name="通知测试钟表协会", industries=["钟表"])
    key = await env.register("notes", stage="cultivation", industry="刀剪", product="刀剪")
    today = await env.sim.today()
    # notices addressed to every association (a selection round's deadline, program 2) that other
    # tests of this session left: this user sees them too, beside what this test adds
    earlier = (await env.client.get("/api/me/notifications", params={"limit": 200},
                                    headers=env.auth("assoc-notes"))).json()["unread"]
    engine = env.sim.engine
    with session(engine) as s:  # an annual-report reminder as the record activity writes it
        s.add(OutboxRow(idem_key=f"test-{key}>association", cluster_key=key, recipient="association",
                             kind="reminder", subject=f"提醒：{key} 年度报告", body="请按时报送年度报告",
                             created_on=today, created_at=datetime.now(timezone.utc)))
    readmodel.add_digest(engine, f"digest:test:{key}", "user:assoc-notes", "【时限日报】测试", "第一行\n第二行", today)
    mine = (await env.client.get("/api/me/notifications", params={"limit": 200}, headers=env.auth("assoc-notes"))).json()
    ours = [n for n in mine["items"] if key in n["subject"] or "测试" in n["subject"]]
    assert [n["kind"] for n in ours] == ["digest", "reminder"] and mine["unread"] == earlier + 2
    outsider = (await env.client.get("/api/me/notifications", params={"limit": 200},
                                     headers=env.auth("clocks-notes"))).json()
    assert not [n for n in outsider["items"] if key in n["subject"] or "测试" in n["subject"]]
    assert outsider["unread"] == earlier  # 钟表 is not this cluster's industry

    env.client.cookies.clear()
    r = await env.client.post("/login", data={"username": "assoc-notes", "password": "password-123", "next": "/"})
    token = r.cookies.get(COOKIE)
    page = await env.client.get("/notifications")
    assert page.status_code == 200 and f'id="unread-notifications" title="未读通知">{earlier + 2}<' in page.text
    assert "时限日报" in page.text and "年度报告" in page.text
    refused = await env.client.post("/notifications/read", data={"all": "yes"})
    assert refused.status_code == 403
    reminder = next(n["id"] for n in ours if n["kind"] == "reminder")
    r = await env.client.post("/notifications/read", data={"csrf": csrf_token(token), "id": str(reminder)})
    assert r.status_code == 303 and r.headers["location"] == "/notifications"
    page = await env.client.get("/notifications", params={"unread": "yes"})
    assert f'title="未读通知">{earlier + 1}<' in page.text and "年度报告" not in page.text
    await env.client.post("/notifications/read", data={"csrf": csrf_token(token), "all": "yes"})
    page = await env.client.get("/clusters")
    assert "unread-notifications" not in page.text and ">通知</a>" in page.text
    env.client.cookies.clear()


async def test_a_send_that_fails_while_the_smtp_server_is_down_is_retried_on_the_next_run_and_delivered_once(env, smtp):
    engine = env.sim.engine
    await deliver_email(engine, smtp.settings)  # whatever earlier tests left for their users
    env.add_user("applicant-mail", role="applicant", name="邮件县人民政府", clusters=["no-such-cluster"],
                 email="county@example.test")
    today = await env.sim.today()
    assert readmodel.add_digest(engine, f"digest:{today}:applicant-mail", "user:applicant-mail",
                                f"【时限日报】{today}", "没有到期事项", today)
    [digest] = [o for o in repo.outbox(engine) if o.recipient == "user:applicant-mail"]

    down = await deliver_email(engine, replace(smtp.settings, port=free_port()))  # nothing listens there
    assert down.sent == [] and down.stopped and [(i, u) for i, u, _ in down.failed] == [(digest.id, "applicant-mail")]
    [row] = deliveries.deliveries(engine, digest.id)
    assert row.status == "retry" and row.attempts == 1 and "无法连接" in row.last_error
    assert "Traceback" not in row.last_error and len(row.last_error) <= 300

    early = await deliver_email(engine, smtp.settings)  # before the back-off: left alone
    assert (digest.id, "applicant-mail") not in early.sent and smtp.for_notification(digest.id) == []
    later = datetime.now(timezone.utc) + timedelta(minutes=5)
    retried = await deliver_email(engine, smtp.settings, now=later)
    assert (digest.id, "applicant-mail") in retried.sent
    [(to, message)] = smtp.for_notification(digest.id)
    assert to == ["county@example.test"] and "时限日报" in message["Subject"]
    [row] = deliveries.deliveries(engine, digest.id)
    assert row.status == "sent" and row.attempts == 2
    again = await deliver_email(engine, smtp.settings, now=later + timedelta(hours=2))
    assert (digest.id, "applicant-mail") not in again.sent and len(smtp.for_notification(digest.id)) == 1


async def test_marking_read_with_an_id_beyond_the_stores_integers_is_422_not_a_500(env):
    for ids in ([2**70], [2**63], [0], [-1]):
        r = await env.client.post("/api/me/notifications/read", json={"ids": ids}, headers=env.auth("secretariat"))
        assert r.status_code == 422, (ids, r.text)
    r = await env.client.post("/api/me/notifications/read", json={"ids": [2**63 - 1]}, headers=env.auth("secretariat"))
    assert r.status_code == 200 and r.json()["marked"] == 0
