"""Real-browser tests: one Chromium per test class, driven through Playwright's sync API.

Chromium is a local peer like PostgreSQL: the tests skip without it on a laptop, and fail in CI
(where ``CI`` is set) so that a missing browser never passes silently.
"""

from __future__ import annotations

import os
import unittest
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache
from django.templatetags.static import static
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_AXE_RUN = """
async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160)})),
    }));
}
"""


def chromium_path() -> Path:
    return Path(os.environ.get("BYGDEBAS_CHROMIUM") or DEFAULT_CHROMIUM)


def run_axe(page: Page) -> list[dict[str, Any]]:
    """The page's WCAG 2.1 A/AA violations found by the vendored axe-core."""
    # The CSP allows only same-origin scripts, so axe is loaded from the live server's static
    # files rather than injected inline.
    parts = urlsplit(page.url)
    page.add_script_tag(url=f"{parts.scheme}://{parts.netloc}{static('vendor/axe/axe.min.js')}")
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def format_violations(violations: list[dict[str, Any]], *, where: str = "") -> str:
    """One readable block per violated rule, with the selectors of the offending nodes."""
    lines = [f"axe found {len(violations)} violated rule(s){f' on {where}' if where else ''}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}  {node['html']}" for node in violation["nodes"])
    return "\n".join(lines)


class BrowserTestCase(StaticLiveServerTestCase):
    """A live server plus one Chromium per class, and a fresh context and page per test."""

    playwright: ClassVar[Playwright]
    browser: ClassVar[Browser]
    context: BrowserContext
    page: Page
    #: Per-test context options; a Swedish browser unless a test says otherwise.
    context_options: ClassVar[dict[str, Any]] = {
        "locale": "sv-SE",
        "timezone_id": "Europe/Stockholm",
    }
    _previous_async_unsafe: ClassVar[str | None]

    @classmethod
    def setUpClass(cls) -> None:
        executable = chromium_path()
        if not executable.exists():
            if os.environ.get("CI"):
                raise RuntimeError(
                    f"Chromium is required in CI: apt-get install chromium (not found at {executable})"
                )
            raise unittest.SkipTest(
                f"Chromium not found at {executable}; install it (apt-get install chromium) "
                "or point BYGDEBAS_CHROMIUM at it"
            )
        # Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls
        # from a thread with a running loop unless told otherwise.
        cls._previous_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        try:
            cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(
                executable_path=str(executable), args=CHROMIUM_ARGS, headless=True
            )
        except BaseException:
            cls._stop_browser()
            super().tearDownClass()
            cls._restore_environment()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls._stop_browser()
        super().tearDownClass()
        cls._restore_environment()

    @classmethod
    def _stop_browser(cls) -> None:
        if getattr(cls, "browser", None) is not None:
            cls.browser.close()
            del cls.browser
        if getattr(cls, "playwright", None) is not None:
            cls.playwright.stop()
            del cls.playwright

    @classmethod
    def _restore_environment(cls) -> None:
        if cls._previous_async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls._previous_async_unsafe

    def setUp(self) -> None:
        super().setUp()
        # The rate limits count per client address, and every test comes from 127.0.0.1.
        cache.clear()
        self.context = self.new_context()
        self.page = self.context.new_page()

    def new_context(self, **options: Any) -> BrowserContext:
        """A fresh browser profile (cookies, storage), closed when the test ends."""
        context = self.browser.new_context(**{**self.context_options, **options})
        context.set_default_timeout(10_000)
        self.addCleanup(context.close)
        return context

    def url(self, path: str) -> str:
        return f"{self.live_server_url}{path}"

    def assert_accessible(self, page: Page | None = None, *, where: str = "") -> None:
        page = page or self.page
        violations = run_axe(page)
        if violations:
            self.fail(format_violations(violations, where=where or page.url))
