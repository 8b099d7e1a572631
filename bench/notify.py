"""Outbound notifications: deliveries per second to a local receiver, and the delay dead
subscribers add to transitions.

    .venv/bin/python bench/notify.py [--subscribers 20] [--broadcasts 200]

Phase 1: one `rota serve` process with N webhook subscribers (signed, Standard Webhooks), all
pointing at a bare aiohttp receiver in another process that answers 204; B broadcasts posted
through the API, each fanned out to every subscriber: deliveries per second until the
receiver has counted them all. Phase 2: a rehearsal at 120× speed, once with no subscriber
and once with 10 dead ones (a receiver that accepts connections and never answers, so every
attempt waits for its timeout); for each boundary of the first rounds, how late its
transition was written (the outbox entry's time against the boundary's wall time). Target:
no measurable difference.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from support import wait_up  # bench/support.py

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOKEN = "bench-4Tq8Wm2Xz7Rk9Lp-organiser"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def receiver(port: int, mode: str) -> None:
    from aiohttp import web

    count = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal count
        await request.read()
        if mode == "blackhole":
            await asyncio.sleep(3600)
        count += 1
        return web.Response(status=204)

    async def total(request: web.Request) -> web.Response:
        return web.json_response({"count": count})

    app = web.Application()
    app.add_routes([web.post("/hook/{n}", hook), web.get("/count", total)])
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


def event(folder: Path, urls: list[str]) -> Path:
    source = ROOT / "examples" / "bip-2025"
    folder.mkdir(parents=True, exist_ok=True)
    toml = (source / "programme.toml").read_text(encoding="utf-8")
    for n, url in enumerate(urls):
        toml += f'\n[[notify]]\nid = "s{n}"\nurl = "{url}"\nsecret_env = "BENCH_SECRET"\n'
    (folder / "programme.toml").write_text(toml, encoding="utf-8")
    shutil.copy(source / "roster.csv", folder / "roster.csv")
    return folder / "programme.toml"


def serve(programme: Path, data: Path, port: int, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "ROTA_ORGANISER_TOKEN": TOKEN,
        "BENCH_SECRET": SECRET,
        "ROTA_NOTIFY_ALLOW_PRIVATE": "1",
    }
    process = subprocess.Popen(
        [
            str(BIN / "rota"),
            "serve",
            str(programme),
            "--port",
            str(port),
            "--data-dir",
            str(data),
            *extra,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_up(f"http://127.0.0.1:{port}/healthz")
    return process


def throughput(work: Path, subscribers: int, broadcasts: int) -> dict:
    import httpx

    recv = subprocess.Popen([sys.executable, __file__, "--receiver", "8761", "ok"])
    wait_up("http://127.0.0.1:8761/count")
    urls = [f"http://127.0.0.1:8761/hook/{n}" for n in range(subscribers)]
    rota = serve(event(work / "tp", urls), work / "tp-var", 8762)
    try:
        expected = subscribers * broadcasts
        headers = {"Authorization": f"Bearer {TOKEN}"}
        started = time.perf_counter()
        with httpx.Client(base_url="http://127.0.0.1:8762", headers=headers) as api:
            for i in range(broadcasts):
                api.post("/api/v1/broadcast", json={"message": f"bench {i}"}).raise_for_status()
            while True:
                count = httpx.get("http://127.0.0.1:8761/count").json()["count"]
                if count >= expected or time.perf_counter() - started > 300:
                    break
                time.sleep(0.05)
        seconds = time.perf_counter() - started
        rota.terminate()
        rota.wait(20)
        bare = asyncio.run(bare_sender(urls, broadcasts))
        return {"deliveries": count, "expected": expected, "seconds": seconds, "bare": bare}
    finally:
        rota.terminate()
        recv.terminate()
        rota.wait(20)
        recv.wait(20)


async def bare_sender(urls: list[str], per_url: int) -> float:
    """Baseline: the same requests from one shared httpx client, one sender per URL, each
    in order — Rota's shape of work without Redis, signing or bookkeeping."""
    import httpx

    body = json.dumps({"type": "broadcast", "data": {"message": "bench"}}).encode()
    async with httpx.AsyncClient(follow_redirects=False) as client:

        async def sender(url: str) -> None:
            for _ in range(per_url):
                (await client.post(url, content=body)).raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(sender(u) for u in urls))
        return len(urls) * per_url / (time.perf_counter() - started)


def lateness(work: Path, dead: int, name: str) -> list[float]:
    """ms between each boundary's wall time and its outbox entry, for the first rounds."""
    import redis as redis_py

    speed = 120.0
    recv = None
    urls: list[str] = []
    if dead:
        recv = subprocess.Popen([sys.executable, __file__, "--receiver", "8763", "blackhole"])
        wait_up("http://127.0.0.1:8763/count")
        urls = [f"http://127.0.0.1:8763/hook/{n}" for n in range(dead)]
    start = datetime.now(UTC) + timedelta(seconds=6)
    data = work / f"{name}-var"
    rota = serve(
        event(work / name, urls), data, 8764, "--speed", str(speed), "--start-at", start.isoformat()
    )
    try:
        time.sleep((start - datetime.now(UTC)).total_seconds() + 3 * 30 * 60 / speed + 1)
        client = redis_py.Redis(unix_socket_path=str(data / "redis.sock"))
        late = []
        nine = datetime(2025, 3, 27, 8, 0, tzinfo=UTC)  # 09:00 Europe/Berlin, the first round
        for entry_id, fields in client.xrange("rota:bip-2025:outbox"):
            if fields[b"type"] == b"broadcast":
                continue
            at = datetime.fromisoformat(json.loads(fields[b"data"])["at"])
            if at < nine:
                continue  # the warning before round 1 fired late on purpose (on recovery)
            planned = start + (at - nine) / speed
            written = int(entry_id.split(b"-")[0]) / 1000
            late.append((written - planned.timestamp()) * 1000)
        client.close()
        return late
    finally:
        rota.terminate()
        rota.wait(20)
        if recv is not None:
            recv.kill()
            recv.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument("--broadcasts", type=int, default=200)
    parser.add_argument("--receiver", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver:
        receiver(int(args.receiver[0]), args.receiver[1])
        return
    work = Path(tempfile.mkdtemp(prefix="rota-notify-"))
    tp = throughput(work, args.subscribers, args.broadcasts)
    quiet = lateness(work, 0, "quiet")
    dead = lateness(work, 10, "dead")
    print(
        f"deliveries: {tp['deliveries']} of {tp['expected']} "
        f"({args.subscribers} subscribers × {args.broadcasts} broadcasts) in "
        f"{tp['seconds']:.2f} s = {tp['deliveries'] / tp['seconds']:.0f}/s "
        "(from the first broadcast posted through the API to the last delivery)"
    )
    rate = tp["deliveries"] / tp["seconds"]
    print(
        f"baseline, bare httpx sender (same receiver, same order): {tp['bare']:.0f}/s; "
        f"ratio rota/bare {rate / tp['bare']:.2f}"
    )
    print(f"{'transitions written after their boundary':<44}{'n':>4}{'median ms':>11}{'max ms':>9}")
    for label, values in (("no subscribers (baseline)", quiet), ("10 dead subscribers", dead)):
        ordered = sorted(values)
        median = ordered[len(ordered) // 2] if ordered else float("nan")
        print(
            f"{label:<44}{len(values):>4}{median:>11.1f}{max(values, default=float('nan')):>9.1f}"
        )


if __name__ == "__main__":
    main()
