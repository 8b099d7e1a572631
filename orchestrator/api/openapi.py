"""The organiser API described as OpenAPI 3.1, built from the typed models that validate the
requests (api_models.py), with every status each operation can answer. A test keeps it in
agreement with the router; schemathesis (tests/test_openapi_fuzz.py) checks the running
service against it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode

from orchestrator.event import api_bodies as m

REF = "#/components/schemas/{model}"
STATUS_WORDS = {
    400: "refused; `error` says why",
    401: "missing or wrong organiser token",
    403: "not allowed for this award",
    404: "no such thing (participant, keynote, round, subscriber, delivery, award)",
    408: "the request body did not arrive in time",
    409: "the thing is in a state where this does not apply",
    413: "the body is too large",
    429: "too many failed logins from this client; `Retry-After` says when to try again",
    503: "not now (the event has not started, or Redis is away); `Retry-After` when known",
}
ANY_OBJECT = {"type": "object"}
LIST_OF_OBJECTS = {"type": "array", "items": {"type": "object"}}
CSV = {"text/csv": {"schema": {"type": "string"}}}


class _Schemas:
    """Collects each model's JSON schema once, under components/schemas."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def ref(self, model: type[BaseModel], mode: JsonSchemaMode = "serialization") -> dict[str, Any]:
        schema = model.model_json_schema(ref_template=REF, mode=mode)
        self.components.update(schema.pop("$defs", {}))
        self.components[model.__name__] = schema
        return {"$ref": REF.format(model=model.__name__)}


def _path(name: str, kind: str = "string") -> dict[str, Any]:
    bounds = {"minimum": 1, "maximum": 1000} if kind == "integer" else {"maxLength": 200}
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind, **bounds}}


def _query(name: str, values: list[str]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"enum": values}}


AUDIENCE = "$response.body#/rounds/0/rooms/0/audience/0"  # in the plan: someone to erase


def _participant_link(value: str, then: str = "get") -> dict[str, Any]:
    """An OpenAPI link to `GET /api/v1/participants/{id}` (or `then` = erase). Schemathesis's
    stateful phase follows them: the list's first person, erased, then their seat and id."""
    path = "~1api~1v1~1participants~1{id}" + ("~1erase/post" if then == "erase" else "/get")
    return {"operationRef": f"#/paths/{path}", "parameters": {"id": value}}


def spec() -> dict[str, Any]:
    schemas = _Schemas()
    error = {"application/json": {"schema": schemas.ref(m.Error)}}

    def op(
        summary: str,
        ok: tuple[int, dict[str, Any]],
        *,
        body: type[m.Body] | None = None,
        statuses: tuple[int, ...] = (),
        parameters: list[dict[str, Any]] | None = None,
        extra_content: dict[str, Any] | None = None,
        links: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        status, schema = ok
        content = {"application/json": {"schema": schema}, **(extra_content or {})}
        answers: dict[str, Any] = {str(status): {"description": "done", "content": content}}
        if links:
            answers[str(status)]["links"] = links
        every = {401, 429, 503, *statuses}
        if body is not None:
            every |= {400, 408, 413}
        if parameters and any(p["in"] == "path" for p in parameters):
            every.add(404)
        if parameters and any(p["in"] == "query" for p in parameters):
            every.add(400)
        for code in sorted(every):
            answers[str(code)] = {"description": STATUS_WORDS[code], "content": error}
        operation: dict[str, Any] = {"summary": summary, "responses": answers}
        if parameters:
            operation["parameters"] = parameters
        if body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": schemas.ref(body, "validation")}},
            }
        return operation

    pid = [_path("id")]
    paths: dict[str, Any] = {
        "/api/v1/state": {
            "get": op("the live state: clock, current round, every room", (200, ANY_OBJECT))
        },
        "/api/v1/plan": {
            "get": op(
                "the current plan (the planner's JSON)",
                (200, ANY_OBJECT),
                links={
                    "AnAudienceMember": _participant_link(AUDIENCE),
                    "EraseAnAudienceMember": _participant_link(AUDIENCE, "erase"),
                },
            )
        },
        "/api/v1/rooms": {
            "get": op(
                "every room with how people join it: a Jitsi room's name and URL, or a link "
                "room's own link (`kind`)",
                (200, {"type": "array", "items": schemas.ref(m.RoomListed)}),
            )
        },
        "/api/v1/participants": {
            "get": op(
                "participants with their personal links; `format=csv|xlsx|json`: the table of "
                "`rota links` (e-mail, language, zone, first place and time)",
                (200, LIST_OF_OBJECTS),
                parameters=[_query("format", ["csv", "json", "xlsx"])],
                extra_content={
                    **CSV,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                },
            )
        },
        "/api/v1/invitations": {
            "post": op(
                "e-mail everyone (or `only` these ids) their personal link; people already "
                "invited are skipped unless `resend`; 409 without [mail]",
                (202, ANY_OBJECT),
                body=m.Invite,
                statuses=(409,),
            ),
            "get": op(
                "every e-mail sent or tried (invitations, reminders, agenda changes); "
                "`?status=failed` lists the failures with the server's reason",
                (200, LIST_OF_OBJECTS),
                parameters=[_query("status", ["sent", "failed", "sending"])],
                statuses=(409,),
            ),
        },
        "/api/v1/participants/{id}": {
            "get": op(
                "where one participant is sent now (`link` null for an erased person's "
                "anonymous seat, which has none; 404 for the erased id)",
                (200, ANY_OBJECT),
                parameters=pid,
            )
        },
        "/api/v1/participants/{id}/export": {
            "get": op(
                "everything stored about one participant (docs/privacy.md)",
                (200, ANY_OBJECT),
                parameters=pid,
            )
        },
        "/api/v1/participants/{id}/erase": {
            "post": op(
                "erase one participant for good; an anonymous seat keeps their place "
                "(409 for a seat: it is nobody)",
                (200, ANY_OBJECT),
                parameters=pid,
                statuses=(409,),
                links={
                    "TheSeat": _participant_link("$response.body#/seat"),
                    "TheErasedId": _participant_link("$request.path.id"),
                },
            )
        },
        "/api/v1/clock/delay": {
            "post": op(
                "shift everything not yet started by `minutes` (negative: earlier)",
                (200, schemas.ref(m.Delayed)),
                body=m.Delay,
            )
        },
        "/api/v1/rounds/current/extend": {
            "post": op(
                "lengthen the running round by `minutes` and shift later rounds",
                (200, schemas.ref(m.Extended)),
                body=m.Extend,
            )
        },
        "/api/v1/participants/{id}/move": {
            "post": op(
                "put one participant in another room for one round",
                (200, schemas.ref(m.Moved)),
                body=m.Move,
                parameters=pid,
            )
        },
        "/api/v1/participants/{id}/revoke": {
            "post": op(
                "replace a participant's personal link; the old one stops working (409 for "
                "an erased person's seat, which has none)",
                (200, schemas.ref(m.Revoked)),
                parameters=pid,
                statuses=(409,),
            )
        },
        "/api/v1/broadcast": {
            "post": op(
                "a message to every participant page",
                (201, schemas.ref(m.Broadcasted)),
                body=m.Broadcast,
            )
        },
        "/api/v1/replan": {
            "post": op(
                "replan the rounds not yet begun after a late arrival, a departure, a team "
                "dropping out or a room lost (409: a late arrival under an erased person's id)",
                (200, schemas.ref(m.Replanned)),
                body=m.Replan,
                statuses=(409,),
            )
        },
        "/api/v1/keynotes/{id}/attendance": {
            "get": op(
                "keynote attendance rebuilt from the stored room events, clicks and presence "
                "marks, with the keynote's presence by source; `?format=csv`",
                (200, schemas.ref(m.KeynoteAttendance)),
                parameters=[*pid, _query("format", ["json", "csv"])],
                extra_content=CSV,
            )
        },
        "/api/v1/rounds/{n}/attendance": {
            "get": op(
                "plan against reality for one round: minutes in the assigned room and "
                "elsewhere, the strongest presence source per person and each room's presence "
                "by source",
                (200, schemas.ref(m.RoundAttendance)),
                statuses=(400,),  # a round that is not a whole number
                parameters=[_path("n", "integer")],
            )
        },
        "/api/v1/results": {
            "get": op(
                "the jury's results: per team raw and severity-corrected totals, rank with a "
                "bootstrap interval, comments, audience ratings; jurors' severity and flags; "
                "awards with suggested and assigned teams (docs/scoring.md); 404 without "
                "[scoring]",
                (200, ANY_OBJECT),
                statuses=(404,),
            )
        },
        "/api/v1/awards/{id}": {
            "post": op(
                "assign an award's winners; announces `award.announced` through the "
                "notifications, and as a broadcast when `broadcast` is true",
                (200, ANY_OBJECT),
                body=m.Award,
                parameters=pid,
                statuses=(403, 409),
            )
        },
        "/api/v1/notify/subscribers": {
            "get": op("notification subscribers (secrets never shown)", (200, LIST_OF_OBJECTS)),
            "post": op(
                "add a subscriber; a webhook's secret is made up when not given and shown once "
                "in the answer; private addresses are refused",
                (201, ANY_OBJECT),
                body=m.Subscriber,
            ),
        },
        "/api/v1/notify/subscribers/{id}": {
            "delete": op("remove a subscriber", (200, schemas.ref(m.Removed)), parameters=pid)
        },
        "/api/v1/notify/subscribers/{id}/test": {
            "post": op("send a test notification", (202, schemas.ref(m.Queued)), parameters=pid)
        },
        "/api/v1/notify/deliveries": {
            "get": op(
                "deliveries by status (failed: the dead letters)",
                (200, LIST_OF_OBJECTS),
                parameters=[_query("status", ["failed", "pending", "delivered"])],
            )
        },
        "/api/v1/notify/deliveries/{id}/redeliver": {
            "post": op(
                "deliver a failed one again",
                (202, schemas.ref(m.Redelivered)),
                parameters=pid,
                statuses=(409,),
            )
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "this description",
                "security": [],
                "responses": {
                    "200": {
                        "description": "done",
                        "content": {"application/json": {"schema": ANY_OBJECT}},
                    }
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rota organiser API", "version": "1"},
        "components": {
            "securitySchemes": {"organiser": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas.components,
        },
        "security": [{"organiser": []}],
        "paths": paths,
    }
