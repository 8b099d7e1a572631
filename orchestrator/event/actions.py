"""Organiser actions with their validation, shared by the API (bearer token) and the board
(session cookie + anti-forgery token): one place says what a valid request is. `by` names
where it came from ("api" or "board") for the journal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from orchestrator.errors import Refused
from orchestrator.event.api_bodies import (
    Broadcast,
    Broadcasted,
    Delay,
    Delayed,
    Extend,
    Extended,
    Move,
    Moved,
    parse,
)
from orchestrator.event.service import Service

Action = Callable[[Service, dict[str, Any], str], Awaitable[dict[str, Any]]]


async def delay(service: Service, data: dict[str, Any], by: str = "api") -> dict[str, Any]:
    clock = await service.change_clock("delay", parse(Delay, data).minutes, by)
    return Delayed(delay_minutes=clock.delay_minutes, version=clock.version).model_dump()


async def extend(service: Service, data: dict[str, Any], by: str = "api") -> dict[str, Any]:
    clock = await service.change_clock("extend", parse(Extend, data).minutes, by)
    return Extended(version=clock.version).model_dump()


async def move(service: Service, data: dict[str, Any], by: str = "api") -> dict[str, Any]:
    participant = data.get("participant")
    if not isinstance(participant, str) or not participant:
        raise Refused("`participant` must be a participant id")
    body = parse(Move, data)
    plan = await service.move(participant, body.round, body.room, by)
    return Moved(plan_version=plan.version).model_dump()


async def broadcast(service: Service, data: dict[str, Any], by: str = "api") -> dict[str, Any]:
    message = parse(Broadcast, data).message
    return Broadcasted(id=await service.broadcast(message, by)).model_dump()


ACTIONS: dict[str, Action] = {
    "delay": delay,
    "extend": extend,
    "move": move,
    "broadcast": broadcast,
}
