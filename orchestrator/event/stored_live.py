"""The running event rebuilt from its stored state, for the commands that read it without
serving it (`rota attendance`, `rota results`, …): storage/stored_event.py opens the store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TypeVar

from orchestrator.errors import SetupError
from orchestrator.event.live import Live
from orchestrator.storage.erasure import without_erased
from orchestrator.storage.store import Store
from orchestrator.storage.stored_event import stored_event
from rooms.links import JitsiConfig
from schedules.model import Programme

T = TypeVar("T")


async def live_from_store(programme: Programme, store: Store, jitsi: JitsiConfig) -> Live:
    programme = await without_erased(store, programme)
    plan = await store.load_plan()
    clock = await store.load_clock()
    if plan is None or clock is None:
        raise SetupError(f"event {programme.event.id!r} has no stored plan; serve it first")
    return Live.build(
        programme,
        plan,
        clock,
        await store.tokens(),
        await store.revoked_tokens(),
        await store.room_salt(),
        2.0,
        "",
        jitsi,
    )


Work = Callable[[Live, Store], Awaitable[T]]


async def with_stored_event(
    programme: Programme,
    redis_url: str | None,
    data_dir: Path,
    work: Work[T],
    environ: Mapping[str, str] | None = None,
) -> T:
    """`work(live, store)` against the event's stored state (`rota attendance`, `rota
    results`); SetupError when nothing is stored. `environ` (the one `rota` read) holds
    ROTA_JITSI_SECRET for the rooms' links."""
    async with stored_event(programme, redis_url, data_dir) as store:
        jitsi = JitsiConfig.from_section(
            programme.sections.get("jitsi"),
            environ or {},
            base=programme.source.parent if programme.source else None,
        )
        return await work(await live_from_store(programme, store, jitsi), store)
