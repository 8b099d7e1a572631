"""Real browsers for the page tests: Debian's Chromium driven by Playwright, a stand-in for
Jitsi's external_api.js served on loopback, axe-core from npm for accessibility.

Without Chromium a browser test skips on a developer's machine (with the command that
installs it) and fails in CI, where `.ci/run` installs it."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.support.app import TOKEN

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
]


def chromium_path() -> str:
    found = os.environ.get("ROTA_CHROMIUM") or shutil.which("chromium") or ""
    if found and Path(found).exists():
        return found
    message = "Chromium not found: apt-get install chromium (or set ROTA_CHROMIUM)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_axe() -> Path:
    if not AXE.exists():
        message = "axe-core missing: npm ci --prefix tests/browser (make test does this)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    path = chromium_path()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical violations found by axe-core in the page as it is now."""
    # evaluated through the DevTools protocol: the page's own CSP (which refuses inline
    # scripts, as it should) stays on
    source = require_axe().read_text(encoding="utf-8")
    await page.evaluate(f"() => {{ {source}\n window.__axe = axe; }}")
    result = await page.evaluate("async () => (await window.__axe.run(document)).violations")
    return [v for v in result if v.get("impact") in ("serious", "critical")]


def describe_violations(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['id']}: {node['target']} {node.get('failureSummary', '')}"
        for v in violations
        for node in v["nodes"]
    ]


@asynccontextmanager
async def jitsi_standin() -> AsyncIterator[str]:
    """Serves the stand-in external_api.js; yields its host:port (the programme's domain)."""
    from tests.support.app import free_port

    script = (FIXTURES / "jitsi" / "external_api.js").read_text(encoding="utf-8")

    async def external_api(request: web.Request) -> web.Response:
        return web.Response(text=script, content_type="application/javascript")

    app = web.Application()
    app.router.add_get("/external_api.js", external_api)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def calls(page) -> list[dict]:
    return await page.evaluate("() => window.__jitsi || []")


async def new_calls(page, count: int = 1) -> list[dict] | None:
    found = [c for c in await calls(page) if c["call"] == "new"]
    return found if len(found) >= count else None


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


async def log_in(page, base_url: str) -> None:
    await page.goto(f"{base_url}/board")
    await page.fill("#token", TOKEN)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base_url}/board")
    await page.locator("#status.live").wait_for(timeout=10_000)
