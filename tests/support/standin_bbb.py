"""A BigBlueButton stand-in for the tests: an aiohttp server on loopback speaking the
documented API (docs.bigbluebutton.org/development/api; "API Reference" of 2.6/2.7/3.0).

Any difference between it and the documentation is a bug here. Quoted:
- "the controller computes a checksum out of the combination of the entire HTTPS query string
  and the server's shared secret" (API Security Model): the raw query as received, without the
  final `&checksum=…`, prefixed with the call name and followed by the secret.
- "In 2.5 support for additional hashing algorithms, besides sha1 and sha256, were added. These
  include sha384 and sha512" — told apart by the digest's length (40/64/96/128 hex).
- "Errors are returned with a `returncode` value of `FAILED` and a `message` and `messageKey`
  value" (API Calls); a checksum mismatch is `<messageKey>checksumError</messageKey>`.
- create of an existing meeting: SUCCESS with `<messageKey>duplicateWarning</messageKey>` and
  the same createTime (create, example response).
- "The BigBlueButton server will automatically remove empty meetings that were created but
  have never had any users after a number of minutes specified by
  `meetingExpireIfNoUserJoinedInMinutes`" (create) — here in `minute` seconds of the test.
- join with a `createTime` that is not the meeting's: `mismatchCreateTime`; an unknown meeting:
  `invalidMeetingIdentifier` (join) or `notFound` (getMeetingInfo).
- getMeetingInfo: `<attendees><attendee><userID>…<fullName>…<role>…` (example response).

bbb-webhooks (bigbluebutton/bbb-webhooks): `hooks/create?callbackURL=…&meetingID=…`, signed
like any call with the method `hooks/create` (src/out/webhooks/utils.js, checksumAPI); each
join and leave then POSTs `domain=…&event=[<json>]&timestamp=<ms>` (keys in that order) to the
callback URL with `?checksum=` sha1(callbackURL + body + secret) appended
(src/out/webhooks/callback-emitter.js); the event as in example/events/mapped-events.json
(`user-joined`/`user-left`, `internal-meeting-id` = sha1(meetingID)-createTime).

The test-only part: a join URL is "opened" with `open_join` (what a browser following it would
do), `leave` takes the person out, `expire_now` ends an empty meeting as BBB's timer would.
`mode` makes the server misbehave: "html" (a proxy's error page), "bomb" (an XML entity bomb),
"huge" (an endless answer), "down" (500)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web

SECRET = "bbb-shared-secret-0123456789abcdef"  # the tests' shared secret
ALGORITHMS = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b"<response><returncode>SUCCESS</returncode><message>&c;</message></response>"
)


@dataclass
class User:
    user_id: str
    full_name: str
    role: str


@dataclass
class Meeting:
    meeting_id: str
    name: str
    create_time: str
    created: float  # monotonic seconds
    expire_after: float  # seconds without anybody joining
    meta: dict[str, str]
    logout_url: str
    users: dict[str, User] = field(default_factory=dict)
    joined_once: bool = False
    emptied: float = 0.0  # when the last user left (monotonic)


class BbbStandIn:
    def __init__(self, secret: str, minute: float = 60.0) -> None:
        self.secret = secret
        self.minute = minute  # seconds of test time per BBB minute (expiry)
        self.meetings: dict[str, Meeting] = {}
        self.calls: list[tuple[str, dict[str, str]]] = []  # (call, params), every valid call
        self.algorithms: list[str] = []  # the algorithm of each accepted checksum
        self.refusals: list[str] = []  # messageKeys answered
        self.mode = ""
        self.hooks: dict[str, str] = {}  # meeting id -> callback URL
        self.posted: list[tuple[str, int]] = []  # (event id, the receiver's status)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self._clock = 0

    # -- running ---------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/bigbluebutton/api/{call}", self._api)
        app.router.add_get("/bigbluebutton/api/hooks/{call}", self._api)
        app.router.add_get("/bigbluebutton/api", self._version)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/bigbluebutton/"
        return self.base_url

    async def stop(self) -> None:
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    # -- the documented API ----------------------------------------------------------------
    async def _version(self, request: web.Request) -> web.Response:
        return self._xml("<returncode>SUCCESS</returncode><version>2.0</version>")

    def _check(self, call: str, raw_query: str) -> dict[str, str] | str:
        """The params, or the messageKey of the refusal."""
        query, sep, digest = raw_query.rpartition("&checksum=")
        if not sep:
            query, digest = "", raw_query.removeprefix("checksum=")
            if digest == raw_query:
                return "checksumError"
        algorithm = ALGORITHMS.get(len(digest))
        if algorithm is None:
            return "checksumError"
        expected = hashlib.new(algorithm, (call + query + self.secret).encode()).hexdigest()
        if expected != digest:
            return "checksumError"
        self.algorithms.append(algorithm)
        return dict(parse_qsl(query, keep_blank_values=True))

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if self.mode == "down":
            return web.Response(status=500, text="Internal Server Error")
        if self.mode == "html":
            return web.Response(text="<html><body>502 Bad Gateway</body></html>")
        if self.mode == "bomb":
            return web.Response(body=BOMB, content_type="text/xml")
        if self.mode == "huge":
            body = b"<response><returncode>SUCCESS</returncode><x>" + b"a" * (3 << 20)
            return web.Response(body=body + b"</x></response>", content_type="text/xml")
        call = request.path.removeprefix("/bigbluebutton/api/")
        raw_query = request.raw_path.partition("?")[2]  # as sent: never re-decoded first
        checked = self._check(call, raw_query)
        if isinstance(checked, str):
            return self._failed(checked, "Checksums do not match")
        self.calls.append((call, checked))
        self._expire()
        handler = {
            "create": self._create,
            "join": self._join,
            "getMeetingInfo": self._info,
            "isMeetingRunning": self._running,
            "getMeetings": self._meetings,
            "end": self._end,
            "hooks/create": self._hook,
        }.get(call)
        if handler is None:
            return self._failed("unsupportedRequest", "This request is not supported.")
        return handler(checked)

    def _create(self, params: dict[str, str]) -> web.Response:
        meeting_id = params.get("meetingID", "")
        if not 2 <= len(meeting_id) <= 256 or "," in meeting_id:
            return self._failed("validationError", "meetingID must be 2 to 256 characters")
        if not 2 <= len(params.get("name", "")) <= 64:
            return self._failed("validationError", "name must be 2 to 64 characters")
        existing = self.meetings.get(meeting_id)
        if existing is not None:
            return self._xml(
                self._created(existing)
                + "<messageKey>duplicateWarning</messageKey><message>This conference was "
                "already in existence and may currently be in progress.</message>"
            )
        self._clock = max(self._clock + 1, int(time.time() * 1000))
        minutes = float(params.get("meetingExpireIfNoUserJoinedInMinutes", "5"))
        meeting = self.meetings[meeting_id] = Meeting(
            meeting_id,
            params["name"],
            str(self._clock),
            time.monotonic(),
            minutes * self.minute,
            {k[len("meta_") :].lower(): v for k, v in params.items() if k.startswith("meta_")},
            params.get("logoutURL", ""),
        )
        return self._xml(self._created(meeting))

    def _created(self, meeting: Meeting) -> str:
        return (
            "<returncode>SUCCESS</returncode>"
            f"<meetingID>{escape(meeting.meeting_id)}</meetingID>"
            f"<createTime>{meeting.create_time}</createTime>"
            f"<hasUserJoined>{str(meeting.joined_once).lower()}</hasUserJoined>"
        )

    def _join(self, params: dict[str, str]) -> web.Response:
        """join answers 302 to the client; with redirect=false (what `open_join` reads) XML."""
        meeting = self.meetings.get(params.get("meetingID", ""))
        if meeting is None:
            return self._failed("invalidMeetingIdentifier", "The meeting ID does not exist")
        if params.get("createTime") and params["createTime"] != meeting.create_time:
            return self._failed("mismatchCreateTime", "The provided createTime does not match")
        if not params.get("fullName"):
            return self._failed("missingParamFullName", "You must specify a name")
        role = params.get("role", "VIEWER").upper()
        if role not in ("MODERATOR", "VIEWER"):
            return self._failed("invalidRole", "role must be MODERATOR or VIEWER")
        user_id = params.get("userID") or f"w_{len(meeting.users)}"
        meeting.users[user_id] = User(user_id, params["fullName"], role)
        meeting.joined_once, meeting.emptied = True, 0.0
        self._announce(meeting, meeting.users[user_id], "user-joined")
        return self._xml(
            "<returncode>SUCCESS</returncode><messageKey>successfullyJoined</messageKey>"
            f"<meeting_id>{escape(meeting.meeting_id)}</meeting_id>"
            f"<user_id>{escape(user_id)}</user_id>"
        )

    def _info(self, params: dict[str, str]) -> web.Response:
        meeting = self.meetings.get(params.get("meetingID", ""))
        if meeting is None:
            return self._failed("notFound", "We could not find a meeting with that meeting ID")
        attendees = "".join(
            f"<attendee><userID>{escape(u.user_id)}</userID>"
            f"<fullName>{escape(u.full_name)}</fullName><role>{u.role}</role>"
            "<isPresenter>false</isPresenter><clientType>HTML5</clientType></attendee>"
            for u in meeting.users.values()
        )
        meta = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in meeting.meta.items())
        return self._xml(
            "<returncode>SUCCESS</returncode>"
            f"<meetingName>{escape(meeting.name)}</meetingName>"
            f"<meetingID>{escape(meeting.meeting_id)}</meetingID>"
            f"<createTime>{meeting.create_time}</createTime><running>"
            f"{str(bool(meeting.users)).lower()}</running>"
            f"<participantCount>{len(meeting.users)}</participantCount>"
            f"<attendees>{attendees}</attendees><metadata>{meta}</metadata>"
        )

    def _running(self, params: dict[str, str]) -> web.Response:
        meeting = self.meetings.get(params.get("meetingID", ""))
        running = meeting is not None and bool(meeting.users)
        return self._xml(
            f"<returncode>SUCCESS</returncode><running>{str(running).lower()}</running>"
        )

    def _meetings(self, params: dict[str, str]) -> web.Response:
        listed = "".join(
            f"<meeting><meetingID>{escape(m.meeting_id)}</meetingID></meeting>"
            for m in self.meetings.values()
        )
        return self._xml(f"<returncode>SUCCESS</returncode><meetings>{listed}</meetings>")

    def _hook(self, params: dict[str, str]) -> web.Response:
        if not params.get("callbackURL"):
            return self._failed("missingParamCallbackURL", "You must specify a callbackURL")
        self.hooks[params.get("meetingID", "")] = params["callbackURL"]
        return self._xml("<returncode>SUCCESS</returncode><hookID>1</hookID>")

    def _announce(self, meeting: Meeting, user: User, kind: str) -> None:
        url = self.hooks.get(meeting.meeting_id)
        if url is None:
            return
        internal = hashlib.sha1(meeting.meeting_id.encode()).hexdigest()
        event = {
            "data": {
                "type": "event",
                "id": kind,
                "attributes": {
                    "meeting": {
                        "internal-meeting-id": f"{internal}-{meeting.create_time}",
                        "external-meeting-id": meeting.meeting_id,
                    },
                    "user": {
                        "internal-user-id": f"w_{user.user_id}",
                        "external-user-id": user.user_id,
                        "name": user.full_name,
                        "role": user.role,
                        "presenter": False,
                        "guest": False,
                    },
                },
                "event": {"ts": int(time.time() * 1000)},
            }
        }
        task = asyncio.ensure_future(self.post_callback(url, [event]))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def post_callback(
        self, url: str, events: list[dict[str, Any]], checksum: str | None = None
    ) -> int:
        """One callback as bbb-webhooks sends it; `checksum` forges another."""
        body = urlencode(
            {
                "domain": "bbb.example.org",
                "event": json.dumps(events, separators=(",", ":")),
                "timestamp": str(int(time.time() * 1000)),
            }
        )
        digest = hashlib.sha1(f"{url}{body}{self.secret}".encode()).hexdigest()
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{url}?checksum={checksum or digest}",
                data=body.encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ) as answer,
        ):
            self.posted.append((str(events[0]["data"]["id"]), answer.status))
            return answer.status

    def _end(self, params: dict[str, str]) -> web.Response:
        if self.meetings.pop(params.get("meetingID", ""), None) is None:
            return self._failed("notFound", "We could not find a meeting with that meeting ID")
        return self._xml(
            "<returncode>SUCCESS</returncode><messageKey>sentEndMeetingRequest</messageKey>"
        )

    def _expire(self) -> None:
        """create: meetingExpireIfNoUserJoinedInMinutes (never joined) and
        meetingExpireWhenLastUserLeftInMinutes (default 1: emptied)."""
        now = time.monotonic()
        for key, meeting in list(self.meetings.items()):
            if (not meeting.joined_once and now - meeting.created > meeting.expire_after) or (
                meeting.emptied and not meeting.users and now - meeting.emptied > self.minute
            ):
                del self.meetings[key]

    def _failed(self, key: str, message: str) -> web.Response:
        self.refusals.append(key)
        return self._xml(
            f"<returncode>FAILED</returncode><messageKey>{key}</messageKey>"
            f"<message>{escape(message)}</message>"
        )

    @staticmethod
    def _xml(inner: str) -> web.Response:
        return web.Response(text=f"<response>{inner}</response>", content_type="text/xml")

    # -- test-only -------------------------------------------------------------------------
    async def open_join(self, url: str) -> tuple[str, dict[str, str]]:
        """What a browser following a join URL gets: ("SUCCESS" or the messageKey, params)."""
        assert url.startswith(self.base_url + "api/join?"), url
        raw_query = url.partition("?")[2]
        checked = self._check("join", raw_query)
        if isinstance(checked, str):
            self.refusals.append(checked)
            return checked, {}
        self.calls.append(("join", checked))
        self._expire()
        answer = self._join(checked)
        assert isinstance(answer.text, str)
        if "<returncode>SUCCESS" in answer.text:
            return "SUCCESS", checked
        return answer.text.split("<messageKey>")[1].split("<")[0], checked

    def leave(self, meeting_id: str, user_id: str) -> None:
        meeting = self.meetings[meeting_id]
        self._announce(meeting, meeting.users.pop(user_id), "user-left")
        if not meeting.users:
            meeting.emptied = time.monotonic()

    def expire_now(self, meeting_id: str) -> None:
        """BBB's timer for a meeting nobody joined, or an admin's end: the meeting is gone."""
        del self.meetings[meeting_id]

    def attendees(self, meeting_id: str) -> dict[str, str]:
        meeting = self.meetings.get(meeting_id)
        return {u.user_id: u.role for u in meeting.users.values()} if meeting else {}
