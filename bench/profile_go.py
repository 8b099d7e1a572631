"""Where `/go`'s time goes: py-spy samples one `rota serve` (asyncio loop) under wrk.

    .venv/bin/python bench/profile_go.py [--seconds 8] [--top 12]

Event: `rota example --teams 50 --audience 6000`, round 1 running. wrk (one thread, 64
connections) walks the real tokens while py-spy records the server at 200 Hz; printed: the
functions with the most samples of their own ("self"), and Rota's own functions with
everything they call ("inclusive"), as shares of all samples.
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

from loadgen import header, wrk
from support import BIN, example_event, start_rota, stop, tokens, wait_up

PORT = 8781
FRAME = re.compile(r"(.*) \((.*):\d+\)$")


def short(frame: str) -> str:
    match = FRAME.match(frame)
    if not match:
        return frame
    function, path = match.groups()
    path = re.sub(r".*/(site-packages|lib/python3\.\d+)/", "", path)
    path = re.sub(r".*/(orchestrator|rooms|schedules)/", r"\1/", path)
    return f"{function} ({path})"


def top(raw: Path, count: int) -> str:
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
    ours = [  # below the command line's frames
        (f, n)
        for f, n in within.most_common()
        if re.search(r"\((orchestrator|rooms|schedules)/", f) and "/cli.py" not in f
    ]
    rows = [f"{total} samples; self:"]
    rows += [f"  {n / total:6.1%}  {f}" for f, n in own.most_common(count)]
    rows.append("Rota's functions, inclusive:")
    rows += [f"  {n / total:6.1%}  {f}" for f, n in ours[:count]]
    return "\n".join(rows)


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
    raw = work / "profile.txt"
    try:
        wait_up(f"http://127.0.0.1:{PORT}/healthz", healthy=True, seconds=120)
        paths = work / "paths.txt"
        paths.write_text("".join(f"/go/{t}\n" for t in tokens(PORT)))
        load = threading.Thread(
            target=wrk,
            args=("profile", f"http://127.0.0.1:{PORT}", "paths.lua", [str(paths)]),
            kwargs={"seconds": args.seconds + 2},
        )
        load.start()
        subprocess.run(
            [
                str(BIN / "py-spy"),
                "record",
                "--pid",
                str(rota.pid),
                "--duration",
                str(int(args.seconds)),
                "--rate",
                "200",
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
    finally:
        stop(rota)
    print("```")
    print(top(raw, args.top))
    print("```")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--top-of":  # re-read a saved profile
        print(top(Path(sys.argv[2]), 12))
    else:
        main()
