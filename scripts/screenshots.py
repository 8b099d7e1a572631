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
TOKEN = "screenshot-organiser-token"
SPEED = 20.0
PLACEHOLDER = """
window.JitsiMeetExternalAPI = function (domain, options) {
  var box = document.createElement("div");
  box.style.cssText = "display:flex;align-items:center;justify-content:center;height:100%;" +
    "color:#fff;font:600 1.1rem system-ui;background:linear-gradient(135deg,#1b2a3a,#2f4858)";
  box.textContent = "Jitsi conference: " + options.roomName;
  options.parentNode.appendChild(box);
  this.addListener = function () {};
  this.executeCommand = function () {};
  this.dispose = function () { box.remove(); };
};
"""


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
        # 09:26 event time: round 1 near its end, the move countdown about to show
        start = datetime.now(UTC) - timedelta(minutes=26) / SPEED
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
            audience = next(  # someone who changes rooms after round 1: the banner shows
                p
                for p in live.programme.participants
                if p.role == "audience"
                and len({pl.room for pl in live.days[p.id] if pl.round in (1, 2)}) == 2
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
                await asyncio.sleep(2.5)  # the simulated people are in their rooms
                await board.screenshot(path=str(out / "board.png"), full_page=False)
                page = await browser.new_page(viewport={"width": 900, "height": 1100})
                await page.goto(f"{base}/p/{live.token_of[audience.id]}")
                await page.locator("#moving").wait_for(state="visible", timeout=60_000)
                await page.screenshot(path=str(out / "participant.png"), full_page=False)
                await browser.close()
        finally:
            await runner.cleanup()
            await jitsi.cleanup()
    for name in ("board.png", "participant.png"):
        print(out / name)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    target.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(target))
