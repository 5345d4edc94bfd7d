"""The 登记集群 page in a real browser (issue 10): the secretariat takes a cluster into
cultivation and onboards an existing title through form fields — selects, date pickers,
numbers, no JSON — and both lifecycles start."""

from __future__ import annotations

from datetime import date

import pytest

from tests.e2e.browser import chromium_page, demo_log_in
from tests.e2e.test_console import ARTIFACTS, console_service  # noqa: F401

pytestmark = pytest.mark.e2e


def test_the_secretariat_registers_and_onboards_through_the_form_in_a_real_browser(console_service):  # noqa: F811
    with chromium_page() as page:
        demo_log_in(page, console_service.url, "secretariat")
        page.click("header nav >> text=登记集群")
        assert page.locator("textarea[name^=f__json], textarea.json").count() == 0

        page.select_option("select[name=kind]", "cultivation")
        assert page.locator("fieldset[data-kind=onboarding]").is_hidden()
        page.fill("input[name='cluster.key']", "browser-cult")
        page.fill("input[name='cluster.industry']", "制笔")
        page.fill("input[name='cluster.product']", "制笔")
        page.select_option("select[name='cluster.tier']", "town")
        page.fill("input[name='cluster.title_word']", "镇")
        page.fill("input[name='cluster.region.province']", "浙江省")
        page.fill("input[name='cluster.region.county']", "分水镇")
        page.fill("input[name='cluster.region.code']", "330122")
        page.fill("input[name='planned_years']", "2")
        page.click("form.register button[type=submit]")
        page.wait_for_url("**/clusters/browser-cult")
        assert page.inner_text("#stage") == "培育期"

        page.goto(f"{console_service.url}/register")
        page.select_option("select[name=kind]", "onboarding")
        page.fill("input[name='cluster.key']", "browser-onb")
        page.fill("input[name='cluster.industry']", "眼镜")
        page.fill("input[name='cluster.product']", "眼镜")
        page.select_option("select[name='cluster.tier']", "capital")
        page.fill("input[name='cluster.region.province']", "广东省")
        page.fill("input[name='cluster.region.city']", "深圳市")
        page.fill("input[name='cluster.region.county']", "龙岗区")
        page.fill("input[name='cluster.region.code']", "440307")
        page.fill("input[name='cluster.region.name']", "深圳")
        page.fill("input[name=conferred_on]", date(date.today().year - 2, 6, 1).isoformat())
        page.fill("input[name=document_number]", "中轻联综合〔2024〕6号")
        page.fill("input[name='evaluation.value']", "320")
        page.fill("input[name='evaluation.national_rank']", "1")
        invalid = page.evaluate("Array.from(document.querySelectorAll('form.register :invalid')).map(e => e.name)")
        assert invalid == [], invalid
        page.click("form.register button[type=submit]")
        page.wait_for_url("**/clusters/browser-onb")
        assert page.inner_text("#stage") == "授名有效"
        # after the click: a full-page screenshot resizes the viewport and a click right after it can miss
        page.screenshot(path=str(ARTIFACTS / "console-onboarded.png"), full_page=True)
