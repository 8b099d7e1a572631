"""`rota report`: the day in pictures. A rehearsal's stored webhooks (a keynote's and round
1's) give the charts; their tables equal `/api/v1` and `rota attendance`; the charts are SVG
with their text as text."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.rehearsal.simulated_presence import due
from orchestrator.views import day_report as report
from orchestrator.views import report_page
from rooms.webhooks import jaas_signature
from tests.conftest import AUTH
from tests.test_participant_browser import start_so_that_now_is

SECRET = "whsec_9635df66714a4cf088ee9d0979dd3bf6"
ROTA = str(Path(sys.executable).parent / "rota")


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


async def test_the_report_says_what_the_api_says(serve, http, redis_url, tmp_path) -> None:
    running = await serve(
        redis_url=redis_url,
        env={"ROTA_JAAS_WEBHOOK_SECRET": SECRET},
        speed=1.0,
        start_at=start_so_that_now_is(6 * 30 + 5, speed=1.0),
    )
    live = running.app[SERVICE].require_live()
    base = running.base_url
    wanted = {live.room_names[k.room] for k in live.programme.keynotes[:1]}
    wanted |= {live.room_names[s.room] for s in live.plan.round(1).rooms[:2]}
    bodies = [
        b
        for b in due(live, live.timeline.starts.replace(year=2000), live.event_now())
        if any(b["fqn"].endswith(name) for name in wanted)
    ]
    assert bodies
    for body in bodies:
        raw = json.dumps(body).encode()
        posted = await http.post(
            f"{base}/webhooks/jaas",
            content=raw,
            headers={
                "Content-Type": "application/json",
                "X-Jaas-Signature": jaas_signature(SECRET, raw, int(time.time())),
            },
        )
        assert posted.status_code == 200, posted.text
    out = tmp_path / "report"
    charts = await report.gather(live, running.app[STORE])
    report_page.write(live.programme.event.title, charts, out)
    page = (out / "index.html").read_text(encoding="utf-8")
    for chart in ("audience", "keynotes", "countries", "institutions", "mixing", "mail"):
        assert f'<section id="{chart}">' in page and (out / f"{chart}.csv").exists()
        svg = (out / f"{chart}.svg").read_text(encoding="utf-8")
        assert "<text" in svg  # labels are text, not an image of text
        assert "<image" not in svg

    # round 1 per room: the report's "seen" is the API's people in the room
    api = (await http.get(f"{base}/api/v1/rounds/1/attendance", headers=AUTH)).json()
    seen = Counter(
        r["room"]
        for r in api["rows"]
        if r["role"] == "audience" and r["status"] in ("in-room", "partial")
    )
    names = {live.programme.room_name(s.room): s.room for s in live.plan.round(1).rooms}
    rows = [r for r in read_csv(out / "audience.csv") if r["round"] == "1"]
    assert {names[r["room"]]: int(r["seen"]) for r in rows} == {
        s.room: seen[s.room] for s in live.plan.round(1).rooms
    }
    assert sum(int(r["seen"]) for r in rows) > 0

    # the keynote's attended count is `rota attendance`'s
    keynote = live.programme.keynotes[0]
    told = await http.get(f"{base}/api/v1/keynotes/{keynote.id}/attendance", headers=AUTH)
    attended = sum(1 for r in told.json()["rows"] if r["status"] == "attended")
    [row] = [r for r in read_csv(out / "keynotes.csv") if r["keynote"] == keynote.title]
    assert int(row["attended"]) == attended > 0

    countries = {r["country"]: int(r["participants"]) for r in read_csv(out / "countries.csv")}
    assert countries == dict(
        Counter(p.country or "(not given)" for p in live.programme.participants)
    )
