"""Program 4 in a real browser over ``worker.py --demo --console`` (issue 13): the provincial
department recommends a sealed pilot through its page's form, and the MIIT reviewer records the
material-review scores of the pilot in material review — real form fields, no JSON."""

from __future__ import annotations

import pytest

from tests.e2e.browser import chromium_page, demo_log_in
from tests.e2e.test_console import ARTIFACTS, console_service  # noqa: F401

pytestmark = pytest.mark.e2e


def test_the_province_recommends_and_the_miit_records_material_scores_in_a_real_browser(console_service):  # noqa: F811
    url = console_service.url
    with chromium_page() as page:
        demo_log_in(page, url, "province-dept")
        page.click("#program-todo tr[data-key=demo-brand-tea] a")  # 我的待办 → the pilot's form
        page.wait_for_url("**/brand/pilots/demo-brand-tea*")
        form = page.locator("form[data-action=recommend]")
        assert form.locator("textarea, input").count() >= 2 and page.locator("textarea.json").count() == 0
        form.locator("textarea[name=f_opinion]").fill("经审查，同意推荐该单位申报产业集群区域品牌建设试点。")
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/brand/pilots/demo-brand-tea?done=recommend")
        assert "省级已推荐" in page.inner_text("#stage")
        page.screenshot(path=str(ARTIFACTS / "brand-recommended.png"), full_page=True)

        demo_log_in(page, url, "miit")
        page.goto(f"{url}/brand/pilots/demo-brand-furniture")
        form = page.locator("form[data-action=record_material_review]")
        scores = {"work_items": "36", "safeguards": "18", "brand_mechanism": "17.5", "brand_influence": "9",
                  "demonstration": "9"}
        for name, value in scores.items():
            form.locator(f"input[name='f_scores.{name}']").fill(value)
        assert form.locator("input[name='f_scores.work_items']").get_attribute("max") == "40"
        form.locator("textarea[name=f_remarks]").fill("材料齐全，工作项目完成较好。")
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/brand/pilots/demo-brand-furniture?done=record_material_review")
        assert "资料评审 89.5 分" in page.inner_text("#review")
        assert "资料评审 总分 89.5" in page.inner_text("#timeline")
        page.screenshot(path=str(ARTIFACTS / "brand-material-review.png"), full_page=True)
