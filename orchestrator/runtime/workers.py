"""`rota serve --workers N`: N processes answer on one port and share one Redis.

Each worker is an ordinary `rota serve` bound with `SO_REUSEPORT`, so the kernel spreads new
connections over them; they share the embedded Redis this process starts (or the one given),
and the leader lease already makes exactly one of them run the transitions. The first worker
starts alone (it may plan the rotation and start a rehearsal's clock); the others follow once
it answers, and only read what it stored. SIGTERM or Ctrl-C stops every worker, then Redis.
A worker that dies takes the group down with it, for systemd or Docker to restart whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from orchestrator.errors import SetupError
from orchestrator.storage.redis_server import EmbeddedRedis

log = logging.getLogger(__name__)
STOP_SECONDS = 15.0  # a worker's graceful shutdown takes up to 5 s (open streams, flushes)


def worker_count(value: str) -> int:
    """`auto` is the number of cores this process may run on."""
    if value == "auto":
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # not Linux
            return os.cpu_count() or 1
    try:
        count = int(value)
    except ValueError:
        raise SetupError(f"--workers {value}: give a number or auto") from None
    if count < 1:
        raise SetupError(f"--workers {value}: at least 1")
    return count


async def _accepting(host: str, port: int, process: asyncio.subprocess.Process) -> None:
    """Until something answers on the port (the first worker has finished starting)."""
    target = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    while True:
        if process.returncode is not None:
            raise SetupError(f"the first worker exited with {process.returncode} while starting")
        try:
            _, writer = await asyncio.open_connection(target, port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return


class Workers:
    """The supervisor: starts the workers, forwards a stop, and stops Redis last."""

    def __init__(
        self,
        count: int,
        arguments: Sequence[str],
        first_only: Sequence[str],
        host: str,
        port: int,
        redis_url: str | None,
        data_dir: Path,
        env: dict[str, str],
    ) -> None:
        self.count = count
        self.arguments = list(arguments)  # `rota serve …` options every worker gets
        self.first_only = list(first_only)  # e.g. --start-at: only the first worker applies it
        self.host = host
        self.port = port
        self.redis_url = redis_url
        self.data_dir = data_dir
        self.env = env
        self.processes: list[asyncio.subprocess.Process] = []
        self.stopping = asyncio.Event()

    async def _spawn(self, index: int, redis_url: str) -> asyncio.subprocess.Process:
        extra = self.first_only if index == 1 else ["--resume"]  # the run the first stored
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "orchestrator.cli",
            "serve",
            *self.arguments,
            *extra,
            "--redis",
            redis_url,
            "--worker",
            f"{index}/{self.count}",
            env=self.env,
        )

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stopping.set)
        embedded: EmbeddedRedis | None = None
        url = self.redis_url
        if not url:
            embedded = EmbeddedRedis(self.data_dir)
            await embedded.start()
            url = embedded.url
        try:
            return await self._run_workers(url)
        finally:
            await self._stop_workers()
            if embedded is not None:
                await embedded.stop()

    async def _run_workers(self, url: str) -> int:
        first = await self._spawn(1, url)
        self.processes.append(first)
        starting = asyncio.ensure_future(_accepting(self.host, self.port, first))
        stop = asyncio.ensure_future(self.stopping.wait())
        await asyncio.wait({starting, stop}, return_when=asyncio.FIRST_COMPLETED)
        if stop.done():
            starting.cancel()
            return 0
        stop.cancel()
        starting.result()  # raises when the first worker could not start
        for index in range(2, self.count + 1):
            self.processes.append(await self._spawn(index, url))
        log.info("%s workers started on port %s, sharing %s", self.count, self.port, _where(url))
        waits = {asyncio.ensure_future(p.wait()): p for p in self.processes}
        stop = asyncio.ensure_future(self.stopping.wait())
        done, _ = await asyncio.wait({stop, *waits}, return_when=asyncio.FIRST_COMPLETED)
        for future in waits:
            future.cancel()
        if stop in done:
            log.info("stopping %s workers", self.count)
            return 0
        stop.cancel()
        gone = next(waits[f] for f in done if f in waits)
        log.error("worker pid %s exited with %s: stopping the others", gone.pid, gone.returncode)
        return 1

    async def _stop_workers(self) -> None:
        running = [p for p in self.processes if p.returncode is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except TimeoutError:
                log.warning(
                    "worker pid %s did not stop within %g s; killing it", process.pid, STOP_SECONDS
                )
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()


def _where(url: str) -> str:
    """The Redis URL without a password."""
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url
