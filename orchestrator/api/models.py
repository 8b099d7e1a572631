"""The organiser API's request and response bodies as typed models (pydantic v2). The same
models validate what comes in (`parse`) and describe it in the OpenAPI document
(`openapi.py`), so the two cannot drift apart. Validation is strict (no "5" for 5, no
true for 1) and a refusal is one plain sentence naming the field."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from orchestrator.errors import Refused
from schedules.evidence import Source
from schedules.message_sections import NotifyKind

MAX_MINUTES = 24 * 60
MAX_MESSAGE = 2000
Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Body(BaseModel):
    """Unknown keys are ignored (clients may send more than we read)."""

    model_config = ConfigDict(strict=True, extra="ignore")


class Delay(Body):
    minutes: float = Field(
        ge=-MAX_MINUTES,
        le=MAX_MINUTES,
        allow_inf_nan=False,
        description="minutes to shift everything not yet started (negative: earlier)",
    )


class Extend(Body):
    minutes: float = Field(
        ge=0, le=MAX_MINUTES, allow_inf_nan=False, description="minutes to add to this round"
    )


class Move(Body):
    round: int = Field(ge=1, le=1000, description="the round, counted from 1")
    room: Id


class Broadcast(Body):
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE)
    ]


class Replan(Body):
    change: Literal["late_arrival", "departure", "team_dropout", "room_lost"]
    participant: Id | dict[str, Any] | None = Field(
        default=None, description="an id, or a late arrival's {id, name, role, …}"
    )
    team: Id | None = None
    room: Id | None = None
    replacement: Id | None = None


class Subscriber(Body):
    url: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    kind: NotifyKind = "webhook"  # the [[notify]] schema's kinds
    events: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] | None = Field(
        default=None, max_length=50
    )
    secret: Annotated[str, StringConstraints(max_length=500)] | None = None
    personal: bool = Field(
        default=False, description="ntfy: each participant's own topic, not one channel"
    )


class Award(Body):
    teams: list[Id] = Field(max_length=100)
    broadcast: bool = False


class Error(BaseModel):
    error: str = Field(description="why, in words for the person who sent the request")


class Delayed(BaseModel):
    delay_minutes: float
    version: int


class Extended(BaseModel):
    version: int


class Moved(BaseModel):
    plan_version: int


class Broadcasted(BaseModel):
    id: str


class Revoked(BaseModel):
    token: str = Field(description="the new personal token")
    link: str = Field(description="the new personal link")


class RoomListed(BaseModel):
    """One room of `GET /api/v1/rooms`."""

    id: str
    name: str
    kind: Literal["jitsi", "link"] = Field(
        description="how people join: a Jitsi room Rota names, or a room on another platform "
        "(Zoom, Teams, BigBlueButton, …) at its own link"
    )
    use: Literal["team", "keynote"] = Field(description="a team's room, or only for keynotes")
    jitsi_room: str | None = Field(description="the Jitsi room's name; null for a link room")
    url: str = Field(description="the Jitsi room's URL, or the link room's own link")


class Replanned(BaseModel):
    plan_version: int
    moved: list[str] = Field(description="who was sent somewhere else")
    moved_count: int


class Removed(BaseModel):
    removed: str


class Queued(BaseModel):
    queued: str


class Redelivered(BaseModel):
    id: str
    status: str


class Presence(BaseModel):
    """A room's or keynote's presence by source (docs/operations.md, "Presence and its
    source"): a person may count under several sources."""

    counts: dict[Source, int] = Field(description="people seen by each source")
    strongest: Source | None = Field(
        description="the strongest source that saw anybody; null: nobody was seen"
    )
    text: str = Field(description='e.g. "12 confirmed, 15 sent", strongest first')


class Ignored(BaseModel):
    count: int
    reasons: dict[str, int]


class AttendanceRow(BaseModel):
    participant: str
    name: str
    institution: str
    expected: bool
    first_join: str
    last_leave: str
    minutes: float
    share: float
    status: Literal["attended", "partial", "absent", "guest", "unknown"]
    evidence: Source | Literal[""] = Field(
        description="the strongest presence source that saw the person"
    )
    flags: list[str]


class KeynoteAttendance(BaseModel):
    keynote: str
    rows: list[AttendanceRow]
    presence: Presence
    ignored_events: Ignored


class RoundRow(BaseModel):
    participant: str
    role: Literal["presenter", "audience"]
    room: str
    team: str
    minutes_in_room: float
    minutes_elsewhere: float
    status: Literal["in-room", "partial", "elsewhere", "absent", "unknown"]
    evidence: Source | Literal[""]


class RoomPresence(BaseModel):
    room: str
    expected_audience: int
    presence: Presence


class RoundAttendance(BaseModel):
    round: int
    rows: list[RoundRow]
    rooms: list[RoomPresence] = Field(description="each room's audience by presence source")
    ignored_events: Ignored


M = TypeVar("M", bound=Body)
_KINDS = {"number": "a number", "integer": "a whole number", "string": "text"}


def _sentence(model: type[Body], error: Any) -> str:
    loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
    field = loc[0] if loc else "the body"
    schema = model.model_json_schema()["properties"].get(field, {})
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "string_too_short":
        return f"`{field}` must be non-empty text"
    if kind == "string_too_long":
        return f"`{field}` is limited to {ctx.get('max_length', 0):,} characters"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"`{field}` must be from {schema['minimum']:g} to {schema['maximum']:g}"
    if kind == "literal_error":
        return f"`{field}` must be one of {ctx.get('expected', '')}"
    if kind == "too_long":
        return f"`{field}` has more than {ctx.get('max_length')} items"
    wanted = _KINDS.get(str(schema.get("type")))
    if wanted:
        return f"`{field}` must be {wanted}"
    return f"`{'.'.join(loc) or field}`: {error['msg']}"


class Invite(Body):
    only: list[Id] | None = Field(
        default=None, max_length=100_000, description="only these participant ids"
    )
    resend: bool = Field(default=False, description="send again to people already invited")


def parse(model: type[M], data: dict[str, Any]) -> M:
    """`data` as `model`, or Refused with one sentence about the first problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Refused(_sentence(model, exc.errors(include_url=False)[0])) from None
