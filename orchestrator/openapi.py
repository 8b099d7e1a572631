"""The organiser API described as OpenAPI 3.1; a test keeps it in agreement with the router."""

from __future__ import annotations

from typing import Any

ERROR = {
    "description": "the change does not apply; `error` says why",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
UNAUTHORISED = {"description": "missing or wrong organiser token"}


def _op(
    summary: str, body: dict[str, Any] | None = None, ok: str = "200", public: bool = False
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": {ok: {"description": "ok"}}}
    if not public:
        operation["responses"]["401"] = UNAUTHORISED
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
        operation["responses"]["400"] = ERROR
    if public:
        operation["security"] = []
    return operation


MINUTES = {"type": "object", "required": ["minutes"], "properties": {"minutes": {"type": "number"}}}
PID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]


def spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rota organiser API", "version": "1"},
        "components": {
            "securitySchemes": {"organiser": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "string"}}}},
        },
        "security": [{"organiser": []}],
        "paths": {
            "/api/v1/state": {"get": _op("the live state: clock, current round, every room")},
            "/api/v1/plan": {"get": _op("the current plan (the planner's JSON)")},
            "/api/v1/rooms": {"get": _op("rooms with their video room names and URLs")},
            "/api/v1/participants": {
                "get": {
                    **_op(
                        "participants with their personal links; `format=csv|xlsx|json`: the "
                        "table of `rota links` (e-mail, language, zone, first place and time)"
                    ),
                    "parameters": [
                        {
                            "name": "format",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["csv", "json", "xlsx"]},
                        }
                    ],
                }
            },
            "/api/v1/participants/{id}": {
                "get": {**_op("where one participant is sent now"), "parameters": PID}
            },
            "/api/v1/clock/delay": {
                "post": _op(
                    "shift everything not yet started by `minutes` (negative: earlier)", MINUTES
                )
            },
            "/api/v1/rounds/current/extend": {
                "post": _op(
                    "lengthen the running round by `minutes` and shift later rounds", MINUTES
                )
            },
            "/api/v1/participants/{id}/move": {
                "post": {
                    **_op(
                        "put one participant in another room for one round",
                        {
                            "type": "object",
                            "required": ["round", "room"],
                            "properties": {
                                "round": {"type": "integer"},
                                "room": {"type": "string"},
                            },
                        },
                    ),
                    "parameters": PID,
                }
            },
            "/api/v1/participants/{id}/revoke": {
                "post": {
                    **_op("replace a participant's personal link; the old one stops working"),
                    "parameters": PID,
                }
            },
            "/api/v1/broadcast": {
                "post": _op(
                    "a message to every participant page",
                    {
                        "type": "object",
                        "required": ["message"],
                        "properties": {"message": {"type": "string", "maxLength": 2000}},
                    },
                    ok="201",
                )
            },
            "/api/v1/replan": {
                "post": _op(
                    "replan the rounds not yet begun after a late arrival, a departure, a team "
                    "dropping out or a room lost",
                    {
                        "type": "object",
                        "required": ["change"],
                        "properties": {
                            "change": {
                                "enum": ["late_arrival", "departure", "team_dropout", "room_lost"]
                            },
                            "participant": {"oneOf": [{"type": "string"}, {"type": "object"}]},
                            "team": {"type": "string"},
                            "room": {"type": "string"},
                            "replacement": {"type": "string"},
                        },
                    },
                )
            },
            "/api/v1/keynotes/{id}/attendance": {
                "get": {
                    **_op("keynote attendance rebuilt from the stored room events; `?format=csv`"),
                    "parameters": [
                        *PID,
                        {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"]}},
                    ],
                }
            },
            "/api/v1/results": {
                "get": _op(
                    "the jury's results: per team raw and severity-corrected totals, rank with "
                    "a bootstrap interval, comments, audience ratings; jurors' severity and "
                    "flags; awards with suggested and assigned teams (docs/scoring.md)"
                )
            },
            "/api/v1/awards/{id}": {
                "post": {
                    **_op(
                        "assign an award's winners; announces `award.announced` through the "
                        "notifications, and as a broadcast when `broadcast` is true",
                        {
                            "type": "object",
                            "required": ["teams"],
                            "properties": {
                                "teams": {"type": "array", "items": {"type": "string"}},
                                "broadcast": {"type": "boolean"},
                            },
                        },
                    ),
                    "parameters": PID,
                }
            },
            "/api/v1/rounds/{n}/attendance": {
                "get": {
                    **_op(
                        "plan against reality for one round: minutes in the assigned room and "
                        "elsewhere"
                    ),
                    "parameters": [
                        {"name": "n", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                }
            },
            "/api/v1/notify/subscribers": {
                "get": _op("notification subscribers (secrets never shown)"),
                "post": _op(
                    "add a subscriber; a webhook's secret is made up when not given and shown "
                    "once in the answer; private addresses are refused",
                    {
                        "type": "object",
                        "required": ["url"],
                        "properties": {
                            "url": {"type": "string"},
                            "kind": {
                                "enum": ["webhook", "slack", "teams", "discord", "matrix", "ntfy"]
                            },
                            "events": {"type": "array", "items": {"type": "string"}},
                            "secret": {"type": "string"},
                        },
                    },
                    ok="201",
                ),
            },
            "/api/v1/notify/subscribers/{id}": {
                "delete": {**_op("remove a subscriber"), "parameters": PID}
            },
            "/api/v1/notify/subscribers/{id}/test": {
                "post": {**_op("send a test notification", ok="202"), "parameters": PID}
            },
            "/api/v1/notify/deliveries": {
                "get": {
                    **_op("deliveries by status (failed: the dead letters)"),
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"enum": ["failed", "pending", "delivered"]},
                        }
                    ],
                }
            },
            "/api/v1/notify/deliveries/{id}/redeliver": {
                "post": {**_op("deliver a failed one again", ok="202"), "parameters": PID}
            },
            "/api/v1/openapi.json": {"get": _op("this description", public=True)},
        },
    }
