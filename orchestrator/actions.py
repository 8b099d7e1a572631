"""Organiser actions with their validation, shared by the API (bearer token) and the board
(session cookie + anti-forgery token): one place says what a valid request is."""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from orchestrator.service import ChangeRefused, Service

MAX_MINUTES = 24 * 60
MAX_BODY = 64_000

Action = Callable[[Service, dict[str, Any]], Awaitable[dict[str, Any]]]


async def read_body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise ChangeRefused("the request body is too large")
    try:
        data = json.loads(await request.read() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ChangeRefused("the body must be JSON") from None
    if not isinstance(data, dict):
        raise ChangeRefused("the body must be a JSON object")
    return data


def minutes(data: dict[str, Any], allow_negative: bool) -> float:
    value = data.get("minutes")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ChangeRefused("`minutes` must be a number")
    if abs(value) > MAX_MINUTES or (value < 0 and not allow_negative):
        raise ChangeRefused(
            f"`minutes` must be {'' if allow_negative else '0 to '}{MAX_MINUTES} at most"
        )
    return float(value)


async def delay(service: Service, data: dict[str, Any]) -> dict[str, Any]:
    clock = await service.change_clock("delay", minutes(data, allow_negative=True))
    return {"delay_minutes": clock.delay_minutes, "version": clock.version}


async def extend(service: Service, data: dict[str, Any]) -> dict[str, Any]:
    clock = await service.change_clock("extend", minutes(data, allow_negative=False))
    return {"version": clock.version}


async def move(service: Service, data: dict[str, Any]) -> dict[str, Any]:
    participant, round_index, room = data.get("participant"), data.get("round"), data.get("room")
    if not isinstance(participant, str) or not participant:
        raise ChangeRefused("`participant` must be a participant id")
    if isinstance(round_index, bool) or not isinstance(round_index, int):
        raise ChangeRefused("`round` must be a round number")
    if not isinstance(room, str) or not room:
        raise ChangeRefused("`room` must be a room id")
    plan = await service.move(participant, round_index, room)
    return {"plan_version": plan.version}


async def broadcast(service: Service, data: dict[str, Any]) -> dict[str, Any]:
    message = data.get("message")
    if not isinstance(message, str) or not message.strip():
        raise ChangeRefused("`message` must be non-empty text")
    if len(message) > 2000:
        raise ChangeRefused("`message` is limited to 2,000 characters")
    return {"id": await service.broadcast(message.strip())}


ACTIONS: dict[str, Action] = {
    "delay": delay,
    "extend": extend,
    "move": move,
    "broadcast": broadcast,
}
