"""Outbound notifications end to end: a fast rehearsal, real receivers on loopback (healthy,
failing, slow, rate-limiting, gone, redirecting), signatures verified by the receivers' own
code, personal ntfy messages, the API, and a restart in the middle of deliveries."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from orchestrator.appkeys import BOARD_STREAMS, SERVICE, STORE
from tests.support.app import AUTH, ROOT, start_app
from tests.support.clock import eventually, start_so_that_now_is
from tests.support.receivers import VECTOR_SECRET, Receivers, receivers, verify

FAST: dict[str, Any] = {
    "notify_backoff_scale": 0.01,
    "notify_max_attempts": 3,
    "notify_timeout": 1.0,
}
SUBS = "/api/v1/notify/subscribers"
TOPICS = {"amelie-peeters": "rota-test-amelie"}


def test_receiver_verifies_the_reference_vector() -> None:
    vector = json.loads((ROOT / "tests/fixtures/jitsi/standard-webhooks-vector.json").read_text())
    assert verify(
        vector["secret"],
        vector["webhook-id"],
        vector["webhook-timestamp"],
        vector["body"].encode(),
        vector["webhook-signature"],
    )
    assert not verify(
        vector["secret"],
        vector["webhook-id"],
        "1614265331",
        vector["body"].encode(),
        vector["webhook-signature"],
    )


def event_with_notify(folder: Path, recv: Receivers, paths: dict[str, str]) -> Path:
    """The example with a [[notify]] table per path (id -> path) and ntfy topics."""
    source = ROOT / "examples" / "bip-2025"
    folder.mkdir(parents=True, exist_ok=True)
    toml = (source / "programme.toml").read_text(encoding="utf-8")
    for sub_id, path in paths.items():
        kind = "ntfy" if sub_id == "push" else ("slack" if sub_id == "chat" else "webhook")
        secret = 'secret_env = "HOOK_SECRET"\n' if kind == "webhook" else ""
        toml += f'\n[[notify]]\nid = "{sub_id}"\nkind = "{kind}"\nurl = "{recv.base_url}{path}"\n'
        toml += secret
    (folder / "programme.toml").write_text(toml, encoding="utf-8")
    lines = (source / "roster.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",ntfy"]
    for line in lines[1:]:
        out.append(line + "," + TOPICS.get(line.split(",", 1)[0], ""))
    (folder / "roster.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return folder / "programme.toml"


async def outbox_types(running) -> list[tuple[str, str]]:
    store = running.app[STORE]
    entries = await store.redis.xrange(store.keys.outbox)
    return [(i.decode(), f[b"type"].decode()) for i, f in entries]


async def test_every_transition_arrives_signed_and_in_order(serve, redis_url, tmp_path) -> None:
    async with receivers(VECTOR_SECRET) as recv:
        recv.fail_first["/flaky"] = 2
        programme = event_with_notify(
            tmp_path,
            recv,
            {
                "ok": "/ok",
                "flaky": "/flaky",
                "slow": "/slow",
                "limited": "/limited",
                "gone": "/gone",
                "moved": "/redirect",
                "chat": "/chat",
                "push": "/ntfy",
            },
        )
        env = {"HOOK_SECRET": VECTOR_SECRET, "ROTA_NOTIFY_ALLOW_PRIVATE": "1"}
        started = time.time()
        running = await serve(
            programme,
            redis_url=redis_url,
            env=env,
            speed=300.0,
            start_at=start_so_that_now_is(-1, speed=300.0),
            **FAST,
        )
        live = running.app[SERVICE].require_live()
        # round 1: warning (late), started, wrap-up, ended — 30 minutes in 6 seconds
        await eventually(
            lambda: (
                len(recv.delivered("/ok")) >= 4
                and any(h.body["type"] == "round.ended" for h in recv.delivered("/ok"))
            ),
            seconds=20,
        )
        outbox = await outbox_types(running)
        got = [h.body["type"] for h in recv.delivered("/ok")]
        assert got == [t for _, t in outbox][: len(got)]  # in the order they happened
        for hit in recv.at("/ok"):
            assert hit.verified is True
            assert hit.body["event"] == "bip-2025" and "data" in hit.body
            assert abs(int(hit.headers["webhook-timestamp"]) - time.time()) < 60
        # the flaky one got everything too, after retries with the same webhook-id
        flaky = recv.at("/flaky")
        first_id = flaky[0].headers["webhook-id"]
        assert [h.headers["webhook-id"] for h in flaky[:3]] == [first_id] * 3
        assert [h.headers["x-answered"] for h in flaky[:3]] == ["500", "500", "2xx"]
        await eventually(lambda: len(recv.delivered("/flaky")) >= len(got), seconds=10)
        assert [h.body["type"] for h in recv.delivered("/flaky")][: len(got)] == got
        # 429 with Retry-After: 1 — the second try waited at least that long
        limited = await eventually(lambda: len(recv.at("/limited")) >= 2 and recv.at("/limited"))
        assert limited[1].at - limited[0].at >= 0.95
        assert limited[0].headers["webhook-id"] == limited[1].headers["webhook-id"]
        # 410: one request, the subscriber disabled, nothing more sent to it
        async with httpx.AsyncClient(base_url=running.base_url, headers=AUTH) as api:
            subs = {s["id"]: s for s in (await api.get("/api/v1/notify/subscribers")).json()}
            assert subs["gone"]["disabled"] == "410 Gone"
            assert all("secret" not in s for s in subs.values())
            assert len(recv.at("/gone")) == 1
            # the slow one (5 s, timeout 1 s) ends in the dead letters, the others unharmed
            failed = await eventually(lambda: _failed(api, "slow"), seconds=20, interval=0.3)
            assert failed[0]["attempts"] == 3 and "Timeout" in failed[0]["last"]
            # redirects are not followed: a 302 is a failure
            moved = await eventually(lambda: _failed(api, "moved"), seconds=10, interval=0.3)
            assert moved and moved[0]["last"] == "HTTP 302"
            assert len(recv.at("/redirect")) >= 1 and not [
                h for h in recv.at("/ok") if h.headers.get("webhook-id") == moved[0]["id"]
            ]
            failures = await eventually(lambda: running.app[BOARD_STREAMS].delivery_failures >= 2)
            assert failures
            # redeliver a dead letter: it goes out again with the same id (and fails again)
            again = await api.post(f"/api/v1/notify/deliveries/{moved[0]['id']}/redeliver")
            assert again.status_code == 202
            before = len(recv.at("/redirect"))
            await eventually(lambda: len(recv.at("/redirect")) > before, seconds=10)
            assert (await api.post("/api/v1/notify/deliveries/nope/redeliver")).status_code == 404
            # chat channels get a sentence; the personal push names the room and the link
            chat = recv.delivered("/chat")
            assert any(h.body["text"].startswith("Round 1 has started") for h in chat)
        push = await eventually(lambda: recv.delivered("/ntfy"), seconds=10)
        amelie = next(h for h in push if h.body["topic"] == TOPICS["amelie-peeters"])
        place = next(p for p in live.days["amelie-peeters"] if p.kind == "room")
        assert amelie.body["message"].startswith(f"Ronde {place.round} begint om ")  # nl
        assert live.programme.room_name(place.room) in amelie.body["message"]
        assert amelie.body["click"] == live.link("amelie-peeters")
        assert time.time() - started < 60


async def _failed(api: httpx.AsyncClient, subscriber: str) -> list[dict]:
    rows = (await api.get("/api/v1/notify/deliveries", params={"status": "failed"})).json()
    return [r for r in rows if r["subscriber"] == subscriber]


async def test_api_subscribers_and_ssrf(serve, redis_url) -> None:
    async with receivers(VECTOR_SECRET) as recv:
        running = await serve(redis_url=redis_url, **FAST)
        async with httpx.AsyncClient(base_url=running.base_url, headers=AUTH) as api:
            for url in (
                f"{recv.base_url}/ok",
                "http://10.0.0.7/hook",
                "http://[::1]:9/x",
                "ftp://example.org/x",
                "http://user:pw@example.org/",
            ):
                refused = await api.post("/api/v1/notify/subscribers", json={"url": url})
                assert refused.status_code == 400, url
            assert (
                await api.post("/api/v1/notify/subscribers", json={"url": 5})
            ).status_code == 400
            assert (
                await api.post(
                    "/api/v1/notify/subscribers", json={"url": "https://x", "kind": "fax"}
                )
            ).status_code == 400
            assert (await api.get("/api/v1/notify/deliveries?status=odd")).status_code == 400
            assert (await api.delete("/api/v1/notify/subscribers/nope")).status_code == 404
        # stopped first: its delivery worker, sharing the queue, would refuse the private
        # address if it took the test delivery
        await running.stop()
        # with private addresses allowed: add, test (signed with the secret shown once), remove
        allowed = await start_app(
            redis_url=redis_url, env={"ROTA_NOTIFY_ALLOW_PRIVATE": "1"}, **FAST
        )
        try:
            async with httpx.AsyncClient(base_url=allowed.base_url, headers=AUTH) as api:
                made = await api.post(
                    "/api/v1/notify/subscribers",
                    json={"url": f"{recv.base_url}/api", "events": ["round.*"]},
                )
                assert made.status_code == 201
                body = made.json()
                assert body["secret"].startswith("whsec_")
                listed = (await api.get("/api/v1/notify/subscribers")).json()
                assert all("secret" not in s for s in listed)
                assert (
                    await api.post(f"/api/v1/notify/subscribers/{body['id']}/test")
                ).status_code == 202
                hit = (await eventually(lambda: recv.at("/api")))[0]
                assert verify(
                    body["secret"],
                    hit.headers["webhook-id"],
                    hit.headers["webhook-timestamp"],
                    json.dumps(hit.body, separators=(",", ":")).encode(),
                    hit.headers["webhook-signature"],
                )
                assert hit.body["type"] == "test"
                assert (
                    await api.delete(f"/api/v1/notify/subscribers/{body['id']}")
                ).status_code == 200
        finally:
            await allowed.stop()


async def test_restart_in_the_middle_of_deliveries(redis_url, tmp_path) -> None:
    """The receiver is down while the day goes on; the service restarts; once the receiver is
    back every transition arrives, in order, each with one webhook-id however often tried."""
    async with receivers(VECTOR_SECRET) as recv:
        recv.down_until = time.time() + 6
        programme = event_with_notify(tmp_path, recv, {"down": "/down"})
        env = {"HOOK_SECRET": VECTOR_SECRET, "ROTA_NOTIFY_ALLOW_PRIVATE": "1"}
        first = await start_app(
            programme,
            redis_url=redis_url,
            env=env,
            speed=300.0,
            start_at=start_so_that_now_is(-1, speed=300.0),
            **FAST | {"notify_max_attempts": 50},
        )
        await eventually(lambda: len(recv.at("/down")) >= 2, seconds=10)
        await first.stop()
        second = await start_app(
            programme,
            redis_url=redis_url,
            env=env,
            resume=True,
            **FAST | {"notify_max_attempts": 50},
        )
        try:
            outbox = [t for _, t in await outbox_types(second)]
            await eventually(
                lambda: (
                    len({h.headers["webhook-id"] for h in recv.delivered("/down")}) >= len(outbox)
                ),
                seconds=30,
                interval=0.2,
            )
            delivered = recv.delivered("/down")
            ids = [h.headers["webhook-id"] for h in delivered]
            first_seen = list(dict.fromkeys(ids))
            by_id = {h.headers["webhook-id"]: h.body["type"] for h in delivered}
            assert [by_id[i] for i in first_seen][: len(outbox)] == outbox
            # every try of one event carried the same id; failures came before its success
            for hit in recv.at("/down"):
                assert hit.verified is True
        finally:
            await second.stop()
        shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.mark.parametrize("personal", [True, False])
async def test_an_api_ntfy_subscriber_keeps_whether_it_is_personal(
    serve, redis_url, personal: bool
) -> None:
    """`personal` is read from the parsed body (event/api_bodies.Subscriber), as documented."""
    running = await serve(redis_url=redis_url, env={"ROTA_NOTIFY_ALLOW_PRIVATE": "1"})
    async with httpx.AsyncClient(base_url=running.base_url, headers=AUTH) as api:
        body = {"url": "http://127.0.0.1:9/rota", "kind": "ntfy", "personal": personal}
        made = await api.post("/api/v1/notify/subscribers", json=body)
        assert made.status_code == 201, made.text
        listed = (await api.get("/api/v1/notify/subscribers")).json()
    assert made.json()["personal"] is personal
    assert [s["personal"] for s in listed if s["id"] == made.json()["id"]] == [personal]
