"""The 推荐表 and the publicity pack (seeds/000 附件) as typed forms with the limits of domain.limits."""

from datetime import date

import pytest

from domain.demonstration.forms import parse_publicity, parse_recommendation
from domain.demonstration.policy import DEMONSTRATION_2017 as P
from domain.errors import DomainError


def recommendation(**changes):
    data = {
        "applicant": "佛山市人民政府", "filled_on": "2027-05-10", "address": "佛山市禅城区岭南大道1号",
        "postcode": "528000", "contact": "陈明", "mobile": "13800000000", "phone": "0757-83000000",
        "cluster_name": "中国陶瓷之都·佛山", "base_year": 2026,
        "indicators": {i.key: ({"value": 10, "share": 12.5} if i.with_share else {"value": 10}) for i in P.indicators},
        "results": "建成国家级陶瓷检测平台，研发投入占比 4.2%",
        "opinions": [{"kind": "applicant", "body": "佛山市人民政府", "text": "同意推荐", "sealed": True, "on": "2027-05-10"}],
        "on_platform": True,
    }
    data.update(changes)
    return data


def publicity(news=5, **changes):
    data = {
        "body": "佛山市陶瓷产业集群领导小组",
        "leaders": [{"name": "王某", "post": "组长", "photo": "att-1"}],
        "introduction": "佛山陶瓷产业……",
        "news": [{"title": f"新闻{i}", "on": "2027-04-01"} for i in range(news)],
        "investment": {"overview": "概况", "society": "社会", "business": "招商", "advantages": "优势"},
        "video_link": "https://v.example.cn/foshan",
        "exports": [{"period": "2027-Q1", "country": "美国", "amount": 1200.5}],
        "contacts": "0757-83000000",
    }
    data.update(changes)
    return data


def code_of(fn, *args):
    with pytest.raises(DomainError) as e:
        fn(*args)
    return e.value.code


def test_a_complete_recommendation_form_parses_with_every_indicator():
    form = parse_recommendation(recommendation(), P)
    assert form.on_platform and form.indicators["exports"].share == 12.5 and form.filled_on == date(2027, 5, 10)


def test_recommendation_form_refuses_missing_unknown_or_misplaced_indicators():
    rows = recommendation()["indicators"]
    assert code_of(parse_recommendation, recommendation(indicators={k: v for k, v in rows.items() if k != "sales"}),
                   P) == "indicator_missing"
    assert code_of(parse_recommendation, recommendation(indicators={**rows, "gdp": {"value": 1}}), P) == "indicator_unknown"
    assert code_of(parse_recommendation, recommendation(indicators={**rows, "employees": {"value": 1, "share": 3}}),
                   P) == "indicator_share_not_allowed"


def test_recommendation_form_checks_shape_and_limits():
    assert code_of(parse_recommendation, recommendation(postcode="52800"), P) == "invalid_data"
    assert code_of(parse_recommendation, recommendation(results=""), P) == "invalid_data"
    assert code_of(parse_recommendation, recommendation(results="业" * 5001), P) == "invalid_data"
    assert code_of(parse_recommendation, recommendation(surprise=1), P) == "invalid_data"
    assert code_of(parse_recommendation, recommendation(opinions=[{"kind": "mayor", "body": "x"}]), P) == \
        "opinion_kind_invalid"


@pytest.mark.parametrize("news, ok", [(4, False), (5, True), (10, True), (11, False)])
def test_publicity_pack_carries_five_to_ten_news_items(news, ok):
    if ok:
        assert len(parse_publicity(publicity(news), P).news) == news
    else:
        assert code_of(parse_publicity, publicity(news), P) == "news_count_invalid"


def test_publicity_pack_needs_all_four_investment_parts_and_a_video_link():
    assert code_of(parse_publicity, publicity(investment={"overview": "概况"}), P) == "invalid_data"
    assert code_of(parse_publicity, publicity(video_link="优酷"), P) == "invalid_data"
    assert code_of(parse_publicity, publicity(exports=[{"period": "2027年", "country": "美国", "amount": 1}]), P) == \
        "invalid_data"
