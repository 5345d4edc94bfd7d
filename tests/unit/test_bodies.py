"""RULES.md "Bodies": the directory's entries, the choices a cluster's application is offered,
and the kinds read from the directory instead of guessed from a name."""

import pytest

from domain.cnlic.bodies import BodyEntry, check_body_entry, choices_for, legacy_kind_guess, resolve_bodies
from domain.errors import DomainError
from domain.cnlic.policy import CNLIC_2022 as POLICY
from domain.cnlic.rules import check_application
from tests.support import application

DIRECTORY = [
    BodyEntry("中国陶瓷工业协会", "association", ("陶瓷",)),
    BodyEntry("中国造纸协会", "association", ("造纸",)),
    BodyEntry("广东省轻工业联合会", "provincial", (), "广东省"),
    BodyEntry("江西省轻工业联合会", "provincial", (), "江西省"),
    BodyEntry("佛山市轻工业协会", "provincial", (), "广东省"),
    BodyEntry("中国旧协会", "association", ("陶瓷",), active=False),
]


def code_of(fn, *args):
    with pytest.raises(DomainError) as e:
        fn(*args)
    return e.value.code


def test_body_kind_is_read_from_the_directory_not_guessed_from_the_name():
    # the first build's guess took 佛山市轻工业协会 for a national association
    assert legacy_kind_guess("佛山市轻工业协会") == "association"
    resolved = resolve_bodies(DIRECTORY, ["佛山市轻工业协会"], "陶瓷", "广东省")
    assert resolved == [{"name": "佛山市轻工业协会", "kind": "provincial"}]
    app = check_application(POLICY, application(route="provincial", bodies=resolved))
    assert [b.kind for b in app.bodies] == ["provincial"]


def test_body_choices_are_the_clusters_industry_associations_and_province_bodies():
    names = [e.name for e in choices_for(DIRECTORY, "陶瓷", "广东")]
    assert names == ["中国陶瓷工业协会", "佛山市轻工业协会", "广东省轻工业联合会"]
    assert [e.name for e in choices_for(DIRECTORY, "陶瓷", "广东省", kinds=("association",))] == ["中国陶瓷工业协会"]


@pytest.mark.parametrize("raw, code", [
    (["湖南省陶瓷协会"], "body_unknown"),
    (["中国旧协会"], "body_inactive"),
    (["中国造纸协会"], "body_not_serving"),
    (["江西省轻工业联合会"], "body_not_serving"),
    ([{"name": "中国陶瓷工业协会", "kind": "provincial"}], "body_kind_mismatch"),
])
def test_body_resolution_refuses_what_the_directory_does_not_allow(raw, code):
    assert code_of(resolve_bodies, DIRECTORY, raw, "陶瓷", "广东省") == code


@pytest.mark.parametrize("data, code", [
    ({"name": "", "kind": "association", "industries": ["陶瓷"]}, "body_name_missing"),
    ({"name": "某协会", "kind": "city"}, "body_kind_unknown"),
    ({"name": "某协会", "kind": "association"}, "body_industries_missing"),
    ({"name": "某联合会", "kind": "provincial"}, "body_province_missing"),
])
def test_body_entries_need_industries_or_a_province_by_kind(data, code):
    assert code_of(check_body_entry, data) == code


def test_body_entry_accepts_industries_as_text():
    e = check_body_entry({"name": "中国家具协会", "kind": "association", "industries": "家具、木制品"})
    assert e.industries == ("家具", "木制品") and e.active
