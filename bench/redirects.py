"""`/go/{token}` throughput against a bare aiohttp handler, with wrk; then a burst at a boundary.

    .venv/bin/python bench/redirects.py [--seconds 5] [--rounds 5] [--connections 64]

Event: `rota example --teams 50 --audience 6000` (6,264 people), each server one process on
loopback, access log off, listen backlog 4,096. The bare handler answers a constant 302 with
the same headers. wrk (one thread, 64 keep-alive connections) walks the list of real personal
tokens (`bench/lua/paths.lua`); the targets are measured alternately, `--rounds` times each:
bare and Rota on the default asyncio loop, then both again on uvloop. Then a burst (issue 3):
5,000 different tokens, one new connection each, spread over one second from the start of
round 1 (raw asyncio streams: a latency figure, not a throughput one). Each Rota is measured
once it is idle (its warm-up of the next segment's answers done: `loadgen.settle`), and round
1 starts after the runs (10 minutes later with `--no-burst`). Targets (issue 14):
Rota ≥ 0.85× the bare handler on the default loop, p99 under 20 ms, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from loadgen import Series, header, settle, wrk
from support import example_event, percentile, start_rota, stop, tokens, wait_up

BARE, ROTA = "bare aiohttp 302", "rota /go/{token}"
PORTS = {"asyncio": (8741, 8742), "uvloop": (8743, 8744)}


def bare_server(port: int, loop: str) -> None:
    from aiohttp import web

    async def go(request: web.Request) -> web.Response:
        return web.Response(
            status=302,
            headers={"Location": "https://meet.jit.si/bench-room", "Cache-Control": "no-store"},
        )

    app = web.Application(client_max_size=1024 * 1024)
    app.add_routes([web.get("/go/{token}", go)])
    event_loop = None
    if loop == "uvloop":
        import uvloop

        event_loop = uvloop.new_event_loop()
    web.run_app(
        app,
        host="127.0.0.1",
        port=port,
        print=None,
        access_log=None,
        backlog=4096,
        loop=event_loop,
    )


async def burst(urls: list[str], at: float, within: float = 1.0) -> dict:
    """Each URL once, on its own new connection (5,000 people, 5,000 browsers), their start
    times spread evenly over `within` seconds from `at`."""
    from urllib.parse import urlsplit

    latencies: list[float] = []
    errors = 0

    async def one(url: str, when: float) -> None:
        nonlocal errors
        await asyncio.sleep(max(when - time.time(), 0))
        parts = urlsplit(url)
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
            writer.write(
                f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            status = await reader.readline()
            await reader.read()
            writer.close()
            if b" 302 " not in status:
                errors += 1
        except OSError:
            errors += 1
        latencies.append(time.perf_counter() - started)

    step = within / len(urls)
    began = time.process_time()
    await asyncio.gather(*(one(u, at + i * step) for i, u in enumerate(urls)))
    elapsed = time.time() - at
    return {
        "requests": len(latencies),
        "errors": errors,
        "rate": len(latencies) / elapsed,
        "client_cpu": (time.process_time() - began) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies) * 1000,
    }


def run_burst(urls: list[str], at: float) -> dict:
    """In a separate process, as the sustained load is."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(urls, f)
    out = subprocess.run(
        [sys.executable, __file__, "--burst", f.name, str(at)],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(f.name).unlink()
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds of A B or B A (the median of their ratios is printed)",
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--loops", nargs="+", default=["asyncio", "uvloop"])
    parser.add_argument("--no-burst", action="store_true")
    parser.add_argument("--bare", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--burst", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_server(int(args.bare[0]), args.bare[1])
        return
    if args.burst:
        urls = json.loads(Path(args.burst[0]).read_text())
        print(json.dumps(asyncio.run(burst(urls, float(args.burst[1])))))
        return

    header(
        "/go against a bare aiohttp handler (wrk)",
        f"bench/redirects.py --seconds {args.seconds:g} --rounds {args.rounds}",
    )
    work = Path(tempfile.mkdtemp(prefix="rota-bench-"))
    programme = example_event(work / "event", 50, 6000)
    targets = [(loop, who) for loop in args.loops for who in ("bare", "rota")]
    sustained = len(targets) * args.rounds * (args.seconds + 0.5)
    # round 1 starts after the runs (a boundary inside them would start the warm-up of the
    # next segment's answers there); without the burst, well after
    lead = 600 if args.no_burst else 60
    boundary = datetime.now(UTC) + timedelta(seconds=lead + sustained)
    start_at = boundary.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None).isoformat()
    servers: list[subprocess.Popen[bytes]] = []
    pids: dict[tuple[str, str], int] = {}
    try:
        for loop in args.loops:
            rota_port, bare_port = PORTS[loop]
            servers.append(
                start_rota(
                    programme,
                    rota_port,
                    work / f"var-{loop}",
                    "--loop",
                    loop,
                    "--start-at",
                    start_at,
                )
            )
            servers.append(
                subprocess.Popen([sys.executable, __file__, "--bare", str(bare_port), loop])
            )
            pids[loop, "rota"], pids[loop, "bare"] = servers[-2].pid, servers[-1].pid
        for loop in args.loops:
            rota_port, bare_port = PORTS[loop]
            wait_up(f"http://127.0.0.1:{rota_port}/healthz", healthy=True)
            wait_up(f"http://127.0.0.1:{bare_port}/go/x", healthy=True)
            settle(pids[loop, "rota"])  # the warm-up of the next segment done
        paths = {}
        for loop in args.loops:  # each Rota has its own Redis, so its own tokens
            people = tokens(PORTS[loop][0])
            paths[loop] = work / f"paths-{loop}.txt"
            paths[loop].write_text("".join(f"/go/{t}\n" for t in people))
        series = Series("go")

        def measure(target: str) -> object:
            loop, who = target.split(" ", 1)
            port = PORTS[loop][0 if who == "rota" else 1]
            name = f"{ROTA if who == 'rota' else BARE} ({loop})"
            return wrk(
                name,
                f"http://127.0.0.1:{port}",
                "paths.lua",
                [str(paths[loop])],
                seconds=args.seconds,
                connections=args.connections,
                server=pids[loop, who],
            )

        series.alternate([f"{loop} {who}" for loop, who in targets], args.rounds, measure)
        burst_result = None
        if not args.no_burst and "asyncio" in args.loops:
            at = boundary.timestamp()
            mine = tokens(PORTS["asyncio"][0])[:5000]
            urls = [f"http://127.0.0.1:{PORTS['asyncio'][0]}/go/{t}" for t in mine]
            if at - time.time() > 2:
                burst_result = run_burst(urls, at)
            else:  # start-up took longer than planned on a busy machine
                print("(no burst: the servers started too slowly to reach round 1's start)")
    finally:
        stop(*servers)

    print("```")
    print(series.table())
    print()
    for loop in args.loops:
        bare, rota = f"{BARE} ({loop})", f"{ROTA} ({loop})"
        errors = sum(r.errors for r in series.of(rota))
        print(
            f"{loop}: rota {series.rps(rota):.0f} req/s, bare {series.rps(bare):.0f} req/s, "
            f"ratio {series.ratio(rota, bare):.2f}"
            + (" (target ≥ 0.85)" if loop == "asyncio" else "")
            + f", {series.pairs(rota, bare)}"
            + f"; CPU per request bare {series.cpu_per_request(bare):.0f} µs, rota "
            f"{series.cpu_per_request(rota):.0f} µs (ratio {series.cpu_ratio(rota, bare):.2f})"
            + f"; rota p99 {series.p99(rota):.1f} ms (target < 20), errors {errors}"
        )
    if set(args.loops) == {"asyncio", "uvloop"}:
        on, off = f"{ROTA} (uvloop)", f"{ROTA} (asyncio)"
        print(f"uvloop on/off for rota: {series.ratio(on, off):.2f}×")
    if burst_result:
        b = burst_result
        print(
            f"burst at round 1's start: {b['requests']} new connections in 1 s, p50 "
            f"{b['p50_ms']:.1f} ms, p99 {b['p99_ms']:.1f} ms (target < 100), max "
            f"{b['max_ms']:.1f} ms, errors {b['errors']}, client CPU {b['client_cpu']:.0%}"
        )
    print(
        f"{args.connections} connections, {args.seconds:g} s per run, wrk -t1; "
        f"event of {len(people)} people"
    )
    print("```")


if __name__ == "__main__":
    main()
