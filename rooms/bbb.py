"""BigBlueButton, spoken by Rota itself: signed API calls, safe XML answers, join URLs.

Every call is `<base>api/<call>?<query>&checksum=<hex>` where the checksum is the digest of
`call + query + secret` over the query exactly as sent (docs.bigbluebutton.org/development/api,
"API Security Model"). So the query is encoded here once, with `quote` (nothing left for an
HTTP library to re-encode: letters, digits, `-._~` and `%XX` only), and the URL is passed on
as a string. Answers are XML from a server Rota does not control: read up to `MAX_ANSWER`
bytes, parsed by defusedxml (no DTD, no entities: an XML bomb is refused, not expanded).

`bigbluebutton-python` was not used: Rota needs the exact signed string and one shared
httpx client with its timeouts; the signing is a dozen lines."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeXML
import httpx
from defusedxml import DefusedXmlException

from rooms.events import RoomEvent
from schedules.platform_sections import BBB_SECRET_ENV, bbb_base
from schedules.schema import Context
from schedules.sections import section_problems

Algorithm = Literal["sha1", "sha256", "sha384", "sha512"]
ALGORITHMS: tuple[Algorithm, ...] = ("sha1", "sha256", "sha384", "sha512")
Role = Literal["MODERATOR", "VIEWER"]
MAX_ANSWER = 1024 * 1024  # bytes: a getMeetingInfo for 300 attendees is about 150 kB


class BbbConfigError(Exception):
    pass


class BbbError(Exception):
    """A call that did not succeed. `key` is BigBlueButton's stable messageKey, or one of
    ours: `unreachable`, `http-<status>`, `not-xml`, `too-large`, `unsafe-xml`. The message
    is for a log line or the board and never holds the secret or the signed URL."""

    def __init__(self, call: str, key: str, message: str) -> None:
        super().__init__(f"BigBlueButton {call}: {message} ({key})")
        self.call = call
        self.key = key


HINTS = {
    "checksumError": "Check ROTA_BBB_SECRET (the server's `bbb-conf --secret`) and [bbb] checksum",
    "unreachable": "Check [bbb] url and that the server is up",
    "not-xml": "Check [bbb] url: it should end in /bigbluebutton/",
    "unsafe-xml": "The server's answer was refused as unsafe",
    "too-large": "The server's answer was refused as too large",
}


def hint(key: str) -> str:
    """What an organiser can do about a failed call."""
    return HINTS.get(key, "Check [bbb] url" if key.startswith("http-") else "")


@dataclass(frozen=True)
class BbbConfig:
    url: str  # the server's base, ending in "/" (".../bigbluebutton/")
    secret: str = field(repr=False)
    checksum: Algorithm = "sha256"
    embed: bool = False
    webhooks: bool = False  # register bbb-webhooks callbacks per meeting (rooms/bbb_hooks.py)

    def __repr__(self) -> str:  # never show the secret
        return f"BbbConfig(url={self.url!r}, checksum={self.checksum!r}, embed={self.embed!r})"

    @classmethod
    def from_section(
        cls, section: Mapping[str, Any] | None, environ: Mapping[str, str]
    ) -> BbbConfig | None:
        """None without a [bbb] section; the checks are `rota check`'s own."""
        if section is None:
            return None
        problems = section_problems("bbb", section, Context(environ, None))
        if problems:
            raise BbbConfigError(f"[bbb] {problems[0]}")
        checksum = str(section.get("checksum", "sha256"))
        return cls(
            url=bbb_base(str(section["url"])),
            secret=environ[BBB_SECRET_ENV].strip(),
            checksum=next(a for a in ALGORITHMS if a == checksum),
            embed=bool(section.get("embed", False)),
            webhooks=bool(section.get("webhooks", False)),
        )

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the server (for the page's frame-src with embed)."""
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"


def query(params: Iterable[tuple[str, str]]) -> str:
    """The query string as it goes on the wire: every value percent-encoded, nothing left
    that a client library would encode again."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)


def checksum(call: str, query_string: str, secret: str, algorithm: Algorithm) -> str:
    return hashlib.new(algorithm, (call + query_string + secret).encode()).hexdigest()


def signed_url(config: BbbConfig, call: str, params: Iterable[tuple[str, str]]) -> str:
    text = query(params)
    digest = checksum(call, text, config.secret, config.checksum)
    joined = f"{text}&checksum={digest}" if text else f"checksum={digest}"
    return f"{config.url}api/{call}?{joined}"


@dataclass(frozen=True)
class Attendee:
    user_id: str
    full_name: str
    role: str


@dataclass(frozen=True)
class Answer:
    """A SUCCESS answer: its top-level fields as text, and attendees when it lists them."""

    fields: dict[str, str]
    attendees: tuple[Attendee, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def parse_answer(call: str, body: bytes) -> Answer:
    """A SUCCESS answer, or BbbError with the server's messageKey (or why the body is no
    answer at all: HTML from a proxy, a bomb, junk)."""
    if len(body) > MAX_ANSWER:
        raise BbbError(call, "too-large", f"the answer is larger than {MAX_ANSWER} bytes")
    try:
        root = SafeXML.fromstring(body, forbid_dtd=True)
    except DefusedXmlException:
        raise BbbError(call, "unsafe-xml", "the answer declares a DTD or entities") from None
    except ParseError:
        raise BbbError(
            call, "not-xml", "the answer is not XML (is the url the server's /bigbluebutton/?)"
        ) from None
    if root.tag != "response" or root.find("returncode") is None:
        raise BbbError(call, "not-xml", "the answer is not a BigBlueButton <response>")
    fields = {child.tag: _text(child) for child in root if len(child) == 0}
    if fields.get("returncode") != "SUCCESS":
        key = fields.get("messageKey") or "failed"
        raise BbbError(call, key, fields.get("message") or "the server refused the call")
    attendees = tuple(
        Attendee(_text(a.find("userID")), _text(a.find("fullName")), _text(a.find("role")))
        for a in root.iterfind("attendees/attendee")
    )
    metadata = {m.tag: _text(m) for m in root.iterfind("metadata/*")}
    return Answer(fields, attendees, metadata)


class BbbClient:
    """The calls Rota makes, over the service's one httpx client (its timeouts, no
    redirects followed)."""

    def __init__(self, config: BbbConfig, http: httpx.AsyncClient, timeout: float = 5.0) -> None:
        self.config = config
        self.http = http
        self.timeout = timeout

    async def call(self, call: str, params: Iterable[tuple[str, str]] = ()) -> Answer:
        url = signed_url(self.config, call, params)
        try:
            async with self.http.stream("GET", url, timeout=self.timeout) as response:
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_ANSWER:
                        raise BbbError(
                            call, "too-large", f"the answer is larger than {MAX_ANSWER} bytes"
                        )
                status = response.status_code
        except httpx.HTTPError as exc:
            raise BbbError(
                call, "unreachable", f"the server did not answer ({type(exc).__name__})"
            ) from None
        if status != 200:
            raise BbbError(call, f"http-{status}", f"the server answered HTTP {status}")
        return parse_answer(call, bytes(body))

    async def create(self, meeting: Meeting) -> str:
        """The meeting's createTime; the same for a meeting that exists (duplicateWarning)."""
        answer = await self.call("create", meeting.create_params())
        created = answer.get("createTime")
        if not created.isdigit():
            raise BbbError("create", "no-create-time", "the answer carries no createTime")
        return created

    async def meeting_info(self, meeting_id: str) -> Answer:
        return await self.call("getMeetingInfo", [("meetingID", meeting_id)])

    async def hook(self, meeting_id: str, callback_url: str) -> None:
        """Ask bbb-webhooks to post this meeting's events to `callback_url` (idempotent)."""
        await self.call("hooks/create", [("callbackURL", callback_url), ("meetingID", meeting_id)])

    async def end(self, meeting_id: str) -> None:
        await self.call("end", [("meetingID", meeting_id)])


@dataclass(frozen=True)
class Meeting:
    """One BigBlueButton meeting per Rota room and event: a stable, hard-to-guess id (the
    room's video name), the event and room in `meta_*` (getMeetingInfo returns them), and
    where people land after leaving."""

    meeting_id: str
    name: str
    event: str
    room: str
    logout_url: str = ""
    expire_minutes: int = 5  # meetingExpireIfNoUserJoinedInMinutes: BBB's default

    def create_params(self) -> list[tuple[str, str]]:
        params = [
            ("meetingID", self.meeting_id),
            ("name", _bbb_name(self.name)),
            ("meta_rota-event", self.event),
            ("meta_rota-room", self.room),
            ("record", "false"),
            ("meetingExpireIfNoUserJoinedInMinutes", str(self.expire_minutes)),
        ]
        if self.logout_url:
            params.append(("logoutURL", self.logout_url))
        return params


def _bbb_name(name: str) -> str:
    """`name` must be 2 to 64 characters (create, since 2.4)."""
    text = " ".join(name.split())[:64]
    return text if len(text) >= 2 else f"{text} room"[:64]


def join_url(
    config: BbbConfig,
    meeting_id: str,
    *,
    full_name: str,
    user_id: str,
    role: Role,
    create_time: str,
) -> str:
    """A personal join URL: `userID` comes back in getMeetingInfo's attendees (so presence
    is matched to the roster), `createTime` makes it useless for a re-created meeting."""
    return signed_url(
        config,
        "join",
        [
            ("fullName", full_name),
            ("meetingID", meeting_id),
            ("role", role),
            ("userID", user_id),
            ("createTime", create_time),
            ("redirect", "true"),
        ],
    )


def attendance_changes(
    meeting_id: str,
    create_time: str,
    before: Mapping[str, Attendee],
    now: Iterable[Attendee],
    at: float,
) -> tuple[dict[str, Attendee], list[RoomEvent]]:
    """Joins and leaves between two looks at a meeting's attendees (by userID), as room
    events. Keys are stable per meeting run, user and moment, so storing twice is harmless.
    The event carries the userID only, never the name: presence (rooms/presence.py) counts
    a roster id and shows anyone else (a guest, someone let in from Greenlight or Moodle)
    as a guest, so a guest who types a participant's name is not counted as them."""
    current: dict[str, Attendee] = {}
    for attendee in now:
        key = attendee.user_id or f"anonymous:{attendee.full_name}"
        current.setdefault(key, attendee)
    events = []
    for key in sorted(current.keys() - before.keys()):
        events.append(_event("joined", meeting_id, create_time, key, current[key], at))
    for key in sorted(before.keys() - current.keys()):
        events.append(_event("left", meeting_id, create_time, key, before[key], at))
    return current, events


def _event(
    kind: Literal["joined", "left"],
    meeting_id: str,
    create_time: str,
    key: str,
    attendee: Attendee,
    at: float,
) -> RoomEvent:
    return RoomEvent(
        source="bbb",
        kind=kind,
        room=meeting_id.lower(),
        at=at,
        key=f"bbb:{meeting_id}:{create_time}:{key}:{kind}:{at:.3f}",
        person=attendee.user_id or f"anonymous:{attendee.full_name}"[:80],
        connection=f"bbb:{create_time}:{key}",
        moderator=attendee.role == "MODERATOR",
    )
