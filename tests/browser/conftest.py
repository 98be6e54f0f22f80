"""Playwright fixtures: Debian's Chromium against pytest-django's live server, recording every request."""
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Sync Playwright runs an event loop in this thread; the ORM calls made by fixtures are still
# plain synchronous code, which Django would otherwise refuse next to a running loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def _plain_http_live_server():
    """The live server speaks plain http: its SecurityMiddleware, built when the server starts,
    must not redirect to https (the production default when DEBUG is off)."""
    from django.conf import settings

    saved = settings.SECURE_SSL_REDIRECT
    settings.SECURE_SSL_REDIRECT = False
    yield
    settings.SECURE_SSL_REDIRECT = saved


# Module scope, not session: sync Playwright keeps an event loop running while it is open, and
# a later test module that starts its own sync_playwright() would fail inside that loop.
@pytest.fixture(scope="module")
def browser(_plain_http_live_server):
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


def save_screenshot(page, path, *, full_page=True):
    """Save a screenshot for people to look at (tests/artifacts/). It asserts nothing, so a slow
    machine must not fail a test here: Chromium's full-page capture has been seen to stall past
    30 s on a loaded 2-core machine, and then the visible part is kept instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.screenshot(path=str(path), full_page=full_page, animations="disabled", timeout=60_000)
    except PlaywrightTimeout:
        page.screenshot(path=str(path), animations="disabled", timeout=60_000)


class Requests(list):
    """Every URL the page asked for; requests to other hosts are aborted and kept here."""

    def foreign(self):
        return [url for url in self if urlsplit(url).hostname not in LOCAL_HOSTS
                and not url.startswith(("data:", "blob:", "about:"))]


@pytest.fixture
def page(browser, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    requests = Requests()

    def route(route):
        url = route.request.url
        requests.append(url)
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.requests = requests
    yield page
    context.close()
