"""A regional-brand pilot's life on the time-skipping server: the October batch, two pilot years
with summaries and supervision, an excellent evaluation, the title for 3 years and its lapse;
a title refused for +1 point of value-added rate; two industries decided separately; re-review;
revocation; the yearly clocks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import DomainError
from service.brand import samples
from store.brand import repo
from tests.workflows import brand_helpers as h

pytestmark = pytest.mark.workflow


def kinds(sim, key: str) -> list[str]:
    return [r.kind for r in repo.journal(sim.engine, f"brand.{key}")]


async def test_a_pilot_approved_in_october_evaluated_excellent_holds_the_title_three_years_then_lapses(sim):
    await sim.advance_to(date(2027, 9, 1))
    svc = await h.approved_pilot(sim, "oct")
    row = repo.pilot(sim.engine, "oct")
    assert row.batch_id == "2027-10" and row.approved_on == date(2027, 10, 10)
    await h.run_pilot_years(sim, svc, "oct", 2)
    await sim.advance_to(date(2029, 10, 20))
    result = await h.evaluate(sim, svc, "oct", {"陶瓷": samples.indicators(22.5, 35.0, 18.0, 23.0, 40.0)})
    assert result.stage == "demonstration"
    await h.until(sim, lambda: repo.pilot(sim.engine, "oct").valid_until is not None)
    row = repo.pilot(sim.engine, "oct")
    assert row.titles[0]["title"] == "产业集群区域品牌建设示范区（陶瓷）"
    assert row.granted_on == date(2029, 10, 20) and row.valid_until == date(2032, 10, 19)
    decision = next(r for r in repo.journal(sim.engine, "brand.oct") if r.kind == "decision").data
    assert decision["excellent"] is True
    evidence = {c["code"]: c["evidence"] for c in decision["industries"][0]["conditions"]}
    assert "提高 2.5 个百分点" in evidence["indicator_value_added_rate"]
    assert "190 家（95%）" in evidence["coverage"]

    await sim.advance_to(date(2032, 10, 21))
    await h.until(sim, lambda: repo.pilot(sim.engine, "oct").stage == "lapsed")
    lapsed = [r for r in repo.journal(sim.engine, "brand.oct") if r.kind == "title"][-1]
    assert lapsed.data["status"] == "lapsed" and lapsed.on == date(2032, 10, 20)


async def test_a_rise_of_one_point_in_value_added_rate_is_refused_the_title_naming_that_condition(sim):
    svc = await h.approved_pilot(sim, "short", value_added_rate=20.0)
    await h.run_pilot_years(sim, svc, "short", 2)
    row = repo.pilot(sim.engine, "short")
    await sim.advance_to(row.approved_on + timedelta(days=2 * 365 + 30))
    result = await h.evaluate(sim, svc, "short", {"陶瓷": samples.indicators(21.0, 36.0, 19.0, 24.0)})
    assert result.stage == "pilot"
    decision = next(r for r in repo.journal(sim.engine, "brand.short") if r.kind == "decision").data
    failed = [c for c in decision["industries"][0]["conditions"] if not c["met"]]
    assert [c["code"] for c in failed] == ["indicator_value_added_rate"]
    assert "工业增加值率提高 2 个百分点以上" in failed[0]["label"]
    assert "申报时 20%，现 21%，提高 1 个百分点" == failed[0]["evidence"]
    assert repo.pilot(sim.engine, "short").titles == []


async def test_two_industries_of_one_pilot_are_decided_separately(sim):
    industries = [samples.industry("陶瓷", 50, value_added_rate=20.0, own_brand_share=30.0),
                  samples.industry("茶叶", 20, value_added_rate=18.0, own_brand_share=40.0)]
    svc = await h.approved_pilot(sim, "two", industries=industries, plan_years=1)
    await h.run_pilot_years(sim, svc, "two", 1)
    await sim.advance_to(repo.pilot(sim.engine, "two").approved_on + timedelta(days=400))
    result = await h.evaluate(sim, svc, "two", {
        "陶瓷": samples.indicators(23.0, 36.0, 19.0, 24.0),
        "茶叶": samples.indicators(21.0, 43.0, 19.0, 24.0),  # own-brand share +3 only
    })
    assert result.stage == "demonstration"
    decision = next(r for r in repo.journal(sim.engine, "brand.two") if r.kind == "decision").data
    by = {d["industry"]: d for d in decision["industries"]}
    assert by["陶瓷"]["granted"] and by["陶瓷"]["title"] == "产业集群区域品牌建设示范区（陶瓷）"
    assert not by["茶叶"]["granted"]
    assert [c["code"] for c in by["茶叶"]["conditions"] if not c["met"]] == ["indicator_own_brand_share"]
    await h.until(sim, lambda: repo.pilot(sim.engine, "two").valid_until is not None)
    assert [t["industry"] for t in repo.pilot(sim.engine, "two").titles] == ["陶瓷"]


async def test_an_evaluation_needs_every_pilot_years_summary_and_a_good_evaluation_is_not_excellent(sim):
    svc = await h.approved_pilot(sim, "early", plan_years=2)
    await h.run_pilot_years(sim, svc, "early", 1)
    with pytest.raises(DomainError) as refused:
        await svc.act(h.body("early"), "early", "apply_evaluation",
                      samples.evaluation({"陶瓷": samples.indicators(25, 40, 20, 25)}))
    assert refused.value.code == "summaries_missing" and "试点第 2 年" in refused.value.message
    row = repo.pilot(sim.engine, "early")
    from domain.brand.clocks import year_bounds

    _, end = year_bounds(row.approved_on, 2)
    await sim.advance_to(end - timedelta(days=5))
    await svc.act(h.body("early"), "early", "submit_summary", samples.summary(2, await sim.today()))
    result = await h.evaluate(sim, svc, "early", {"陶瓷": samples.indicators(25, 40, 20, 25)},
                              defence={"scores": {"innovation": 25, "leadership": 25, "transferability": 17,
                                                  "sharing": 17}})
    assert result.stage == "pilot"  # defence 84 < 85: not excellent
    decision = next(r for r in repo.journal(sim.engine, "brand.early") if r.kind == "decision").data
    assert decision["excellent"] is False


async def test_a_summary_not_filed_falls_overdue_twenty_working_days_after_the_pilot_year(sim):
    from service.users import UserService
    from store.cnlic import lifecycle as kernel

    users = UserService(sim.engine)
    users.add("body-late", "implementing_body", "迟报管委会", "password-123", clusters=["late"])
    users.add("prov-hn", "province_department", "湖南省工业和信息化厅", "password-123", provinces=["湖南省"])
    svc = await h.approved_pilot(sim, "late", plan_years=1)
    row = repo.pilot(sim.engine, "late")
    deadline = next(r for r in repo.journal(sim.engine, "brand.late") if r.kind == "deadline"
                    and r.data["what"] == "summary")
    due = date.fromisoformat(deadline.data["due"])
    from domain.brand.clocks import year_bounds

    _, end = year_bounds(row.approved_on, 1)
    assert due > end + timedelta(days=20)  # 20 working days: weekends and holidays skipped
    await sim.advance_to(due + timedelta(days=2))
    await h.until(sim, lambda: "overdue" in kinds(sim, "late"))
    assert repo.pilot(sim.engine, "late").overdue
    assert "reminder" in kinds(sim, "late")
    outbox = [(r.recipient, r.kind) for r in kernel.outbox(sim.engine)]
    assert ("user:body-late", "overdue") in outbox and ("user:body-late", "reminder") in outbox
    assert not any(r == "user:prov-hn" for r, _ in outbox)  # another province's department hears nothing
    await svc.act(h.body("late"), "late", "submit_summary", samples.summary(1, await sim.today()))
    met = [r for r in repo.journal(sim.engine, "brand.late") if r.kind == "deadline_met"][-1]
    assert met.data["late"] is True


async def test_material_scores_over_a_parts_maximum_are_refused_naming_the_part(sim):
    svc = await h.approved_pilot(sim, "max", plan_years=1)
    await h.run_pilot_years(sim, svc, "max", 1)
    await svc.act(h.body("max"), "max", "apply_evaluation", samples.evaluation({"陶瓷": samples.indicators(25, 40, 20, 25)}))
    await svc.act(h.province(), "max", "recommend_evaluation", {"opinion": "同意"})
    await svc.act(h.MIIT, "max", "assign_experts", {"experts": [h.EXPERT.name]})
    with pytest.raises(DomainError) as refused:
        await svc.act(h.EXPERT, "max", "record_material_review",
                      {"scores": {"work_items": 30, "safeguards": 21, "brand_mechanism": 18, "brand_influence": 9,
                                  "demonstration": 9}})
    assert refused.value.code == "score_part_over_max" and "保障措施完成情况" in refused.value.message
    other = h.EXPERT.__class__("li", "expert", "李未指定")
    with pytest.raises(DomainError) as out:
        await svc.act(other, "max", "record_material_review", samples.MATERIAL_EXCELLENT)
    assert out.value.code == "out_of_scope"


async def test_a_title_is_revoked_after_a_serious_incident(sim):
    svc = await h.approved_pilot(sim, "rev", plan_years=1)
    await h.run_pilot_years(sim, svc, "rev", 1)
    await h.evaluate(sim, svc, "rev", {"陶瓷": samples.indicators(25, 40, 20, 25)})
    result = await svc.act(h.MIIT, "rev", "revoke", {"reason_kind": "serious_incident", "reason": "发生重大质量安全事故"})
    assert result.stage == "revoked"
    title = [r for r in repo.journal(sim.engine, "brand.rev") if r.kind == "title"][-1]
    assert title.data["status"] == "revoked" and title.data["reason"] == "出现重大质量安全信誉事故"


async def test_a_rereview_filed_before_expiry_keeps_the_title_until_it_passes_with_a_new_three_years(sim):
    svc = await h.approved_pilot(sim, "re", plan_years=1)
    await h.run_pilot_years(sim, svc, "re", 1)
    await h.evaluate(sim, svc, "re", {"陶瓷": samples.indicators(25, 40, 20, 25)})
    await h.until(sim, lambda: repo.pilot(sim.engine, "re").valid_until is not None)
    first = repo.pilot(sim.engine, "re")
    from domain.brand.clocks import year_bounds

    for n in range(1, 4):
        start, end = year_bounds(first.granted_on, n)
        await sim.advance_to(min(end - timedelta(days=30), first.valid_until - timedelta(days=40)))
        today = await sim.today()
        await svc.act(h.body("re"), "re", "submit_summary", samples.summary(n, today))
    await h.evaluate(sim, svc, "re", {"陶瓷": samples.indicators(26, 41, 21, 26)}, rereview=True)
    await h.until(sim, lambda: repo.pilot(sim.engine, "re").valid_until != first.valid_until)
    again = repo.pilot(sim.engine, "re")
    assert again.stage == "demonstration" and again.cycle == 2 and again.valid_until > first.valid_until


async def test_a_calendar_import_moves_an_open_summary_deadline_and_journals_the_move(sim):
    """``designation deadlines recompute`` reaches program 4 too: the yearly summary is due N
    working days after the pilot year, so an official schedule adding a holiday in that window
    moves it by one working day, journaled with both calendar versions (RULES.md: the PRC
    working-day calendar is the platform's, shared by every program)."""
    from audit.service import AuditService
    from domain.calendar import SHIPPED, YearSchedule
    from domain.roles import Actor
    from service.brand.pilots import recompute_deadlines
    from store.calendars import save_schedule

    await h.approved_pilot(sim, "cal", plan_years=1)
    armed = next(r for r in repo.journal(sim.engine, "brand.cal") if r.kind == "deadline" and r.data["what"] == "summary")
    old_due = date.fromisoformat(armed.data["due"])
    extra = old_due - timedelta(days=1)
    while not SHIPPED.is_working_day(extra):
        extra -= timedelta(days=1)
    year = old_due.year
    year_days = [date(year, 1, 1) + timedelta(days=i) for i in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]
    save_schedule(sim.engine, YearSchedule.from_mapping(
        {"holidays": [x.isoformat() for x in year_days if SHIPPED.day(x).kind == "holiday"] + [extra.isoformat()],
         "workdays": [x.isoformat() for x in year_days if SHIPPED.day(x).kind == "makeup_workday"]}, "official"))
    secretariat = Actor("secretariat", "综合业务部")

    moved = await recompute_deadlines(sim.env.client, sim.engine, secretariat, "国务院公布节假日安排")
    await sim.settle()
    assert list(moved) == ["cal"] and any(line.startswith("年度总结报告 截止") for line in moved["cal"])
    move = next(r for r in repo.journal(sim.engine, "brand.cal") if r.kind == "deadline_moved"
                and r.data["what"] == "summary")
    new_due = date.fromisoformat(move.data["new_due"])
    assert SHIPPED.working_days_between(old_due, new_due) == 1 and move.data["old_due"] == old_due.isoformat()
    assert move.data["old_calendar_version"] != move.data["new_calendar_version"]
    assert (move.actor_role, move.actor_name) == ("secretariat", "综合业务部")
    shown = [x for x in repo.pilot(sim.engine, "cal").deadlines if x["what"] == "summary"]
    assert [x["due"] for x in shown] == [new_due.isoformat()]
    report = await AuditService(sim.env.client, sim.engine).replay("brand.cal", "审计员")
    assert report.ok
    # nothing left to move; and a calendar revision is not the implementing body's to start
    assert await recompute_deadlines(sim.env.client, sim.engine, secretariat, "again") == {}
    with pytest.raises(DomainError) as refused:
        await recompute_deadlines(sim.env.client, sim.engine, Actor("implementing_body", "x"), "no")
    assert refused.value.code == "role_not_allowed"
