"""Scores and ratings over real HTTP into a real Redis: the juror's submissions and every
refusal (nothing stored), the audit trail, results, awards and the board's scoring panel."""

from __future__ import annotations

import json

import pytest

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.event.live import Live
from orchestrator.scoring.jury import windows
from orchestrator.storage.score_store import ScoreStore
from schedules.scoring import Feedback
from tests.support.app import AUTH, board_client
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.live import GOOD, juror_in_round


async def _start(serve, redis_url: str, minutes_after_nine: float):
    running = await serve(
        redis_url=redis_url, speed=1.0, start_at=start_so_that_now_is(minutes_after_nine, speed=1.0)
    )
    live = running.app[SERVICE].require_live()
    return running, live


async def _stored(running) -> int:
    store = running.app[STORE]
    return int(await store.redis.hlen(store.keys.scores))


async def test_a_juror_scores_and_a_later_score_replaces_the_first(serve, http, redis_url) -> None:
    running, live = await _start(serve, redis_url, 10)
    juror, team, _ = juror_in_round(live, 1)
    url = f"{running.base_url}/p/{live.token_of[juror]}/scores"
    first = await http.post(url, json={"team": team, "scores": GOOD, "comment": "Clear"})
    assert first.status_code == 200, first.text
    second = await http.post(
        url, json={"team": team, "scores": {**GOOD, "impact": 2}, "comment": "<b>bold</b>"}
    )
    assert second.status_code == 200
    store = running.app[STORE]
    kept = json.loads(await store.redis.hget(store.keys.scores, f"{juror}|{team}"))
    assert kept["values"]["impact"] == 2 and kept["comment"] == "<b>bold</b>"
    audit = [e for _, e in await store.redis.xrange(store.keys.audit) if e[b"kind"] == b"score"]
    assert [json.loads(e[b"data"])["values"]["impact"] for e in audit] == [4, 2]
    state = (await http.get(url)).json()
    row = next(r for r in state["teams"] if r["team"] == team)
    assert row["state"] == "now" and row["saved"]["values"]["impact"] == 2
    assert state["labels"]["save"]


def _refusals(live: Live) -> list[tuple[str, dict, int, str]]:
    juror, team, later = juror_in_round(live, 1)
    audience = next(p.id for p in live.programme.participants if p.role == "audience")
    mine = {w.duty.team for w in windows(live, juror)}
    stranger = next(t.id for t in live.programme.teams if t.id not in mine)
    return [
        (audience, {"team": team, "scores": GOOD}, 403, "only jury members"),
        (juror, {"team": stranger, "scores": GOOD}, 403, "not one the plan gives you"),
        (juror, {"team": "no-such-team", "scores": GOOD}, 404, "unknown team"),
        (juror, {"team": team, "scores": {**GOOD, "impact": 9}}, 400, "between 1 and 5"),
        (juror, {"team": team, "scores": {"impact": 3}}, 400, "missing a score"),
        (juror, {"team": team, "scores": GOOD, "comment": "x" * 2001}, 400, "limited to 2000"),
        (juror, {"team": later, "scores": GOOD}, 409, "not before"),
    ]


@pytest.mark.parametrize("case", range(7))
async def test_refusals_store_nothing(serve, http, redis_url, case: int) -> None:
    running, live = await _start(serve, redis_url, 10)
    who, body, status, message = _refusals(live)[case]
    response = await http.post(f"{running.base_url}/p/{live.token_of[who]}/scores", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]
    assert await _stored(running) == 0


async def test_not_json_and_unknown_links_are_refused(serve, http, redis_url) -> None:
    running, live = await _start(serve, redis_url, 10)
    juror, team, _ = juror_in_round(live, 1)
    url = f"{running.base_url}/p/{live.token_of[juror]}/scores"
    form = await http.post(url, data={"team": team})
    assert form.status_code == 415
    unknown = await http.post(f"{running.base_url}/p/nobody/scores", json={"team": team})
    assert unknown.status_code == 404
    assert await _stored(running) == 0


async def test_scoring_closes_after_the_day(serve, http, redis_url) -> None:
    running, live = await _start(serve, redis_url, 6 * 30 + 31)  # closes 30 min after round 6
    juror, team, _ = juror_in_round(live, 1)
    response = await http.post(
        f"{running.base_url}/p/{live.token_of[juror]}/scores", json={"team": team, "scores": GOOD}
    )
    assert response.status_code == 409 and "closed" in response.json()["error"]
    assert await _stored(running) == 0


async def test_results_and_awards(serve, http, redis_url) -> None:
    running, live = await _start(serve, redis_url, 6 * 30 + 5)  # the day is over, still open
    base = running.base_url
    assert (await http.get(f"{base}/api/v1/results")).status_code == 401
    jurors = [p.id for p in live.programme.participants if p.role == "jury"]
    for juror in jurors:
        for window in windows(live, juror):
            impact = 1 + sum(map(ord, window.duty.team)) % 5
            response = await http.post(
                f"{base}/p/{live.token_of[juror]}/scores",
                json={"team": window.duty.team, "scores": {**GOOD, "impact": impact}},
            )
            assert response.status_code == 200, response.text
    data = (await http.get(f"{base}/api/v1/results", headers=AUTH)).json()
    assert {t["team"] for t in data["teams"]} == {t.id for t in live.programme.teams}
    assert all(t["scores"] >= 2 and t["rank"] for t in data["teams"])
    assert all(j["comparable"] for j in data["jurors"])
    award = data["awards"][0]
    assert award["suggested"]
    refused = await http.post(f"{base}/api/v1/awards/nope", json={"teams": ["t1"]}, headers=AUTH)
    assert refused.status_code == 404
    bad = await http.post(
        f"{base}/api/v1/awards/{award['id']}", json={"teams": ["zz"]}, headers=AUTH
    )
    assert bad.status_code == 400
    winner = award["suggested"][0]
    done = await http.post(
        f"{base}/api/v1/awards/{award['id']}",
        json={"teams": [winner], "broadcast": True},
        headers=AUTH,
    )
    assert done.status_code == 200, done.text
    store = running.app[STORE]
    outbox = [e for _, e in await store.redis.xrange(store.keys.outbox)]
    announced = [json.loads(e[b"data"]) for e in outbox if e[b"type"] == b"award.announced"]
    assert announced[0]["teams"][0]["id"] == winner
    broadcasts = [
        e[b"message"].decode() for _, e in await store.redis.xrange(store.keys.broadcasts)
    ]
    assert broadcasts == [done.json()["message"]]
    again = (await http.get(f"{base}/api/v1/results", headers=AUTH)).json()
    assert again["awards"][0]["winners"] == [winner]


async def test_the_board_panel_counts_and_alerts(serve, http, redis_url) -> None:
    running, live = await _start(serve, redis_url, 30 + 10)  # round 2, 10 min in
    juror, team, _ = juror_in_round(live, 1)
    async with board_client(running.base_url) as client:
        before = (await client.get("/board/state")).json()
        assert before["scoring"]["scored"] == 0
        assert any(
            a["kind"] == "missing-score"
            and live.programme.participant_by_id[juror].name in a["message"]
            for a in before["alerts"]
        )
        posted = await client.post(
            f"/p/{live.token_of[juror]}/scores", json={"team": team, "scores": GOOD}
        )
        assert posted.status_code == 200

        async def counted() -> bool:
            state = (await client.get("/board/state")).json()
            row = next(r for r in state["scoring"]["teams"] if r["team"] == team)
            return state["scoring"]["scored"] == 1 and row["scored"] == 1

        await eventually(counted)


def _rater(live: Live, round_index: int):
    """An audience member, a team they saw in `round_index` and a team they never see."""
    person = next(
        p
        for p in live.programme.participants
        if p.role == "audience" and any(w.duty.round == round_index for w in windows(live, p.id))
    )
    mine = windows(live, person.id)
    seen = next(w.duty.team for w in mine if w.duty.round == round_index)
    unseen = next(t.id for t in live.programme.teams if t.id not in {w.duty.team for w in mine})
    return person, seen, unseen


async def test_audience_rates_only_what_they_saw_and_a_new_run_starts_afresh(
    serve, http, redis_url
) -> None:
    running, live = await _start(serve, redis_url, 10)
    person, seen, unseen = _rater(live, 1)
    url = f"{running.base_url}/p/{live.token_of[person.id]}/feedback"
    ok = await http.post(url, json={"team": seen, "rating": 4, "line": "Loved it"})
    assert ok.status_code == 200, ok.text
    refused = await http.post(url, json={"team": unseen, "rating": 4})
    assert refused.status_code == 403
    presenter = next(p for p in live.programme.participants if p.team == seen)
    page = await http.get(f"{running.base_url}/p/{live.token_of[presenter.id]}")
    assert 'id="audience-said"' not in page.text  # not before the day is over
    store = running.app[STORE]
    assert await store.redis.hlen(store.keys.feedback) == 1
    await running.stop()
    again, _ = await _start(serve, redis_url, 20)  # --start-at: a new rehearsal run
    store = again.app[STORE]
    assert await store.redis.hlen(store.keys.feedback) == 0
    assert await store.redis.keys(f"{store.keys.prefix}archive:*:feedback")


async def test_teams_read_their_audience_after_the_day(serve, http, redis_url) -> None:
    """Ratings close with scoring (after the last round); the team reads them once the day,
    award ceremony included, is over. The rating is stored as the day's form stored it."""
    running, live = await _start(serve, redis_url, 4 * 60 + 35)  # after the awards
    person, seen, _ = _rater(live, 6)
    await ScoreStore(running.app[STORE]).save_feedback(
        Feedback(person.id, seen, 5, "<i>Loved</i> it", "2025-03-27T11:20:00+00:00")
    )
    presenter = next(p for p in live.programme.participants if p.team == seen)
    page = await http.get(f"{running.base_url}/p/{live.token_of[presenter.id]}")
    assert 'id="audience-said"' in page.text
    assert "&lt;i&gt;Loved&lt;/i&gt; it" in page.text


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
async def test_results_command_reads_the_store(serve, http, redis_url, fmt: str) -> None:
    import asyncio
    import subprocess
    import sys
    from pathlib import Path

    from tests.support.app import EXAMPLE

    running, live = await _start(serve, redis_url, 10)
    juror, team, _ = juror_in_round(live, 1)
    posted = await http.post(
        f"{running.base_url}/p/{live.token_of[juror]}/scores", json={"team": team, "scores": GOOD}
    )
    assert posted.status_code == 200
    rota = str(Path(sys.executable).parent / "rota")
    done = await asyncio.to_thread(
        subprocess.run,
        [rota, "results", str(EXAMPLE), "--redis", redis_url, "--format", fmt],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    name = live.programme.team_by_id[team].name
    if fmt == "json":
        data = json.loads(done.stdout)
        assert next(t for t in data["teams"] if t["team"] == team)["scores"] == 1
    elif fmt == "csv":
        assert done.stdout.splitlines()[0].startswith("rank,interval,team,scores,impact")
        assert f",{name},1," in done.stdout
    else:
        assert done.stdout.splitlines()[1].startswith("1 ") and name in done.stdout
