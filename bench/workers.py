"""`/go` served by one process against `rota serve --workers 2` on the same machine (wrk).

    .venv/bin/python bench/workers.py [--seconds 5] [--rounds 2] [--pin 1]

Event: `rota example --teams 50 --audience 6000`, the first round running (`--start-at now`).
Both set-ups run side by side on their own ports and data folders (each its embedded Redis)
and are measured alternately; wrk (one thread, 64 connections) walks each one's real tokens
and is pinned to core `--pin` with taskset (`--pin -1`: not pinned), so it does not take
turns with the workers on both cores. Reported: requests per second, p99, errors, wrk's CPU.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from loadgen import Run, Series, header, settle, wrk
from support import example_event, start_rota, stop, tokens, wait_up

PORTS = {1: 8761, 2: 8762}


def label(count: int) -> str:
    return f"rota /go, {count} worker{'s' if count > 1 else ''}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--pin", type=int, default=1, help="core for wrk; -1: not pinned")
    parser.add_argument("--loop", default="asyncio", choices=["asyncio", "uvloop"])
    args = parser.parse_args()
    pin = args.pin if args.pin >= 0 and args.pin < (os.cpu_count() or 1) else None
    header(
        "One process against --workers 2 (wrk)",
        f"bench/workers.py --seconds {args.seconds:g} --rounds {args.rounds} --pin {args.pin}",
    )
    work = Path(tempfile.mkdtemp(prefix="rota-bench-"))
    programme = example_event(work / "event", 50, 6000)
    servers: dict[int, subprocess.Popen[bytes]] = {}
    try:
        for count, port in PORTS.items():
            servers[count] = start_rota(
                programme,
                port,
                work / f"var-{count}",
                "--workers",
                str(count),
                "--loop",
                args.loop,
                "--speed",
                "1",
                "--start-at",
                "now",
            )
        paths: dict[int, Path] = {}
        for count, port in PORTS.items():
            wait_up(f"http://127.0.0.1:{port}/healthz", healthy=True, seconds=120)
            paths[count] = work / f"paths-{count}.txt"
            paths[count].write_text("".join(f"/go/{t}\n" for t in tokens(port)))
        if len(PORTS) > 1:  # the second worker starts after the first: let it come up
            wait_up(f"http://127.0.0.1:{PORTS[2]}/healthz", healthy=True)
        for server in servers.values():
            settle(server.pid)  # the warm-up of the next segment's answers done
        series = Series("workers")

        def measure(target: str) -> Run:
            count = int(target)
            return wrk(
                label(count),
                f"http://127.0.0.1:{PORTS[count]}",
                "paths.lua",
                [str(paths[count])],
                seconds=args.seconds,
                connections=args.connections,
                cpu=pin,
                server=servers[count].pid,
            )

        series.alternate(["1", "2"], args.rounds, measure)
    finally:
        stop(*servers.values())
    one, two = label(1), label(2)
    print("```")
    print(series.table())
    print()
    print(
        f"1 worker {series.rps(one):.0f} req/s (p99 {series.p99(one):.1f} ms), 2 workers "
        f"{series.rps(two):.0f} req/s (p99 {series.p99(two):.1f} ms): "
        f"{series.ratio(two, one):.2f}×; errors {sum(r.errors for r in series.runs)}; "
        f"wrk {'pinned to core ' + str(pin) if pin is not None else 'not pinned'}, "
        f"{args.connections} connections, {args.loop} loop"
    )
    print("```")


if __name__ == "__main__":
    main()
