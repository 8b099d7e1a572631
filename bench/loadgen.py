"""Driving servers with wrk (C, one thread) and reporting what it saw and what it cost.

A load generator written in Python saturates before aiohttp does on this machine, so every
throughput benchmark uses wrk; each run also reports wrk's own CPU share (user + system time
over wall time, of one core) so a reader can see that the generator was not the limit.
Targets are measured alternately (A B A B …) in the same run, so a noisy neighbour on a
shared machine hits both sides of a ratio alike.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"
ROOT = Path(__file__).resolve().parents[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["sh", str(ROOT / "scripts" / "ensure-wrk")], check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed for the benchmarks: apt-get install wrk")
    return found


@dataclass
class Run:
    """One wrk run against one target."""

    target: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    wrk_cpu: float  # share of one core used by wrk itself
    load: str  # the 1-minute load average when it ran
    server_us: float = 0.0  # CPU time of the server's processes (and children) per request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load_average() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def wrk(
    target: str,
    url: str,
    script: str,
    args: Sequence[str] = (),
    *,
    seconds: float = 5,
    connections: int = 64,
    threads: int = 1,
    cpu: int | None = None,
    server: int | None = None,
) -> Run:
    """Run wrk for `seconds`; `cpu` pins it to that core (taskset); `server` is the pid whose
    process tree's CPU time per request is reported (robust on a busy machine, where
    requests per second move with the neighbours' load)."""
    command = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA / script),
        url,
    ]
    if args:
        command += ["--", *args]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    load = load_average()
    server_before = tree_cpu_seconds(server) if server else 0.0
    began = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # reaps it, with its own CPU times
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - began
        out.seek(0)
        text = out.read().decode(errors="replace")
    cpu_seconds = usage.ru_utime + usage.ru_stime
    server_seconds = tree_cpu_seconds(server) - server_before if server else 0.0
    line = next((x for x in text.splitlines() if x.startswith("WRK-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary: {text}")
    data = json.loads(line.removeprefix("WRK-JSON "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Run(
        target=target,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        wrk_cpu=cpu_seconds / wall,
        load=load,
        server_us=server_seconds / data["requests"] * 1e6 if data["requests"] else 0.0,
    )


def tree_cpu_seconds(pid: int) -> float:
    """User + system time of `pid` and all its descendants (workers, redis-server)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    family = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in family and child not in family:
                family.add(child)
                grew = True
    return sum(times.get(p, 0.0) for p in family)


def settle(pid: int, share: float = 0.05, quiet: int = 7, within: float = 120.0) -> float:
    """Wait until `pid`'s process tree has used under `share` of a core in each of `quiet`
    seconds in a row: Rota works out every person's answers for the current time segment at
    start and for the next one 5 s later (orchestrator/boundaries/go_answers.py), which
    would otherwise fall into the first run. Returns the seconds waited."""
    began = time.monotonic()
    calm = 0
    while calm < quiet and time.monotonic() - began < within:
        before = tree_cpu_seconds(pid)
        time.sleep(1.0)
        calm = calm + 1 if tree_cpu_seconds(pid) - before < share else 0
    return time.monotonic() - began


@dataclass
class Series:
    """Runs of several targets, alternated, and what to print about them."""

    title: str
    runs: list[Run] = field(default_factory=list)

    def alternate(self, targets: Sequence[str], rounds: int, measure: Callable[[str], Run]) -> None:
        """A B, then B A, …: a drift in the machine's speed over the rounds hits both."""
        for round_ in range(rounds):
            for target in targets if round_ % 2 == 0 else list(reversed(targets)):
                self.runs.append(measure(target))

    def of(self, target: str) -> list[Run]:
        return [r for r in self.runs if r.target == target]

    def rps(self, target: str) -> float:
        runs = self.of(target)
        return sum(r.requests for r in runs) / sum(r.seconds for r in runs)

    def p99(self, target: str) -> float:
        return max(r.p99_ms for r in self.of(target))

    def ratio(self, target: str, baseline: str) -> float:
        return self.rps(target) / self.rps(baseline)

    def pair_ratios(self, target: str, baseline: str) -> list[float]:
        """Each round's ratio of `target` to the `baseline` run next to it. On a shared
        machine the speed of a core drifts between runs a minute apart (the bare handler
        alone has measured 7,500 and 12,500 req/s within a minute), so the median of the
        rounds says more than one pooled figure, and the spread shows the noise."""
        return [t.rps / b.rps for t, b in zip(self.of(target), self.of(baseline), strict=False)]

    def pairs(self, target: str, baseline: str) -> str:
        """ "median 0.87 (rounds 0.80–0.95)"."""
        ratios = sorted(self.pair_ratios(target, baseline))
        middle = len(ratios) // 2
        median = ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2
        return f"median of rounds {median:.2f} ({ratios[0]:.2f}–{ratios[-1]:.2f})"

    def cpu_per_request(self, target: str) -> float:
        """Server CPU µs per request over all runs of `target`."""
        runs = self.of(target)
        return sum(r.server_us * r.requests for r in runs) / sum(r.requests for r in runs)

    def cpu_ratio(self, target: str, baseline: str) -> float:
        """The baseline's CPU per request over the target's: the throughput ratio the two
        would reach when each has a core to itself."""
        return self.cpu_per_request(baseline) / self.cpu_per_request(target)

    def table(self) -> str:
        rows = [
            f"{'target':<34}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}"
            f"{'CPU µs/req':>11}{'wrk CPU':>8}{'load':>7}"
        ]
        for r in self.runs:
            rows.append(
                f"{r.target:<34}{r.rps:>9.0f}{r.p50_ms:>8.2f}{r.p99_ms:>8.2f}{r.errors:>7}"
                f"{r.server_us:>11.0f}{r.wrk_cpu:>8.0%}{r.load:>7}"
            )
        return "\n".join(rows)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {load_average()}"
    )


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def header(title: str, command: str) -> None:
    print(f"\n## {title}\n\n`{command}` — {machine()}\n", flush=True)


if __name__ == "__main__":  # pragma: no cover - a quick check: python bench/loadgen.py URL
    print(wrk("target", sys.argv[1], "paths.lua", [sys.argv[2]]))
