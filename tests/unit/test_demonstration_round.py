"""The selection round of RULES.md program 2 as pure code: each step's role, stage and data
checks, the cap and quotas, first review against eligibility, the 2/3 vote, the public notice
with its objections, approval within the cap, and commendation."""

from datetime import date

import pytest

from domain.cnlic.model import Actor
from domain.demonstration.eligibility import JournalFact, TitleFact
from domain.demonstration.forms import parse_recommendation
from domain.demonstration.policy import DEMONSTRATION_2017 as P
from domain.demonstration.round import STEPS, Round, Stage, notice_end, open_round
from domain.demonstration.steps import apply_step
from domain.errors import DomainError
from domain.journal import head_of
from tests.unit.test_demonstration_forms import recommendation

SECRETARIAT = Actor("secretariat", "综合业务部")
LEADER = Actor("leader", "会领导")
CERAMICS = Actor("association", "中国陶瓷工业协会")
FURNITURE = Actor("association", "中国家具协会")
SCOPE = {CERAMICS.name: ("陶瓷",), FURNITURE.name: ("家具",)}
OPENED = date(2028, 3, 1)
DEADLINE = date(2028, 4, 15)

# 30 co-built clusters, every one valid on the opening date: cap 6
TITLES = [TitleFact(f"cer-{i}", "陶瓷", "valid", date(2030, 1, 1)) for i in range(15)] + \
         [TitleFact(f"fur-{i}", "家具", "valid", date(2030, 1, 1)) for i in range(15)] + \
         [TitleFact("old", "陶瓷", "expired", date(2027, 1, 1))]


def rows(rank=2, violation=False):
    out = [JournalFact(10, date(2026, 1, 10), "title", {"status": "valid", "valid_until": "2030-01-01"}),
           JournalFact(11, date(2025, 11, 1), "action", {"action": "record_site_report",
                                                         "report": {"indicators": {"output": {"value": 9, "rank": rank}}}})]
    if violation:
        out.append(JournalFact(12, date(2027, 2, 1), "violation",
                               {"date": "2027-01-20", "source": "处罚决定书", "reason": "偷排"}))
    return out


def opened(quotas=None) -> Round:
    return open_round("conf-2028", P, titles=TITLES, conference_on=date(2028, 6, 1), recommendation_deadline=DEADLINE,
                      quotas={CERAMICS.name: 3, FURNITURE.name: 3} if quotas is None else quotas,
                      actor=SECRETARIAT, today=OPENED)


def recommend(r: Round, key: str, by=CERAMICS, platform=True, on=date(2028, 4, 1), **kw):
    form = parse_recommendation(recommendation(on_platform=platform), P)
    return r.recommend(key, form, r.eligibility_for(key, form, rows(**kw)), by, SCOPE[by.name], on)


def refused(r: Round, fn, *args) -> str:
    before = r.seq
    with pytest.raises(DomainError) as e:
        fn(*args)
    assert r.seq == before, "a refused step records nothing"
    return e.value.code


def in_review(r: Round, keys=("cer-1", "cer-2", "fur-1")) -> Round:
    for k in keys:
        recommend(r, k, CERAMICS if k.startswith("cer") else FURNITURE)
    r.close_recommendation(SECRETARIAT, DEADLINE.replace(day=16))
    return r


def voted(r: Round, counts, present=6) -> Round:
    for k in counts:
        r.review(k, True, "", SECRETARIAT, date(2028, 4, 20))
    r.complete_first_review(SECRETARIAT, date(2028, 4, 25))
    members = [f"委员{i}" for i in range(present)]
    r.record_vote(members, {k: {"yes": y, "no": present - y} for k, y in counts.items()}, SECRETARIAT, date(2028, 5, 5))
    return r


def on_notice(counts=None) -> Round:
    counts = counts or {"cer-1": 5, "cer-2": 4, "fur-1": 6}
    r = voted(in_review(opened(), tuple(counts)), counts)
    assert r.publish_notice(date(2028, 5, 10), SECRETARIAT, date(2028, 5, 10)) == date(2028, 5, 17)
    return r


# ------------------------------------------------------------------ opening, cap, quotas


def test_opening_counts_the_valid_titles_and_records_the_cap_with_the_round():
    r = opened()
    assert (r.valid_titles, r.cap, r.stage) == (30, 6, Stage.RECOMMENDATION)
    assert r.events[0].kind == "opened" and r.events[0].data["cap"] == 6 and r.events[0].data["valid_titles"] == 30


def test_quotas_must_sum_within_the_cap():
    with pytest.raises(DomainError) as e:
        opened({CERAMICS.name: 4, FURNITURE.name: 3})
    assert e.value.code == "quota_over_cap" and "20%" in e.value.message
    r = opened()
    assert refused(r, r.set_quotas, {CERAMICS.name: 5, FURNITURE.name: 2}, SECRETARIAT, OPENED) == "quota_over_cap"
    assert refused(r, r.set_quotas, {CERAMICS.name: -1}, SECRETARIAT, OPENED) == "invalid_data"
    r.set_quotas({CERAMICS.name: 4, FURNITURE.name: 2}, SECRETARIAT, OPENED)
    assert r.quotas == {CERAMICS.name: 4, FURNITURE.name: 2}


def test_only_the_secretariat_opens_a_round():
    with pytest.raises(DomainError) as e:
        open_round("r", P, titles=TITLES, conference_on=date(2028, 6, 1), recommendation_deadline=DEADLINE, quotas={},
                   actor=CERAMICS, today=OPENED)
    assert e.value.code == "role_not_allowed"


# ------------------------------------------------------------------ recommendation


def test_an_association_recommends_only_valid_cobuilt_clusters_of_its_industries_before_the_deadline():
    r = opened()
    c = recommend(r, "cer-1")
    assert c.association == CERAMICS.name and c.eligibility.eligible and r.events[-1].kind == "recommended"
    form = parse_recommendation(recommendation(), P)
    el = r.eligibility_for("fur-1", form, rows())
    assert refused(r, r.recommend, "fur-1", form, el, CERAMICS, SCOPE[CERAMICS.name], OPENED) == "industry_not_in_scope"
    el = r.eligibility_for("old", form, rows())
    assert refused(r, r.recommend, "old", form, el, CERAMICS, SCOPE[CERAMICS.name], OPENED) == "candidate_not_cobuilt"
    el = r.eligibility_for("cer-1", form, rows())
    assert refused(r, r.recommend, "cer-1", form, el, CERAMICS, SCOPE[CERAMICS.name], OPENED) == "candidate_duplicate"
    el = r.eligibility_for("cer-2", form, rows())
    assert refused(r, r.recommend, "cer-2", form, el, CERAMICS, SCOPE[CERAMICS.name], date(2028, 4, 16)) == \
        "recommendation_closed"
    assert refused(r, r.recommend, "cer-2", form, el, SECRETARIAT, ("陶瓷",), OPENED) == "role_not_allowed"


def test_first_review_starts_only_after_the_recommendation_deadline():
    r = opened()
    recommend(r, "cer-1")
    assert refused(r, r.close_recommendation, SECRETARIAT, DEADLINE) == "recommendation_still_open"
    r.close_recommendation(SECRETARIAT, date(2028, 4, 16))
    assert r.stage == Stage.FIRST_REVIEW
    assert refused(r, recommend, r, "cer-2") == "step_not_allowed"


# ------------------------------------------------------------------ first review


def test_a_candidate_failing_a_computed_condition_cannot_pass_first_review():
    r = opened()
    recommend(r, "cer-1", violation=True)
    recommend(r, "cer-2", rank=9)
    r.close_recommendation(SECRETARIAT, date(2028, 4, 16))
    with pytest.raises(DomainError) as e:
        r.review("cer-1", True, "", SECRETARIAT, date(2028, 4, 20))
    assert e.value.code == "candidate_ineligible" and "二、1" in e.value.message
    with pytest.raises(DomainError) as e:
        r.review("cer-2", True, "", SECRETARIAT, date(2028, 4, 20))
    assert e.value.code == "candidate_ineligible" and "前5名" in e.value.message
    assert refused(r, r.review, "cer-1", False, " ", SECRETARIAT, date(2028, 4, 20)) == "reason_missing"
    r.review("cer-1", False, "近五年有违规记录", SECRETARIAT, date(2028, 4, 20))
    assert r.candidates["cer-1"].reviewed is False


def test_first_review_keeps_each_association_within_its_quota_and_must_decide_everyone():
    r = in_review(opened({CERAMICS.name: 1, FURNITURE.name: 1}))
    r.review("cer-1", True, "", SECRETARIAT, date(2028, 4, 20))
    assert refused(r, r.review, "cer-2", True, "", SECRETARIAT, date(2028, 4, 20)) == "quota_exceeded"
    assert refused(r, r.complete_first_review, SECRETARIAT, date(2028, 4, 25)) == "review_incomplete"
    r.review("cer-2", False, "名额协调", SECRETARIAT, date(2028, 4, 20))
    r.review("fur-1", True, "", SECRETARIAT, date(2028, 4, 20))
    r.complete_first_review(SECRETARIAT, date(2028, 4, 25))
    assert r.stage == Stage.COMMITTEE_VOTE and r.first_review_list() == ["cer-1", "fur-1"]


# ------------------------------------------------------------------ the committee's vote


def test_vote_passes_at_two_thirds_of_members_present_inclusive():
    r = voted(in_review(opened(), ("cer-1",)), {"cer-1": 4}, present=6)
    assert r.candidates["cer-1"].vote.passed and r.events[-1].data["needed"] == 4
    r = voted(in_review(opened(), ("cer-1",)), {"cer-1": 4}, present=7)
    assert not r.candidates["cer-1"].vote.passed and r.proposed() == []


def test_vote_counts_cannot_exceed_members_present_and_cover_the_whole_list():
    r = in_review(opened())
    for k in ("cer-1", "cer-2"):
        r.review(k, True, "", SECRETARIAT, date(2028, 4, 20))
    r.review("fur-1", False, "材料不全", SECRETARIAT, date(2028, 4, 20))
    r.complete_first_review(SECRETARIAT, date(2028, 4, 25))
    five = [f"委员{i}" for i in range(5)]
    today = date(2028, 5, 5)
    assert refused(r, r.record_vote, five, {"cer-1": {"yes": 4, "no": 1, "abstain": 1}, "cer-2": {"yes": 4}},
                   SECRETARIAT, today) == "vote_count_invalid"
    assert refused(r, r.record_vote, five, {"cer-1": {"yes": 4}}, SECRETARIAT, today) == "vote_incomplete"
    assert refused(r, r.record_vote, ["甲", "甲"], {"cer-1": {"yes": 2}, "cer-2": {"yes": 2}}, SECRETARIAT, today) == \
        "members_invalid"
    assert refused(r, r.record_vote, five, {"cer-1": {"yes": 4}, "cer-2": {"yes": 4}}, CERAMICS, today) == \
        "role_not_allowed"
    r.record_vote(five, {"cer-1": {"yes": 4, "no": 1}, "cer-2": {"yes": 3, "abstain": 2}}, SECRETARIAT, today)
    assert [(k, v.passed) for k, v in r.vote_results()] == [("cer-1", True), ("cer-2", False)]


def test_equal_votes_are_ordered_by_the_platform_flag():
    r = opened()
    recommend(r, "cer-1", platform=False)
    recommend(r, "cer-2", platform=True)
    recommend(r, "fur-1", FURNITURE, platform=False)
    r.close_recommendation(SECRETARIAT, date(2028, 4, 16))
    voted(r, {"cer-1": 5, "cer-2": 5, "fur-1": 6})
    assert [k for k, _ in r.vote_results()] == ["fur-1", "cer-2", "cer-1"]


def test_a_vote_sheet_of_sixty_candidates_is_recorded_though_an_ordinary_list_holds_fifty():
    # 300 valid titles: cap 60; a round of that size sends the committee one row per candidate
    titles = [TitleFact(f"cer-{i}", "陶瓷", "valid", date(2030, 1, 1)) for i in range(300)]
    r = open_round("conf-big", P, titles=titles, conference_on=date(2028, 6, 1), recommendation_deadline=DEADLINE,
                   quotas={CERAMICS.name: 60}, actor=SECRETARIAT, today=OPENED)
    keys = [f"cer-{i}" for i in range(60)]
    for k in keys:
        recommend(r, k)
    r.close_recommendation(SECRETARIAT, DEADLINE.replace(day=16))
    for k in keys:
        apply_step(r, "review", {"cluster_key": k, "passed": True}, SECRETARIAT, (), date(2028, 4, 20))
    apply_step(r, "complete_first_review", {}, SECRETARIAT, (), date(2028, 4, 25))
    sheet = {"members_present": [f"委员{i}" for i in range(9)], "votes": [{"cluster_key": k, "yes": 8} for k in keys]}
    apply_step(r, "record_vote", sheet, SECRETARIAT, (), date(2028, 5, 5))
    assert len(r.proposed()) == 60
    with pytest.raises(DomainError) as e:  # other lists keep the ordinary bound
        apply_step(r, "set_quotas", {"quotas": {f"协会{i}": 0 for i in range(51)} | {"x": [0] * 51}}, SECRETARIAT, (),
                   date(2028, 5, 6))
    assert e.value.code == "too_many_items"


def test_a_step_tried_on_a_trial_copy_leaves_the_round_as_it_was_and_shares_only_what_no_step_changes():
    r = on_notice()
    r.drain()
    before = (r.seq, r.stage, list(r.objections), {k: (c.reviewed, c.removed_by) for k, c in r.candidates.items()})
    t = r.trial()
    apply_step(t, "record_objection", {"cluster_key": "cer-1", "received_on": "2028-05-11", "source": "来信",
                                       "text": "反映数据偏高"}, SECRETARIAT, (), date(2028, 5, 11))
    apply_step(t, "resolve_objection", {"objection_id": "objection-1", "upheld": True, "reason": "属实"}, SECRETARIAT, (),
               date(2028, 5, 12))
    assert t.candidates["cer-1"].removed_by == "objection-1" and t.seq == before[0] + 2
    assert (r.seq, r.stage, list(r.objections), {k: (c.reviewed, c.removed_by) for k, c in r.candidates.items()}) == before
    assert r.events == [] and r.candidates["cer-1"] is not t.candidates["cer-1"]
    assert t.candidates["cer-1"].form is r.candidates["cer-1"].form
    assert t.candidates["cer-1"].eligibility is r.candidates["cer-1"].eligibility and t.policy is r.policy


# ------------------------------------------------------------------ public notice and objections


def test_notice_ends_seven_calendar_days_after_publication():
    assert notice_end(date(2028, 5, 10), P) == date(2028, 5, 17)
    assert notice_end(date(2028, 9, 30), P) == date(2028, 10, 7)  # calendar days: National Day counts


def test_approval_waits_for_the_end_of_the_notice():
    r = on_notice()
    assert refused(r, r.approve, None, LEADER, date(2028, 5, 17)) == "notice_running"
    assert r.approve(None, LEADER, date(2028, 5, 18)) == ("fur-1", "cer-1", "cer-2")


def test_an_upheld_objection_removes_the_candidate_and_an_unresolved_one_blocks_approval():
    r = on_notice()
    o1 = r.record_objection("cer-1", date(2028, 5, 12), "匿名来信", "近三年有环保处罚", SECRETARIAT, date(2028, 5, 12))
    o2 = r.record_objection("fur-1", date(2028, 5, 13), "某企业", "数据有误", SECRETARIAT, date(2028, 5, 13))
    assert refused(r, r.approve, None, LEADER, date(2028, 5, 20)) == "objection_unresolved"
    r.resolve_objection(o1.id, True, "经核实属实", SECRETARIAT, date(2028, 5, 19))
    assert refused(r, r.approve, None, LEADER, date(2028, 5, 20)) == "objection_unresolved"
    assert refused(r, r.resolve_objection, o2.id, False, "", SECRETARIAT, date(2028, 5, 19)) == "reason_missing"
    r.resolve_objection(o2.id, False, "数据与统计公报一致", SECRETARIAT, date(2028, 5, 19))
    assert refused(r, r.resolve_objection, o2.id, True, "改判", SECRETARIAT, date(2028, 5, 19)) == "objection_resolved"
    assert r.candidates["cer-1"].removed_by == o1.id and "cer-1" not in r.proposed()
    assert r.approve(None, LEADER, date(2028, 5, 20)) == ("fur-1", "cer-2")


def test_objections_are_recorded_within_the_notice_period_against_listed_candidates_only():
    r = on_notice()
    assert refused(r, r.record_objection, "cer-1", date(2028, 5, 18), "来信", "x", SECRETARIAT, date(2028, 5, 18)) == \
        "objection_outside_notice"
    assert refused(r, r.record_objection, "cer-9", date(2028, 5, 12), "来信", "x", SECRETARIAT, date(2028, 5, 12)) == \
        "objection_not_on_notice"
    assert refused(r, r.record_objection, "cer-1", date(2028, 5, 12), "来信", " ", SECRETARIAT, date(2028, 5, 12)) == \
        "objection_text_missing"


# ------------------------------------------------------------------ approval and commendation


def test_approval_beyond_the_cap_is_refused():
    keys = [f"cer-{i}" for i in range(4)] + [f"fur-{i}" for i in range(3)]
    counts = {k: 6 for k in keys}
    r = voted(in_review(opened({}), tuple(keys)), counts)  # no quotas: seven pass first review and the vote
    r.publish_notice(date(2028, 5, 10), SECRETARIAT, date(2028, 5, 10))
    assert len(r.proposed()) == 7 and r.cap == 6
    assert refused(r, r.approve, None, LEADER, date(2028, 5, 18)) == "selection_over_cap"
    assert refused(r, r.approve, keys[:6], SECRETARIAT, date(2028, 5, 18)) == "role_not_allowed"
    assert refused(r, r.approve, ["old"], LEADER, date(2028, 5, 18)) == "approve_not_proposed"
    assert len(r.approve(keys[:6], LEADER, date(2028, 5, 18))) == 6


def test_commendation_records_the_document_and_ends_the_round():
    r = on_notice()
    r.approve(None, LEADER, date(2028, 5, 18))
    assert refused(r, r.commend, date(2028, 6, 1), "", SECRETARIAT, date(2028, 6, 1)) == "document_number_missing"
    assert refused(r, r.commend, date(2028, 6, 2), "中轻联综字〔2028〕9号", SECRETARIAT, date(2028, 6, 1)) == \
        "commendation_date_invalid"
    r.commend(date(2028, 6, 1), "中轻联综字〔2028〕9号", SECRETARIAT, date(2028, 6, 1))
    assert r.stage == Stage.COMMENDED and r.commendation["clusters"] == ["fur-1", "cer-1", "cer-2"]
    assert r.allowed("secretariat") == [] and r.allowed("leader") == []


def test_the_step_table_says_who_may_do_what_now():
    r = opened()
    assert r.allowed("association") == ["recommend", "attach"]
    assert r.allowed("secretariat") == ["set_quotas", "close_recommendation", "attach"]
    assert not r.may("approve", "leader") and set(STEPS) >= {"recommend", "review", "record_vote", "approve", "commend"}
    events = on_notice().events
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    # the round's events chain like program 1's (domain.journal): one head per round
    assert len(head_of("conf-2028", events)) == 64 and head_of("conf-2028", events) != head_of("conf-2028", events[:-1])


def test_recommendation_closes_early_only_with_a_written_reason_which_the_journal_keeps():
    r = opened()
    recommend(r, "cer-1")
    assert refused(r, r.close_recommendation, SECRETARIAT, date(2028, 4, 2), "  ") == "recommendation_still_open"
    r.close_recommendation(SECRETARIAT, date(2028, 4, 2), "各行业协会均已报送推荐")
    assert r.stage == Stage.FIRST_REVIEW
    assert [e.kind for e in r.events[-2:]] == ["closed_early", "stage"]
    assert r.events[-2].data["reason"] == "各行业协会均已报送推荐"
