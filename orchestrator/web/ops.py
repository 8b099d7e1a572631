"""`/healthz` for load balancers and `rota health`; `/metrics` for Prometheus."""

from __future__ import annotations

import asyncio

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from orchestrator.appkeys import BOUNDARIES, CHANNEL_SYNC, METRICS, SETTINGS, STORE
from orchestrator.errors import StorageUnavailable


async def healthz(request: web.Request) -> web.Response:
    store = request.app[STORE]
    boundaries = request.app[BOUNDARIES]
    try:
        redis_ok = await asyncio.wait_for(store.ping(), 1.0)
    except (StorageUnavailable, OSError, TimeoutError):
        redis_ok = False
    body = {
        "redis": "ok" if redis_ok else "unreachable",
        "role": "leader" if boundaries.leader else "standby",
        "scheduler": "running" if boundaries.scheduler.running else "stopped",
        "pubsub": "ok" if request.app[CHANNEL_SYNC].connected.is_set() else "reconnecting",
    }
    worker = request.app[SETTINGS].worker
    if worker:  # which of `rota serve --workers N` answered
        body["worker"] = worker
    healthy = redis_ok and boundaries.scheduler.running
    body["status"] = "ok" if healthy else "unhealthy"
    return web.json_response(
        body, status=200 if healthy else 503, headers={"Cache-Control": "no-store"}
    )


async def metrics(request: web.Request) -> web.Response:
    registry = request.app[METRICS]
    try:
        depth = await asyncio.wait_for(request.app[STORE].outbox_length(), 1.0)
        registry.outbox_depth.set(depth)
    except (StorageUnavailable, OSError, TimeoutError):
        pass
    return web.Response(
        body=generate_latest(registry.registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )
