"""Organiser actions with their validation, shared by the API (bearer token) and the board
(session cookie + anti-forgery token): one place says what a valid request is. `by` names
where it came from ("api" or "board") for the journal."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

from orchestrator.errors import Refused
from orchestrator.service import Service

MAX_MINUTES = 24 * 60

Action = Callable[[Service, dict[str, Any], str], Awaitable[dict[str, Any]]]


def minutes(data: dict[str, Any], allow_negative: bool) -> float:
    value = data.get("minutes")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Refused("`minutes` must be a number")
    if abs(value) > MAX_MINUTES or (value < 0 and not allow_negative):
        raise Refused(f"`minutes` must be {'' if allow_negative else '0 to '}{MAX_MINUTES} at most")
    return float(value)


async def delay(service: Service, data: dict[str, Any], by: str = "api") -> dict[str, Any]:
    clock = await service.change_clock("delay", minutes(data, allow_negative=True), by)
    return {"delay_minutes": clock.delay_minutes, "version": clock.version}


async def extend(service: Service, data: dict[str, Any], by: str = "api") -> dict[str, Any]:
    clock = await service.change_clock("extend", minutes(data, allow_negative=False), by)
    return {"version": clock.version}


async def move(service: Service, data: dict[str, Any], by: str = "api") -> dict[str, Any]:
    participant, round_index, room = data.get("participant"), data.get("round"), data.get("room")
    if not isinstance(participant, str) or not participant:
        raise Refused("`participant` must be a participant id")
    if isinstance(round_index, bool) or not isinstance(round_index, int):
        raise Refused("`round` must be a round number")
    if not isinstance(room, str) or not room:
        raise Refused("`room` must be a room id")
    plan = await service.move(participant, round_index, room, by)
    return {"plan_version": plan.version}


async def broadcast(service: Service, data: dict[str, Any], by: str = "api") -> dict[str, Any]:
    message = data.get("message")
    if not isinstance(message, str) or not message.strip():
        raise Refused("`message` must be non-empty text")
    if len(message) > 2000:
        raise Refused("`message` is limited to 2,000 characters")
    return {"id": await service.broadcast(message.strip(), by)}


ACTIONS: dict[str, Action] = {
    "delay": delay,
    "extend": extend,
    "move": move,
    "broadcast": broadcast,
}
