"""Program 2 in a real browser on the running service (``worker.py --demo --console``): the
demo association recommends a co-built cluster of its industry through the 推荐表 form; the
secretariat opens the candidate, sees the eligibility evidence computed from program 1's
records, and passes it through first review to the committee's vote."""

from __future__ import annotations

import pytest

from domain.demonstration.policy import DEMONSTRATION_2017 as P
from tests.e2e.browser import chromium_page, demo_log_in
from tests.e2e.test_console import ARTIFACTS, console_service  # noqa: F401

pytestmark = pytest.mark.e2e
ROUND = "demo-round"


def test_an_association_recommends_and_the_secretariat_passes_it_to_the_vote(console_service):  # noqa: F811
    url = console_service.url
    with chromium_page() as page:
        # the association: 我的待办 names the round; the 推荐表 is a form, no JSON
        demo_log_in(page, url, "association")
        page.click(f"#program-todo tr[data-key={ROUND}] a")
        page.click("#recommend-link")
        page.select_option("select[name=f_cluster_key]", "demo-liling")
        for name, value in (("f_form.applicant", "醴陵市人民政府"), ("f_form.address", "醴陵市政务中心"),
                            ("f_form.postcode", "412200"), ("f_form.contact", "陈明"),
                            ("f_form.mobile", "13800000000"), ("f_form.cluster_name", "醴陵陶瓷产业集群")):
            page.fill(f"input[name='{name}']", value)
        page.fill("textarea[name='f_form.results']", "建成国家日用陶瓷检测中心，研发投入占销售收入 3.8%")
        for ind in P.indicators:
            page.fill(f"input[name='f_ind.{ind.key}.value']", "12")
            if ind.with_share:
                page.fill(f"input[name='f_ind.{ind.key}.share']", "8.5")
        invalid = page.evaluate("Array.from(document.querySelectorAll('form[data-action=recommend] :invalid'))"
                                ".map(e => e.name)")
        assert invalid == [], invalid
        page.click("form[data-action=recommend] button[type=submit]")
        page.wait_for_url(f"**/demonstration/rounds/{ROUND}/candidates/demo-liling?done=recommend")
        assert "全国第 3 名" in page.inner_text("tr[data-condition=national_rank]")

        # the secretariat: the round's candidates with their eligibility, the evidence of each
        demo_log_in(page, url, "secretariat")
        page.goto(f"{url}/demonstration/rounds/{ROUND}")
        assert "不符合" in page.inner_text("#candidates tr[data-cluster=demo-ceramics]")
        page.click("#candidates tr[data-cluster=demo-liling] a")
        assert page.inner_text("tr[data-condition=title_valid] td:nth-child(3)") == "符合"
        assert "日志" in page.inner_text("#eligibility") or "集群记录" in page.inner_text("#eligibility")
        page.goto(f"{url}/demonstration/rounds/{ROUND}")
        page.fill("form[data-action=close_recommendation] textarea[name=f_reason]", "中国陶瓷工业协会已报送全部推荐")
        page.click("form[data-action=close_recommendation] button[type=submit]")
        page.wait_for_url("**?done=close_recommendation")
        for cluster, passed, reason in (("demo-liling", "yes", ""), ("demo-yixing", "yes", ""),
                                        ("demo-ceramics", "no", "复评申请逾期（评选办法 二、4）")):
            page.select_option("form[data-action=review] select[name=f_cluster_key]", cluster)
            page.select_option("form[data-action=review] select[name=f_passed]", passed)
            if reason:
                page.fill("form[data-action=review] textarea[name=f_reason]", reason)
            page.click("form[data-action=review] button[type=submit]")
            page.wait_for_url("**?done=review")
        page.click("form[data-action=complete_first_review] button[type=submit]")
        page.wait_for_url("**?done=complete_first_review")
        assert page.inner_text("#stage") == "审核委员会审核"
        # the vote sheet is ready: one row per cluster of the first-review list
        assert page.locator("form[data-action=record_vote] input[name='f_votes.0.cluster_key']").input_value() \
            in ("demo-liling", "demo-yixing")
        page.screenshot(path=str(ARTIFACTS / "demonstration-to-vote.png"), full_page=True)


def test_the_cli_lists_and_shows_rounds_and_refuses_a_bad_data_file_in_one_line(console_service, tmp_path):  # noqa: F811
    from tests.e2e.test_console import cli, token_for

    token = token_for(console_service, "secretariat")
    code, out, err = cli(console_service, "demo-round", "list", token=token)
    assert code == 0 and ROUND in out, err
    code, out, err = cli(console_service, "demo-round", "show", ROUND, "--evidence", token=token)
    assert code == 0 and "demo-ceramics" in out and "按时开展复评" in out, err
    data = tmp_path / "open.yaml"
    data.write_text("key: cli-round\nconference_on: 2099-06-01\nrecommendation_deadline: 2099-05-01\n"
                    "quotas: [{association: 中国陶瓷工业协会, quota: 9}]\n", encoding="utf-8")
    code, out, err = cli(console_service, "demo-round", "open", "--data", str(data), token=token)
    assert code == 2 and err.strip().startswith("错误 [quota_over_cap]") and len(err.strip().splitlines()) == 1
    data.write_text("key: cli-round\nconference_on: 2099-06-01\nrecommendation_deadline: 2099-05-01\nextra: 1\n",
                    encoding="utf-8")
    code, out, err = cli(console_service, "demo-round", "open", "--data", str(data), token=token)
    assert code == 2 and "[invalid_data]" in err and "Traceback" not in err
