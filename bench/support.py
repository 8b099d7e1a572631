"""What every benchmark script needs: waiting for a server to answer, and percentiles."""

from __future__ import annotations

import time


def wait_up(url: str, healthy: bool = False, seconds: float = 60.0) -> None:
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
