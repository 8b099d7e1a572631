"""Participant pages' live streams at a boundary: 1,000 and 5,000 concurrent SSE clients on
one Rota process, against a bare aiohttp SSE broadcaster in the same run.

    .venv/bin/python bench/fanout.py [--clients 1000 5000]

For each size: a fresh `rota serve` of a generated 50-team event whose first round starts a
known moment after all clients are connected (each client a different person, on its own
connection to `/p/{token}/events`); the time from that boundary until each client has
received the move into its room; p50/p99/max, and the server's memory per connection (RSS
after connecting minus before, over the number of clients). The bare broadcaster holds the
same number of streams and sends one message to all at a set moment. Targets (issue 5):
p99 at most 1.5× the bare broadcaster's; 5,000 clients on one process. "client CPU" is the
client process's own CPU time from the boundary to the last move, over that wall time: well
under 100 % means the (asyncio) client was not what limited the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from loadgen import header
from support import percentile, wait_up  # bench/support.py

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOKEN = "bench-4Tq8Wm2Xz7Rk9Lp-organiser"
# seconds from launching Rota to round 1: its start-up (generating answers and page states
# for every person), then every client connected and its first event read, with time to
# spare; too short, and late clients are already in their room when they connect, so they
# never see a move (a run with 15 s for 1,000 clients showed 564 "connected")
CONNECT_SECONDS = {1000: 45, 5000: 90}


def bare_server(port: int, at: float) -> None:
    """Holds SSE streams; at `at` (Unix time) sends one event to every one of them."""
    from aiohttp import web

    queues: set[asyncio.Queue[bytes]] = set()

    async def events(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        queues.add(queue)
        try:
            await response.write(b'event: move\ndata: {"first": true}\n\n')
            while True:
                await response.write(await queue.get())
        finally:
            queues.discard(queue)

    async def fire(app: web.Application) -> None:
        async def later() -> None:
            await asyncio.sleep(max(0.0, at - time.time()))
            body = json.dumps({"now": {"jitsi_room": "room"}})
            for queue in list(queues):
                queue.put_nowait(f"event: move\ndata: {body}\n\n".encode())

        app["fire"] = asyncio.create_task(later())

    app = web.Application()
    app.add_routes([web.get("/p/{token}/events", events)])
    app.on_startup.append(fire)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=8192)


async def follow(host: str, port: int, path: str, at: float, results: list, ready: list) -> None:
    """One page's stream: the first event is its state; then wait for the move at `at`."""
    reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    first = True
    try:
        while True:
            line = await reader.readline()
            if not line:
                results.append(None)
                return
            if not line.startswith(b"data: "):
                continue
            data = json.loads(line[6:])
            if first:
                first = False
                ready.append(1)
                continue
            room = (data.get("now") or {}).get("jitsi_room")
            if room:
                results.append(time.time() - at)
                return
    finally:
        writer.close()


async def clients(port: int, paths: list[str], at: float) -> dict:
    results: list[float | None] = []
    ready: list[int] = []
    tasks = []
    for i, path in enumerate(paths):
        tasks.append(asyncio.create_task(follow("127.0.0.1", port, path, at, results, ready)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    await asyncio.sleep(max(0.0, at - 1 - time.time()))  # all connected by then
    connected = len(ready)
    await asyncio.sleep(max(0.0, at - time.time()))
    cpu_at = time.process_time()  # this client's CPU from the boundary to the last move
    _done, pending = await asyncio.wait(tasks, timeout=max(0, at - time.time()) + 30)
    client_cpu = (time.process_time() - cpu_at) / max(time.time() - at, 1e-3)
    for task in pending:
        task.cancel()
    times = sorted(r for r in results if r is not None)
    return {"connected": connected, "received": len(times), "times": times, "cpu": client_cpu}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure(server: subprocess.Popen, port: int, paths: list[str], at: float) -> dict:
    before = rss_kib(server.pid)
    sample: dict = {}

    async def run() -> dict:
        async def memory() -> None:
            await asyncio.sleep(max(0.0, at - time.time() - 1.5))
            sample["rss"] = rss_kib(server.pid)

        probe = asyncio.create_task(memory())
        result = await clients(port, paths, at)
        await probe
        return result

    result = asyncio.run(run())
    times = result["times"]
    return {
        "clients": len(paths),
        "connected": result["connected"],
        "received": result["received"],
        "p50_ms": percentile(times, 0.5) * 1000,
        "p99_ms": percentile(times, 0.99) * 1000,
        "max_ms": (times[-1] if times else float("nan")) * 1000,
        "kib_per_client": (sample.get("rss", before) - before) / max(1, len(paths)),
        "client_cpu": result["cpu"],
    }


def one_size(count: int, work: Path) -> tuple[dict, dict]:
    import httpx

    lead = CONNECT_SECONDS.get(count, 10 + count // 150)
    event = work / f"event-{count}"
    subprocess.run(
        [
            str(BIN / "rota"),
            "example",
            "--teams",
            "50",
            "--audience",
            str(count + 200),
            "--out",
            str(event),
        ],
        check=True,
        capture_output=True,
    )
    # Round 1 starts `lead` seconds (+ start-up) from now: every page then moves into its room.
    boundary = datetime.now(UTC) + timedelta(seconds=lead + 8)
    local = boundary.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None)
    rota = subprocess.Popen(
        [
            str(BIN / "rota"),
            "serve",
            str(event / "programme.toml"),
            "--port",
            "8751",
            "--data-dir",
            str(work / f"var-{count}"),
            "--start-at",
            local.isoformat(),
        ],
        env={**os.environ, "ROTA_ORGANISER_TOKEN": TOKEN},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up("http://127.0.0.1:8751/healthz")
        people = httpx.get(
            "http://127.0.0.1:8751/api/v1/participants",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=60,
        ).json()
        plan = httpx.get(
            "http://127.0.0.1:8751/api/v1/plan",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=60,
        ).json()
        seated = {p for slot in plan["rounds"][0]["rooms"] for p in slot["audience"]}
        tokens = [p["token"] for p in people if p["id"] in seated][:count]
        time.sleep(1)
        spare = boundary.timestamp() - time.time() - count / 200 * 0.05
        if spare < 5:
            raise SystemExit(
                f"Rota was ready only {spare:.0f} s before the boundary with {count} clients "
                "still to connect: raise CONNECT_SECONDS in bench/fanout.py"
            )
        ours = measure(rota, 8751, [f"/p/{t}/events" for t in tokens], boundary.timestamp())
    finally:
        rota.terminate()
        rota.wait(20)
    at = time.time() + lead + 3
    bare = subprocess.Popen([sys.executable, __file__, "--bare", "8752", str(at)])
    try:
        wait_up("http://127.0.0.1:8752/p/x/events-not-here")
        time.sleep(1)
        base = measure(bare, 8752, [f"/p/{i}/events" for i in range(count)], at)
    finally:
        bare.kill()  # its open streams would hold a graceful shutdown
        bare.wait(20)
    return ours, base


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--bare", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_server(int(args.bare[0]), float(args.bare[1]))
        return
    header(
        "Participant streams at a boundary",
        f"bench/fanout.py --clients {' '.join(map(str, args.clients))}",
    )
    print("```")
    work = Path(tempfile.mkdtemp(prefix="rota-fanout-"))
    rows = []
    for count in args.clients:
        ours, base = one_size(count, work)
        rows.append((count, ours, base))
    print(
        f"{'clients':>8} {'server':<22}{'connected':>10}{'received':>9}{'p50 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'KiB/conn':>9}{'client CPU':>11}"
    )
    for count, ours, base in rows:
        for label, r in (("bare aiohttp SSE", base), ("rota /p/{token}/events", ours)):
            print(
                f"{count:>8} {label:<22}{r['connected']:>10}{r['received']:>9}{r['p50_ms']:>9.1f}"
                f"{r['p99_ms']:>9.1f}{r['max_ms']:>9.1f}{r['kib_per_client']:>9.1f}"
                f"{r['client_cpu']:>10.0%}"
            )
        ratio = ours["p99_ms"] / base["p99_ms"] if base["p99_ms"] else float("nan")
        print(f"{count:>8} p99 ratio rota / bare: {ratio:.2f} (target ≤ 1.5)")
    print("```")


if __name__ == "__main__":
    main()
