"""What every benchmark script needs: starting servers, waiting for them, and percentiles."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-4Tq8Wm2Xz7Rk9Lp-organiser"


def wait_up(url: str, healthy: bool = False, seconds: float = 180.0) -> None:
    """Until `url` answers at all (or, with `healthy`, answers below 500)."""
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status = httpx.get(url, timeout=1).status_code
        except httpx.HTTPError:
            status = None
        if status is not None and (not healthy or status < 500):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def example_event(out: Path, teams: int, audience: int) -> Path:
    """A generated event (`rota example`); returns its programme file."""
    subprocess.run(
        [
            str(BIN / "rota"),
            "example",
            "--teams",
            str(teams),
            "--audience",
            str(audience),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out / "programme.toml"


def start_rota(
    programme: Path, port: int, data_dir: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`rota serve` in its own process with its embedded Redis under `data_dir`."""
    return subprocess.Popen(
        [
            str(BIN / "rota"),
            "serve",
            str(programme),
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *extra,
        ],
        env={**os.environ, "ROTA_ORGANISER_TOKEN": TOKEN, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def tokens(port: int) -> list[str]:
    import httpx

    people = httpx.get(
        f"http://127.0.0.1:{port}/api/v1/participants",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    ).json()
    return [p["token"] for p in people]


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
