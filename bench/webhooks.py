"""Signed JaaS webhooks accepted and durably stored per second, against a bare handler.

    .venv/bin/python bench/webhooks.py [--seconds 6] [--concurrency 32]

Rota verifies each signature, deduplicates on `idempotencyKey` and appends the event to a Redis
stream (embedded redis-server, `appendfsync always`) before answering 200. The baseline is a
bare aiohttp handler that reads the body and answers 204, in the same run, with the same client.
Then 1,000 joins within 5 seconds (a round start), 10 % of them delivered twice: every distinct
event must be stored exactly once. Target (issue 4): at least 0.5× the bare handler.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from support import wait_up  # bench/support.py

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECRET = "whsec_bench0000000000000000000000"
APP = "vpaas-magic-cookie-bench"


def bare_server(port: int) -> None:
    from aiohttp import web

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=204)

    app = web.Application()
    app.add_routes([web.post("/webhooks/jaas", hook)])
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


def signed(room: str, n: int) -> tuple[bytes, str, str]:
    key = str(uuid.uuid4())
    body = json.dumps(
        {
            "idempotencyKey": key,
            "appId": APP,
            "eventType": "PARTICIPANT_JOINED",
            "sessionId": "s",
            "timestamp": int(time.time() * 1000),
            "fqn": f"{APP}/{room}",
            "data": {"id": f"p{n}", "name": f"Person {n}", "participantId": f"{n:08x}"},
        },
        separators=(",", ":"),
    ).encode()
    t = str(int(time.time()))
    sig = base64.b64encode(
        hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).digest()
    ).decode()
    return body, f"t={t},v1={sig}", key


async def sustained(url: str, seconds: float, concurrency: int) -> dict:
    import aiohttp

    payloads = [signed("room", i) for i in range(20_000)]
    done = errors = 0
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as s:

        async def worker(offset: int) -> None:
            nonlocal done, errors
            i = offset
            while time.perf_counter() < stop and i < len(payloads):
                body, header, _ = payloads[i]
                i += concurrency
                started = time.perf_counter()
                async with s.post(
                    url,
                    data=body,
                    headers={"X-Jaas-Signature": header, "Content-Type": "application/json"},
                ) as response:
                    await response.read()
                    if response.status >= 300:
                        errors += 1
                latencies.append(time.perf_counter() - started)
                done += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": done,
        "rps": done / elapsed,
        "errors": errors,
        "p99_ms": latencies[int(0.99 * len(latencies))] * 1000,
    }


async def round_start(url: str, joins: int = 1000, within: float = 5.0) -> dict:
    import aiohttp

    payloads = [signed("round", i) for i in range(joins)]
    sends = payloads + payloads[: joins // 10]  # a tenth delivered twice
    statuses: list[int] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as s:
        start = time.time()

        async def one(i: int, payload: tuple[bytes, str, str]) -> None:
            await asyncio.sleep(max(start + within * i / len(sends) - time.time(), 0))
            body, header, _ = payload
            async with s.post(url, data=body, headers={"X-Jaas-Signature": header}) as r:
                statuses.append(r.status)

        await asyncio.gather(*(one(i, p) for i, p in enumerate(sends)))
    return {"sent": len(sends), "distinct": joins, "ok": sum(s == 200 for s in statuses)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_server(args.bare)
        return
    work = Path(tempfile.mkdtemp(prefix="rota-bench-"))
    env = {
        **os.environ,
        "ROTA_ORGANISER_TOKEN": "bench-organiser-token-0123456789",
        "ROTA_JAAS_WEBHOOK_SECRET": SECRET,
    }
    rota = subprocess.Popen(
        [
            str(BIN / "rota"),
            "serve",
            str(ROOT / "examples" / "bip-2025" / "programme.toml"),
            "--port",
            "8751",
            "--data-dir",
            str(work / "var"),
            "--speed",
            "60",
            "--start-at",
            "now",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bare = subprocess.Popen([sys.executable, __file__, "--bare", "8752"])
    try:
        wait_up("http://127.0.0.1:8751/healthz")
        wait_up("http://127.0.0.1:8752/")
        results = {
            "bare": asyncio.run(
                sustained("http://127.0.0.1:8752/webhooks/jaas", args.seconds, args.concurrency)
            ),
            "rota": asyncio.run(
                sustained("http://127.0.0.1:8751/webhooks/jaas", args.seconds, args.concurrency)
            ),
        }
        client = redis.Redis(unix_socket_path=str(work / "var" / "redis.sock"))
        before = client.xlen("rota:bip-2025:room-events")
        burst = asyncio.run(round_start("http://127.0.0.1:8751/webhooks/jaas"))
        stored = client.xlen("rota:bip-2025:room-events") - before
        client.close()
    finally:
        rota.terminate()
        bare.terminate()
        rota.wait(15)
        bare.wait(15)
    print(f"{'target':<34}{'requests':>10}{'req/s':>10}{'p99 ms':>9}{'errors':>8}")
    for name, label in (
        ("bare", "bare aiohttp, read + 204 (baseline)"),
        ("rota", "rota /webhooks/jaas (verify+store)"),
    ):
        r = results[name]
        print(f"{label:<34}{r['requests']:>10}{r['rps']:>10.0f}{r['p99_ms']:>9.2f}{r['errors']:>8}")
    ratio = results["rota"]["rps"] / results["bare"]["rps"]
    print(
        f"\nratio rota/bare: {ratio:.2f} (target ≥ 0.5); every accepted webhook is in the "
        f"append-only stream before its 200"
    )
    print(
        f"round start: {burst['sent']} deliveries of {burst['distinct']} distinct joins in "
        f"5 s, {burst['ok']} answered 200, {stored} stored "
        f"({'exactly once each' if stored == burst['distinct'] else 'MISMATCH'})"
    )


if __name__ == "__main__":
    main()
