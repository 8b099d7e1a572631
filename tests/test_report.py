"""`rota report` and `/board/report`: the day in pictures. A rehearsal on the rehearsal clock
(its stored webhooks for the keynote rooms and three team rooms, three check-ins at a door, a
few people following their link to the closing lecture, the jury's scores through their
pages) is reported by the CLI as an operator runs it; every table equals `/api/v1` and
`rota attendance`, every chart has its table and its CSV, and the charts are SVG with their
text as text."""

from __future__ import annotations

import asyncio
import csv
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.event.live import Live
from orchestrator.rehearsal.simulated_jury import judgements
from orchestrator.rehearsal.simulated_presence import due
from rooms.webhooks import jaas_signature
from schedules.evidence import Mark
from tests.support.app import AUTH, EXAMPLE, TOKEN
from tests.support.clock import start_so_that_now_is
from tests.support.standin_jitsi import JAAS_SECRET

ROTA = str(Path(sys.executable).parent / "rota")
# 12:13:30 of the example day: the six rounds, k1 and k2 are over (nobody is still
# connected: the report is the same a minute later), /go already sends people to the closing
# lecture (12:15, with the two minutes' lead), and the jury may still score (until 12:30)
NOW = 3 * 60 + 13.5
CHARTS = (
    "audience",
    "presence",
    "keynotes",
    "keynote-minutes",
    "countries",
    "institutions",
    "mixing",
    "jury",
    "scores",
    "mail",
)
UNSCORED = 2  # duties the test leaves unscored: the coverage chart shows them missing


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def number(text: str) -> float | None:
    return None if text == "" else float(text)


async def rota(*args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, [ROTA, *args], capture_output=True, text=True, timeout=120, check=False
    )


async def rehearse(serve, http: httpx.AsyncClient, redis_url: str) -> tuple[Any, Live]:
    running = await serve(
        redis_url=redis_url,
        env={"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET},
        speed=1.0,
        start_at=start_so_that_now_is(NOW, speed=1.0),
    )
    live = running.app[SERVICE].require_live()
    base = running.base_url
    wanted = {live.room_names[k.room] for k in live.plan.keynotes}
    wanted |= {live.room_names[t.room] for t in live.plan.teams[:3]}
    bodies = [
        b
        for b in due(live, live.timeline.starts - timedelta(hours=1), live.event_now())
        if any(b["fqn"].endswith(name) for name in wanted)
    ]
    assert bodies

    async def post(body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        posted = await http.post(
            f"{base}/webhooks/jaas",
            content=raw,
            headers={
                "Content-Type": "application/json",
                "X-Jaas-Signature": jaas_signature(JAAS_SECRET, raw, int(time.time())),
            },
        )
        assert posted.status_code == 200, posted.text

    for start in range(0, len(bodies), 25):
        await asyncio.gather(*(post(b) for b in bodies[start : start + 25]))
    closing = next(k for k in live.plan.keynotes if k.id == "closing")
    for person in closing.audience[:6]:  # they follow their link: presence "sent"
        went = await http.get(f"{base}/go/{live.token_of[person]}")
        assert went.status_code in (302, 303), went.text
    door = live.plan.round(2).rooms[0]  # three people scanned the code at its door
    for person in door.audience[:3]:
        mark = Mark("round-2", door.room, person, "checked-in", time.time())
        assert await running.app[STORE].mark(mark)
    scores = [j for j in judgements(live) if j.path == "scores"][UNSCORED:]
    for judgement in scores:
        posted = await http.post(
            f"{base}/p/{live.token_of[judgement.person]}/scores", json=judgement.body
        )
        assert posted.status_code == 200, posted.text
    return running, live


@asynccontextmanager
async def signed_in(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A board session (the report is drawn on request: a loaded machine needs a while)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        response = await client.post(
            "/board/login", data={"token": TOKEN}, headers={"Origin": base_url}
        )
        assert response.status_code == 303
        yield client


def moment(live: Live, hhmm: str) -> float:
    """A report's "HH:MM" (event zone) on the rehearsed day, as event-time seconds."""
    day = live.timeline.starts.astimezone(live.programme.event.tz)
    hours, minutes = map(int, hhmm.split(":"))
    return day.replace(hour=hours, minute=minutes, second=0, microsecond=0).timestamp()


def present_at(rows: list[dict[str, Any]], at: float) -> range:
    """How many people the API had in a keynote's room at `at` (one visit each in a
    rehearsal): its times are to the second, so a join or leave within that second of `at`
    may go either way; the range holds every count the rows allow."""
    spans = [
        (
            datetime.fromisoformat(r["first_join"]).timestamp(),
            datetime.fromisoformat(r["last_leave"]).timestamp(),
        )
        for r in rows
        if r["first_join"]
    ]
    surely = sum(1 for start, end in spans if start + 1 <= at < end)
    maybe = sum(1 for start, end in spans if start <= at < end + 1)
    return range(surely, maybe + 1)


async def test_rota_report_on_a_rehearsed_day_says_what_the_api_says(
    serve, http, redis_url, tmp_path
) -> None:
    running, live = await rehearse(serve, http, redis_url)
    base = running.base_url
    rounds = {
        n: (await http.get(f"{base}/api/v1/rounds/{n}/attendance", headers=AUTH)).json()
        for n in range(1, len(live.plan.rounds) + 1)
    }  # (the API flushes this process's clicks to the store first)
    keynotes = {
        k.id: (await http.get(f"{base}/api/v1/keynotes/{k.id}/attendance", headers=AUTH)).json()
        for k in live.plan.keynotes
    }
    results = (await http.get(f"{base}/api/v1/results", headers=AUTH)).json()
    out = tmp_path / "report"

    async def on_the_board() -> httpx.Response:
        async with signed_in(base) as board:
            return await board.get("/board/report")

    done, told, shown = await asyncio.gather(  # the board draws while the CLI runs
        rota("report", str(EXAMPLE), "--redis", redis_url, "--out", str(out)),
        rota(
            "attendance", str(EXAMPLE), "--keynote", "k1", "--format", "json", "--redis", redis_url
        ),
        on_the_board(),
    )
    assert done.returncode == 0, done.stderr
    assert told.returncode == 0, told.stderr

    # the files: a page, and per chart its SVG and CSV, linked from its section with its table
    page = (out / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<section id="([^"]+)">', page) == list(CHARTS)
    for chart in CHARTS:
        section = page.split(f'<section id="{chart}">')[1].split("</section>")[0]
        assert f'href="{chart}.csv"' in section and f'<table data-chart="{chart}">' in section
        assert "<svg" in section and "<image" not in section  # vector, no picture
        svg = (out / f"{chart}.svg").read_text(encoding="utf-8")
        assert "<text" in svg and "<image" not in svg  # its words are text, not an image
        rows = read_csv(out / f"{chart}.csv")
        assert section.count("<tr>") == len(rows) + 1  # the table is the CSV, row for row
    if shutil.which("chromium"):
        assert (out / "index.pdf").read_bytes().startswith(b"%PDF")
    assert "index.html" in done.stdout
    assert "The day so far" in page and "The day so far" in done.stderr  # 12:13, not 13:30

    # audience per room and round = the API's people seen in the room
    names = {live.programme.room_name(t.room): t.room for t in live.plan.teams}
    audience = read_csv(out / "audience.csv")
    for n, api in rounds.items():
        seen = Counter(
            r["room"]
            for r in api["rows"]
            if r["role"] == "audience" and r["status"] in ("in-room", "partial")
        )
        mine = {names[r["room"]]: int(r["seen"]) for r in audience if r["round"] == str(n)}
        assert mine == {s.room: seen[s.room] for s in live.plan.round(n).rooms}
    assert sum(int(r["seen"]) for r in audience) > 0

    # presence through the day: during each round, the sources' counts in a room are the
    # API's rooms[].presence; during a keynote the webhook line is who the API had there
    presence = read_csv(out / "presence.csv")
    by_name = {live.programme.room_name(r): r for r in live.room_names}
    for n, api in rounds.items():
        counts = {r["room"]: r["presence"]["counts"] for r in api["rooms"]}
        inside = [r for r in presence if r["slot"] == f"Round {n}"]
        assert inside
        for row in inside:
            for source in ("checked-in", "confirmed", "sent"):
                assert int(row[source]) == counts[by_name[row["room"]]][source], row
    for keynote in live.plan.keynotes:
        title = live.programme.keynote_by_id[keynote.id].title
        rows = keynotes[keynote.id]["rows"]
        inside = [r for r in presence if r["slot"] == title]
        assert inside
        for row in inside:
            assert int(row["webhook"]) in present_at(rows, moment(live, row["time"])), row
    door = live.programme.room_name(live.plan.round(2).rooms[0].room)
    assert {r["checked-in"] for r in presence if (r["slot"], r["room"]) == ("Round 2", door)} == {
        "3"
    }
    closing = [r for r in presence if r["slot"] == live.programme.keynote_by_id["closing"].title]
    sent = keynotes["closing"]["presence"]["counts"]["sent"]
    assert sent == 6 and all(int(r["sent"]) == sent for r in closing)

    # each keynote minute by minute: the people the API had in its room then
    minutes = read_csv(out / "keynote-minutes.csv")
    for keynote in live.plan.keynotes:
        title = live.programme.keynote_by_id[keynote.id].title
        its_minutes = [r for r in minutes if r["keynote"] == title]
        start = live.timeline.keynote(keynote.id).start.timestamp()  # type: ignore[union-attr]
        assert [int(r["minute"]) for r in its_minutes] == list(range(len(its_minutes)))
        for row in its_minutes:
            expected = present_at(keynotes[keynote.id]["rows"], start + 60 * int(row["minute"]))
            assert int(row["present"]) in expected, row
        assert keynote.id not in ("k1", "k2") or max(int(r["present"]) for r in its_minutes) > 0

    # keynote attendance = `rota attendance` (and the API)
    by_title = {r["keynote"]: r for r in read_csv(out / "keynotes.csv")}
    for keynote in live.plan.keynotes:
        row = by_title[live.programme.keynote_by_id[keynote.id].title]
        api = keynotes[keynote.id]["rows"]
        assert int(row["attended"]) == sum(1 for r in api if r["status"] == "attended")
        assert int(row["expected"]) == sum(1 for r in api if r["expected"])
    cli = json.loads(told.stdout)["rows"]
    k1 = by_title[live.programme.keynote_by_id["k1"].title]
    assert int(k1["attended"]) == sum(1 for r in cli if r["status"] == "attended") > 0

    # the jury: coverage and the corrected scores with their intervals = /api/v1/results
    teams = {t["name"]: t for t in results["teams"]}
    jury = read_csv(out / "jury.csv")
    assert {r["team"]: int(r["scores"]) for r in jury} == {n: t["scores"] for n, t in teams.items()}
    assert sum(int(r["missing"]) for r in jury) == UNSCORED
    scored = read_csv(out / "scores.csv")
    assert [r["team"] for r in scored] == [t["name"] for t in results["teams"]]
    for row in scored:
        team = teams[row["team"]]
        assert number(row["rank"]) == team["rank"]
        assert [number(row["rank low"]), number(row["rank high"])] == team["rank_interval"]
        assert number(row["corrected total"]) == team["corrected_total"]
        assert number(row["raw total"]) == team["raw_total"]

    countries = {r["country"]: int(r["participants"]) for r in read_csv(out / "countries.csv")}
    assert countries == dict(
        Counter(p.country or "(not given)" for p in live.programme.participants)
    )

    # the board serves the same page, its charts inline, each CSV the CLI's file
    async with signed_in(base) as board:
        assert shown.status_code == 200
        assert "script-src" not in shown.headers["Content-Security-Policy"]  # no script runs
        assert re.findall(r'<section id="([^"]+)">', shown.text) == list(CHARTS)
        assert shown.text.count("<svg") == len(CHARTS)
        for chart in CHARTS:
            assert f'href="/board/report/{chart}.csv"' in shown.text
            got = await board.get(f"/board/report/{chart}.csv")
            assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/csv")
            assert got.content == (out / f"{chart}.csv").read_bytes(), chart
        missing = await board.get("/board/report/nothing.csv")
        assert missing.status_code == 404 and "audience" in missing.text


async def test_after_the_day_the_board_links_the_report_behind_its_login(
    serve, http, redis_url
) -> None:
    running = await serve(
        redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(5 * 60, speed=1.0)
    )
    base = running.base_url
    assert 'name="token"' in (await http.get(f"{base}/board/report")).text  # the login form
    assert (await http.get(f"{base}/board/report/audience.csv")).status_code == 401
    async with signed_in(base) as board:
        assert 'href="/board/report"' in (await board.get("/board")).text


async def test_before_the_day_ends_the_board_does_not_link_the_report(serve, redis_url) -> None:
    running = await serve(
        redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(30, speed=1.0)
    )
    async with signed_in(running.base_url) as board:
        page = (await board.get("/board")).text
        assert 'id="clock-title"' in page and "/board/report" not in page


def test_a_name_is_drawn_and_tabled_as_typed_never_run() -> None:
    """A team named like markup, mathtext or a formula: escaped in the SVG and the table,
    its dollars kept (no mathtext), text in the CSV."""
    from orchestrator.views import report_charts
    from orchestrator.views.report_page import Chart, chart_csv, page

    name = "=1+1 <script>x</script> $5 for $5"
    svg = report_charts.bars([name], [("people", [3], report_charts.PURPLE)], "people")
    assert "<script>" not in svg and "&lt;script&gt;x" in svg and "$5 for $5" in svg
    odd = r"Costs: $\frac$ and $x^$"  # mathtext would refuse it and break the report
    assert odd in report_charts.keynote_lines([(odd, [0, 1], [2, 3])])
    chart = Chart("t", "T", "c", ("team", "people"), ((name, 3),), svg)
    assert "<script>" not in page("<b>Day</b>", [chart])
    assert list(csv.reader(chart_csv(chart).splitlines()))[1] == ["'" + name, "3"]
