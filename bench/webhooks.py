"""Signed JaaS webhooks accepted and durably stored per second, against a bare handler (wrk).

    .venv/bin/python bench/webhooks.py [--seconds 5] [--rounds 3] [--connections 32]

Rota verifies each signature, deduplicates on `idempotencyKey` and appends the event to a Redis
stream (embedded redis-server, `appendfsync always`) before answering 200. The baseline is a
bare aiohttp handler that reads the body and answers 204; a third target is the same handler
doing Rota's pure checks as well (signature, decoding, the event and its JSON) without storing
anything, the step between the two. wrk (one thread) posts pre-signed `PARTICIPANT_JOINED`
bodies (`bench/lua/posts.lua`), each Rota run a fresh set with distinct keys, the targets
alternately. Rota runs the bundled example in real time (no round boundary in the runs).
Afterwards the stored events are counted: every webhook answered 200 must be in the stream
(at most the requests still in flight when wrk stopped may be stored without wrk having
counted their answer). Then a round start: 1,000 distinct joins
within 5 seconds, a tenth delivered twice: each stored exactly once. Target (issue 14): at
least 0.7× the bare handler, nothing lost.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from loadgen import Run, Series, header, settle, wrk
from support import ROOT, start_rota, stop, wait_up

SECRET = "whsec_bench0000000000000000000000"
APP = "vpaas-magic-cookie-bench"
ROTA_PORT, BARE_PORT, CHECKS_PORT = 8751, 8752, 8753
BARE, ROTA = "bare aiohttp, read + 204", "rota /webhooks/jaas"
CHECKS = "bare + rota's checks, no storage"


def bare_server(port: int, checks: bool = False) -> None:
    """The baseline; with `checks`, the same handler also does Rota's pure work on each body
    (signature, decoding, the event and its JSON; rooms/webhooks.py) but stores nothing and
    runs no service: the step between the two shows what the checks cost and what Rota's
    app and its durable write add."""
    from aiohttp import web

    sys.path.insert(0, str(ROOT))
    from rooms.webhooks import JAAS_BODY, parse_jaas, verify_jaas

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        if checks:
            verify_jaas(request.headers.get("X-Jaas-Signature"), body, SECRET, time.time())
            event = parse_jaas(JAAS_BODY.decode(body))
            assert event is not None
            event.to_json()
        return web.Response(status=204)

    app = web.Application(client_max_size=1024 * 1024)
    app.add_routes([web.post("/webhooks/jaas", hook)])
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


def signed(room: str, n: int, prefix: str) -> tuple[bytes, str]:
    body = json.dumps(
        {
            "idempotencyKey": f"{prefix}-{n}-{uuid.uuid4()}",
            "customerId": "bench",
            "appId": APP,
            "eventType": "PARTICIPANT_JOINED",
            "sessionId": "s",
            "timestamp": int(time.time() * 1000),
            "fqn": f"{APP}/{room}",
            "data": {
                "id": f"p{n}",
                "name": f"Person {n}",
                "participantId": f"{n:08x}",
                "moderator": False,
            },
        },
        separators=(",", ":"),
    ).encode()
    t = str(int(time.time()))
    mac = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).digest()
    return body, f"t={t},v1={base64.b64encode(mac).decode()}"


def request_file(path: Path, count: int, prefix: str) -> Path:
    """Three lines per request, as bench/lua/posts.lua reads them."""
    with path.open("w") as out:
        for n in range(count):
            body, signature = signed("room", n, prefix)
            out.write(f"{signature}\n{body.decode()}\n\n")
    return path


async def round_start(url: str, joins: int = 1000, within: float = 5.0) -> dict[str, int]:
    import aiohttp

    payloads = [signed("round", i, "round") for i in range(joins)]
    sends = payloads + payloads[: joins // 10]  # a tenth delivered twice
    statuses: list[int] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as s:
        start = time.time()

        async def one(i: int, payload: tuple[bytes, str]) -> None:
            await asyncio.sleep(max(start + within * i / len(sends) - time.time(), 0))
            body, signature = payload
            async with s.post(url, data=body, headers={"X-Jaas-Signature": signature}) as r:
                statuses.append(r.status)

        await asyncio.gather(*(one(i, p) for i, p in enumerate(sends)))
    return {"sent": len(sends), "distinct": joins, "ok": sum(s == 200 for s in statuses)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the targets, alternating order"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--per-run", type=int, default=120_000, help="signed bodies per run")
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--checks", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare or args.checks:
        bare_server(args.bare or args.checks, checks=bool(args.checks))
        return
    header(
        "Webhook intake against a bare aiohttp POST handler (wrk)",
        f"bench/webhooks.py --seconds {args.seconds:g} --rounds {args.rounds}",
    )
    work = Path(tempfile.mkdtemp(prefix="rota-bench-"))
    files = [
        request_file(work / f"run-{i}.txt", args.per_run, f"run{i}") for i in range(args.rounds)
    ]
    rota = start_rota(
        ROOT / "examples" / "bip-2025" / "programme.toml",
        ROTA_PORT,
        work / "var",
        "--loop",
        "asyncio",
        "--speed",  # real time: no round boundary (and its work) falls into the runs
        "1",
        "--start-at",
        "now",
        env={"ROTA_JAAS_WEBHOOK_SECRET": SECRET},
    )
    bare = subprocess.Popen([sys.executable, __file__, "--bare", str(BARE_PORT)])
    checks = subprocess.Popen([sys.executable, __file__, "--checks", str(CHECKS_PORT)])
    servers = {ROTA: (rota, ROTA_PORT), BARE: (bare, BARE_PORT), CHECKS: (checks, CHECKS_PORT)}
    series = Series("webhooks")
    rota_runs: list[Run] = []
    try:
        wait_up(f"http://127.0.0.1:{ROTA_PORT}/healthz", healthy=True)
        wait_up(f"http://127.0.0.1:{BARE_PORT}/")
        wait_up(f"http://127.0.0.1:{CHECKS_PORT}/")
        settle(rota.pid)  # the warm-up of the next segment's answers done
        client = redis.Redis(unix_socket_path=str(work / "var" / "redis.sock"))
        stream = "rota:bip-2025:room-events"
        before = client.xlen(stream)
        turn = {ROTA: 0, BARE: 0, CHECKS: 0}

        def measure(target: str) -> Run:
            process, port = servers[target]
            requests = files[turn[target] % len(files)]
            turn[target] += 1
            run = wrk(
                target,
                f"http://127.0.0.1:{port}/webhooks/jaas",
                "posts.lua",
                [str(requests), "X-Jaas-Signature"],
                seconds=args.seconds,
                connections=args.connections,
                server=process.pid,
            )
            if target == ROTA:
                rota_runs.append(run)
            return run

        series.alternate([BARE, CHECKS, ROTA], args.rounds, measure)
        time.sleep(1)  # the last group commit
        stored = client.xlen(stream) - before
        before = client.xlen(stream)
        burst = asyncio.run(round_start(f"http://127.0.0.1:{ROTA_PORT}/webhooks/jaas"))
        time.sleep(0.5)
        burst_stored = client.xlen(stream) - before
        client.close()
    finally:
        stop(rota, bare, checks)

    answered = sum(r.requests - r.errors for r in rota_runs)
    wrapped = any(r.requests > args.per_run for r in rota_runs)
    in_flight = args.connections * len(rota_runs)
    print("```")
    print(series.table())
    print()
    print(
        f"ratio rota/bare: {series.ratio(ROTA, BARE):.2f} (target ≥ 0.7), "
        f"{series.pairs(ROTA, BARE)}; CPU per request bare "
        f"{series.cpu_per_request(BARE):.0f} µs, rota {series.cpu_per_request(ROTA):.0f} µs "
        f"(incl. redis-server; ratio {series.cpu_ratio(ROTA, BARE):.2f}); rota p99 "
        f"{series.p99(ROTA):.1f} ms"
    )
    print(
        f"where it goes: bare {series.cpu_per_request(BARE):.0f} µs/req; with Rota's checks "
        f"{series.cpu_per_request(CHECKS):.0f} µs/req ({series.ratio(CHECKS, BARE):.2f}× the "
        f"bare throughput); Rota {series.cpu_per_request(ROTA):.0f} µs/req with its app and "
        "the durable write"
    )
    lost = "none lost" if answered <= stored <= answered + in_flight else "MISMATCH"
    print(
        f"stored afterwards: {stored} events for {answered} answered 200 by wrk's count "
        f"(+ at most {in_flight} in flight at its stops): {lost}"
        + ("; WARNING: a run wrapped around its bodies (duplicates)" if wrapped else "")
    )
    exact = "exactly once each" if burst_stored == burst["distinct"] else "MISMATCH"
    print(
        f"round start: {burst['sent']} deliveries of {burst['distinct']} distinct joins in 5 s, "
        f"{burst['ok']} answered 200, {burst_stored} stored ({exact})"
    )
    print(f"{args.connections} connections, {args.seconds:g} s per run, wrk -t1")
    print("```")


if __name__ == "__main__":
    main()
