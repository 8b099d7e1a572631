"""The rehearsal's simulated jury: a valid score for every duty, the same in every process,
and in a served rehearsal the scores reach the results."""

from __future__ import annotations

from orchestrator.appkeys import SERVICE
from orchestrator.rehearsal.simulated_jury import judgements
from orchestrator.scoring.jury import all_windows
from schedules.scoring import check_feedback, check_score
from tests.support.app import AUTH
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.standin_jitsi import JAAS_SECRET


async def test_every_duty_is_scored_validly_and_the_same_every_time(serve, redis_url) -> None:
    running = await serve(redis_url=redis_url, speed=1.0, start_at="now")
    live = running.app[SERVICE].require_live()
    found = judgements(live, seed=3)
    assert found == judgements(live, seed=3)
    scores = [j for j in found if j.path == "scores"]
    assert sorted((j.person, j.body["team"]) for j in scores) == sorted(
        (w.duty.juror, w.duty.team) for w in all_windows(live)
    )
    scoring = live.programme.scoring
    assert scoring is not None
    for item in scores:
        check_score(
            scoring,
            [item.body["team"]],
            [item.body["team"]],
            item.body["team"],
            item.body["scores"],
            item.body["comment"],
        )
    ratings = [j for j in found if j.path == "feedback"]
    assert ratings
    for item in ratings:
        check_feedback(
            [item.body["team"]], item.body["team"], item.body["rating"], item.body["line"]
        )


async def test_a_rehearsal_s_jury_scores_reach_the_results(serve, http, redis_url) -> None:
    running = await serve(
        redis_url=redis_url,
        env={"ROTA_JAAS_WEBHOOK_SECRET": JAAS_SECRET},
        simulate_presence=True,
        speed=1.0,
        start_at=start_so_that_now_is(4 * 30 + 2, speed=1.0),  # rounds 3 and 4 are replayed
    )

    async def scored() -> bool:
        data = (await http.get(f"{running.base_url}/api/v1/results", headers=AUTH)).json()
        return sum(t["scores"] for t in data["teams"]) >= 10  # rounds 3 and 4: 12 duties

    await eventually(scored, seconds=60)
