"""Where `/go`'s time goes: py-spy samples one `rota serve` (asyncio loop) under wrk, and the
bare aiohttp handler of bench/redirects.py under the same load, for comparison.

    .venv/bin/python bench/profile_go.py [--seconds 8] [--top 12]
    .venv/bin/python bench/profile_go.py --top-of RAW [REQUESTS]   # re-read a saved profile

Event: `rota example --teams 50 --audience 6000`, round 1 running; Rota is profiled once it
is idle (its warm-up of the next segment's answers done). For each server in turn,
wrk (one thread, 64 connections) walks the real tokens while py-spy records the server at
200 Hz. Printed per server: the functions with the most samples of their own ("self") and
Rota's functions with everything they call ("inclusive"), each as a share of the samples and
as CPU microseconds per request (samples × 5 ms over the requests wrk counted in py-spy's
window); then the functions on which Rota spends more per request than the bare handler.
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from loadgen import Run, header, settle, wrk
from support import BIN, example_event, start_rota, stop, tokens, wait_up

PORT, BARE_PORT = 8781, 8782
RATE = 200  # samples per second
FRAME = re.compile(r"(.*) \((.*):\d+\)$")
OURS = re.compile(r"\((orchestrator|rooms|schedules)/")


def short(frame: str) -> str:
    match = FRAME.match(frame)
    if not match:
        return frame
    function, path = match.groups()
    path = re.sub(r".*/(site-packages|lib/python3\.\d+)/", "", path)
    path = re.sub(r".*/(orchestrator|rooms|schedules)/", r"\1/", path)
    return f"{function} ({path})"


def count(raw: Path) -> tuple[int, collections.Counter[str], collections.Counter[str]]:
    own: collections.Counter[str] = collections.Counter()
    within: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        samples = int(n)
        total += samples
        frames = [short(f) for f in stack.split(";")]
        own[frames[-1]] += samples
        for frame in set(frames):
            within[frame] += samples
    return total, own, within


def top(raw: Path, number: int, requests: float = 0.0) -> str:
    total, own, within = count(raw)
    per = 1e6 / RATE / requests if requests else 0.0  # µs of CPU per sample and request

    def row(function: str, n: int) -> str:
        us = f"{n * per:7.1f} µs" if per else ""
        return f"  {n / total:6.1%}{us}  {function}"

    ours = [  # below the command line's frames
        (f, n)
        for f, n in within.most_common()
        if OURS.search(f) and "/cli/" not in f and "serving.py" not in f
    ]
    rows = [f"{total} samples" + (f", {total * per:.0f} µs per request" if per else "") + "; self:"]
    rows += [row(f, n) for f, n in own.most_common(number)]
    if ours:
        rows.append("Rota's functions, inclusive:")
        rows += [row(f, n) for f, n in ours[:number]]
    return "\n".join(rows)


def difference(rota: tuple[Path, float], bare: tuple[Path, float], number: int) -> str:
    """Self time per request, Rota minus bare, largest first."""
    (rota_raw, rota_requests), (bare_raw, bare_requests) = rota, bare
    _, rota_own, _ = count(rota_raw)
    _, bare_own, _ = count(bare_raw)
    us = 1e6 / RATE
    gaps = {
        f: rota_own[f] * us / rota_requests - bare_own[f] * us / bare_requests
        for f in set(rota_own) | set(bare_own)
    }
    total = sum(gaps.values())
    rows = [f"Rota − bare, self µs per request (total {total:+.1f} µs):"]
    rows += [
        f"  {gap:+7.1f} µs  {f}"
        for f, gap in sorted(gaps.items(), key=lambda x: -abs(x[1]))[:number]
    ]
    return "\n".join(rows)


def profile(pid: int, url: str, paths: Path, seconds: float, raw: Path) -> float:
    """Requests served during py-spy's window (wrk runs a second longer on each side)."""
    done: list[Run] = []
    load = threading.Thread(
        target=lambda: done.append(
            wrk("profile", url, "paths.lua", [str(paths)], seconds=seconds + 2)
        )
    )
    load.start()
    subprocess.run(
        [
            str(BIN / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            str(RATE),
            "--format",
            "raw",
            "--nonblocking",
            "--output",
            str(raw),
        ],
        check=True,
        capture_output=True,
    )
    load.join()
    return done[0].rps * int(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    header("Profile of /go under wrk (py-spy)", f"bench/profile_go.py --seconds {args.seconds:g}")
    work = Path(tempfile.mkdtemp(prefix="rota-bench-"))
    programme = example_event(work / "event", 50, 6000)
    rota = start_rota(
        programme, PORT, work / "var", "--loop", "asyncio", "--speed", "1", "--start-at", "now"
    )
    redirects = Path(__file__).with_name("redirects.py")
    bare = subprocess.Popen([sys.executable, str(redirects), "--bare", str(BARE_PORT), "asyncio"])
    try:
        wait_up(f"http://127.0.0.1:{PORT}/healthz", healthy=True, seconds=120)
        wait_up(f"http://127.0.0.1:{BARE_PORT}/go/x", healthy=True)
        settle(rota.pid)  # the warm-up of the next segment's answers done
        paths = work / "paths.txt"
        paths.write_text("".join(f"/go/{t}\n" for t in tokens(PORT)))
        measured = {}
        for name, process, port in (("rota", rota, PORT), ("bare", bare, BARE_PORT)):
            raw = work / f"{name}.txt"
            requests = profile(process.pid, f"http://127.0.0.1:{port}", paths, args.seconds, raw)
            measured[name] = (raw, requests)
    finally:
        stop(rota, bare)
    print("```")
    print(f"Rota /go ({measured['rota'][1] / int(args.seconds):.0f} req/s)")
    print(top(*measured["rota"][:1], args.top, measured["rota"][1]))
    print(f"\nbare aiohttp 302 ({measured['bare'][1] / int(args.seconds):.0f} req/s)")
    print(top(measured["bare"][0], args.top, measured["bare"][1]))
    print()
    print(difference(measured["rota"], measured["bare"], args.top))
    print("```")
    print(f"(raw profiles: {work})")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--top-of":  # re-read a saved profile
        print(top(Path(sys.argv[2]), 12, float(sys.argv[3]) if len(sys.argv) > 3 else 0.0))
    else:
        main()
