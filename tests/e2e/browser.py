"""What the programs' browser tests share: a Chromium page (skipped with the reason where
Playwright or Debian's chromium is missing) and signing in as a demo user."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.e2e.test_console import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS


@contextmanager
def chromium_page(height: int = 1400) -> Iterator:
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need Debian's chromium "
                    f"(`apt-get install -y chromium`, which .ci/run does when it can)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": height}, locale="zh-CN")
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def demo_log_in(page, url: str, username: str) -> None:
    """Sign in as a demo user (password ``<username>-demo``) and land on 我的待办."""
    page.context.clear_cookies()
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/todo")
