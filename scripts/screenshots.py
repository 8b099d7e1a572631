"""`make screenshots`: pictures of the board and a participant page for the README, taken
from a real rehearsal of the bundled example (simulated people in the rooms) in Debian's
Chromium. The video area shows a placeholder: there is no Jitsi here to embed."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from playwright.async_api import async_playwright

from orchestrator.app import create_app
from orchestrator.appkeys import SERVICE
from orchestrator.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "screenshot-7Hq2Vx9Lm4Pz8Kt"
SPEED = 20.0
PLACEHOLDER = """
window.JitsiMeetExternalAPI = function (domain, options) {
  var box = document.createElement("div");
  box.style.cssText = "display:flex;align-items:center;justify-content:center;height:100%;" +
    "color:#fff;font:600 1.1rem system-ui;background:linear-gradient(135deg,#1b2a3a,#2f4858)";
  box.textContent = "Jitsi conference: " + options.roomName;
  options.parentNode.appendChild(box);
  var listeners = {};
  this.addListener = function (event, fn) { (listeners[event] = listeners[event] || []).push(fn); };
  this.executeCommand = function (command) {
    if (command === "hangup") {
      (listeners.readyToClose || []).forEach(function (fn) { setTimeout(fn, 50); });
    }
  };
  this.dispose = function () { box.remove(); };
};
"""


async def act(board, form: str, field: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Fill a board control, submit it and confirm, as an organiser would."""
    await board.fill(field, value)
    await board.click(f"{form} button[type=submit]")
    await board.click("#confirm-ok")
    await board.locator("#action-result", has_text="Done.").wait_for(timeout=10_000)
    await board.locator("#action-result").evaluate("node => { node.textContent = ''; }")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def placeholder_jitsi() -> tuple[web.AppRunner, str]:
    async def script(request: web.Request) -> web.Response:
        return web.Response(text=PLACEHOLDER, content_type="application/javascript")

    app = web.Application()
    app.router.add_get("/external_api.js", script)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"127.0.0.1:{port}"


def example(folder: Path, domain: str) -> Path:
    source = ROOT / "examples" / "bip-2025"
    toml = (source / "programme.toml").read_text(encoding="utf-8")
    toml = re.sub(
        r"\[jitsi\]\n(?:[^\[\n].*\n)*", f'[jitsi]\ndomain = "{domain}"\nscheme = "http"\n\n', toml
    )
    (folder / "programme.toml").write_text(toml, encoding="utf-8")
    shutil.copy(source / "roster.csv", folder / "roster.csv")
    return folder / "programme.toml"


async def main(out: Path) -> None:
    jitsi, domain = await placeholder_jitsi()
    with tempfile.TemporaryDirectory() as folder:
        programme = example(Path(folder), domain)
        port = free_port()
        # 09:20 event time: round 1 runs; the board then delays what follows by 10 minutes
        start = datetime.now(UTC) - timedelta(minutes=20) / SPEED
        settings = Settings.build(
            programme,
            {"ROTA_ORGANISER_TOKEN": TOKEN, "ROTA_JAAS_WEBHOOK_SECRET": "whsec_screenshots"},
            port=port,
            data_dir=Path(folder) / "var",
            speed=SPEED,
            start_at=start.isoformat(),
            simulate_presence=True,
        )
        app = create_app(settings)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        base = settings.base_url
        try:
            live = app[SERVICE].require_live()
            audience = next(  # someone who changes rooms after round 2: the banner shows
                p
                for p in live.programme.participants
                if p.role == "audience"
                and len({pl.room for pl in live.days[p.id] if pl.round in (2, 3)}) == 2
                and all(pl.kind == "room" for pl in live.days[p.id] if pl.round in (2, 3))
            )
            chromium = shutil.which("chromium") or "/usr/bin/chromium"
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=chromium,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                board = await browser.new_page(viewport={"width": 1440, "height": 1100})
                await board.goto(f"{base}/board")
                await board.fill("#token", TOKEN)
                await board.click("button[type=submit]")
                await board.locator("#status.live").wait_for()
                # what an organiser does on an ordinary day, from the board: a delay before
                # round 2 (a break on the strip) and a broadcast (in the journal and on pages)
                await act(board, "#form-delay", "#delay-minutes", "10")
                await act(
                    board,
                    "#form-broadcast",
                    "#broadcast-message",
                    "Round 2 starts 10 minutes later: coffee first!",
                )
                await asyncio.sleep(2.5)  # the simulated people are in their rooms
                await board.evaluate("() => window.scrollTo(0, 0)")
                await board.screenshot(path=str(out / "board.png"), full_page=False)
                await board.locator("section.day").screenshot(path=str(out / "strip.png"))
                page = await browser.new_page(viewport={"width": 900, "height": 1100})
                await page.goto(f"{base}/p/{live.token_of[audience.id]}")
                # round 2 (after the break), near its end: the countdown to round 3
                await page.locator("body[data-room]").wait_for()
                await page.locator("#stay").wait_for(state="visible", timeout=240_000)
                await page.screenshot(path=str(out / "participant.png"), full_page=False)
                await browser.close()
        finally:
            await runner.cleanup()
            await jitsi.cleanup()
    for name in ("board.png", "strip.png", "participant.png"):
        print(out / name)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    target.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(target))
