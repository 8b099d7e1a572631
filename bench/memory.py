"""Resident memory of one `rota serve` process: the bundled example, 10,000 participants, and
each open participant stream (SSE).

    .venv/bin/python bench/memory.py [--streams 1000]

For each event: RSS of the Rota process (its embedded redis-server not counted) once it
answers and its warm-up has run, then again after every person's `/go` was asked once (each
answer is then kept for the time segment). Per stream: `--streams` participants of the big
event open `/p/{token}/events`, each on its own connection; (RSS with them open − before) /
streams.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from loadgen import header, rss_kib, wrk
from support import ROOT, example_event, start_rota, stop, tokens, wait_up

PORT = 8771


async def hold_streams(port: int, paths: list[str], pid: int) -> tuple[int, int]:
    """Open every stream and read its first event; then, with all of them open, the
    server's RSS (KiB). Returns (streams opened, RSS)."""
    opened = 0
    writers = []

    async def one(path: str) -> None:
        nonlocal opened
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        writers.append(writer)
        while not (await reader.readline()).startswith(b"data: "):
            pass
        opened += 1

    for start in range(0, len(paths), 200):
        await asyncio.gather(*(one(p) for p in paths[start : start + 200]))
    await asyncio.sleep(1.0)
    rss = rss_kib(pid)
    for writer in writers:
        writer.close()
    return opened, rss


def settle(pid: int, seconds: float = 3.0) -> int:
    time.sleep(seconds)
    return rss_kib(pid)


def measure(programme: Path, data: Path, streams: int) -> dict[str, float]:
    rota = start_rota(programme, PORT, data, "--speed", "1", "--start-at", "now")
    try:
        wait_up(f"http://127.0.0.1:{PORT}/healthz", healthy=True, seconds=120)
        people = tokens(PORT)
        idle = settle(rota.pid)
        paths = data.parent / f"{data.name}-paths.txt"
        paths.write_text("".join(f"/go/{t}\n" for t in people))
        wrk("every /go once", f"http://127.0.0.1:{PORT}", "paths.lua", [str(paths)], seconds=2)
        clicked = settle(rota.pid)
        result = {"people": len(people), "idle_mib": idle / 1024, "clicked_mib": clicked / 1024}
        if streams:
            before = rss_kib(rota.pid)
            streams_paths = [f"/p/{t}/events" for t in people[:streams]]
            opened, rss = asyncio.run(hold_streams(PORT, streams_paths, rota.pid))
            result["streams"] = opened
            result["kib_per_stream"] = (rss - before) / max(1, opened)
        return result
    finally:
        stop(rota)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--audience", type=int, default=9781, help="with 50 teams: 10,000 people")
    args = parser.parse_args()
    header("Memory of one process", f"bench/memory.py --streams {args.streams}")
    work = Path(tempfile.mkdtemp(prefix="rota-bench-"))
    bundled = measure(ROOT / "examples" / "bip-2025" / "programme.toml", work / "var-example", 0)
    big_programme = example_event(work / "big", 50, args.audience)
    big = measure(big_programme, work / "var-big", args.streams)
    print("```")
    print(f"{'event':<40}{'people':>8}{'RSS MiB':>9}{'after /go':>11}")
    for name, r in (
        ("bundled example (examples/bip-2025)", bundled),
        (f"rota example --teams 50 --audience {args.audience}", big),
    ):
        print(f"{name:<40}{r['people']:>8.0f}{r['idle_mib']:>9.1f}{r['clicked_mib']:>11.1f}")
    print(
        f"\nper open participant stream: {big['kib_per_stream']:.1f} KiB "
        f"({big['streams']:.0f} streams open on the {big['people']:.0f}-person event)"
    )
    print("```")


if __name__ == "__main__":
    main()
