"""Every section a programme may hold, as one schema each (see schedules/schema.py).

To add a section: declare its `Table` here (fields, and rules for what needs several keys, the
environment or a file) and add it to `SECTIONS`; `rota check` then refuses unknown keys and bad
values in it with their lines, and the package that uses the section reads the checked values
(`Programme.sections[name]`) or calls `section_problems` for the same verdict outside a file.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from schedules.evidence import DEFAULT_EVIDENCE, SOURCES
from schedules.schema import TIME, Context, Field, Table, one_of, validate

LANGUAGES = (
    "de",
    "en",
    "fi",
    "fr",
    "nl",
    "pt",
)  # the pages' languages (schedules.model re-exports)
ID = Field(str, required=True)


def _checkin_networks(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    for network in values["checkin_networks"]:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            yield (
                "checkin_networks",
                f'`checkin_networks`: {network!r} is not a network like "10.0.0.0/8"',
            )


EVENT = Table(
    "event",
    {
        "id": ID,
        "title": Field(str),
        "timezone": Field(str, required=True),
        "language": Field(str, default="en", choices=LANGUAGES),
        "roster": Field(str),
        "walking_minutes": Field(  # on campus: the time to walk between rooms (schedules/campus)
            int, default=5, minimum=0, maximum=120, bound="`{key}` must be 0 to 120, not {value}"
        ),
        "checkin_networks": Field(list, default=[], items=str),
    },
    required=True,
    rules=(_checkin_networks,),
)

ROTATION = Table(
    "rotation",
    {
        "start": Field(TIME),
        "starts": Field(list, items=TIME),
        "round_minutes": Field(
            int,
            required=True,
            minimum=1,
            bound="rounds must last at least one minute (round_minutes = {value})",
        ),
        "rounds": Field(
            int, minimum=1, bound="there must be at least one round (rounds = {value})"
        ),
        "changeover_minutes": Field(
            int,
            default=0,
            minimum=0,
            bound="changeover_minutes = {value} would make rounds overlap",
        ),
        "min_audience": Field(int, default=0, minimum=0, bound="`{key}` cannot be negative"),
        "jury_per_team": Field(int, default=0, minimum=0, bound="`{key}` cannot be negative"),
        "solve_seconds": Field((int, float), default=3, minimum=0, maximum=600),
    },
    required=True,
)

JITSI_ONLY = ("jitsi_name",)  # room options that only a Jitsi room can have
PLATFORMS = ("jitsi", "bbb")  # a room's `platform` when both [jitsi] and [bbb] are set


def room_link_problem(url: str) -> str:
    """Why a room's `url` cannot be a room on some platform, or "": people follow it from
    `/go` and a page opens it, so it must be https and name a host."""
    if any(char.isspace() or not char.isprintable() for char in url):
        return (
            "a room's link may not hold spaces or control characters, which no browser would "
            f"follow as written: remove them (url = {url!r})"
        )
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"a room's link must start with https:// (url = {url!r})"
    if not parts.hostname:
        return f"a room's link needs a host, like https://zoom.us/j/123 (url = {url!r})"
    if parts.username or parts.password:
        return f"a room's link may not hold a user name or password (url = {url!r})"
    if len(url) > 2000:
        return "a room's link is too long (2000 characters at most)"
    return ""


def _room_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    url = values.get("url", "")
    if url and (problem := room_link_problem(url)):
        yield "url", problem
    for key in JITSI_ONLY:
        if url and values.get(key):
            yield (
                key,
                f"`{key}` is a Jitsi option, but this room is a plain link (`url`): "
                "Rota sends people to the link as it is; keep one of the two",
            )
    if url and values.get("platform"):
        yield (
            "platform",
            "a room with `url` is a plain link on its own platform: drop `platform` or `url`",
        )
    if values.get("platform") == "bbb" and values.get("jitsi_name"):
        yield "jitsi_name", "`jitsi_name` is a Jitsi option, but this room is on BigBlueButton"


def _onsite_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    """An on-site room's `capacity` counts its seats; online seats need an online link."""
    if "onsite" in values and not values["onsite"].strip():
        yield "onsite", '`onsite` names where the room is, e.g. "Building A, room 2.14"'
    if values.get("onsite") and "capacity" not in values:
        yield "", "an on-site room needs `capacity`: its seats"
    if "online_capacity" in values and not (values.get("onsite") and values.get("url")):
        yield (
            "online_capacity",
            "`online_capacity` counts the online seats of an on-site room with a `url`",
        )


ROOMS = Table(
    "rooms",
    {
        "id": ID,
        "name": Field(str),
        "capacity": Field(
            int, required=True, minimum=1, bound="room {id!r} needs a capacity above 0"
        ),
        "url": Field(str, default=""),  # a plain link on any platform instead of a Jitsi room
        "jitsi_name": Field(str, default=""),  # a fixed Jitsi room name instead of a made one
        "platform": Field(str, choices=PLATFORMS),  # needed when both [jitsi] and [bbb] are set
        "onsite": Field(str),  # where the room is on campus (schedules/campus.py)
        "online_capacity": Field(
            int, minimum=1, bound="room {id!r} needs an online_capacity above 0"
        ),
    },
    array=True,
    rules=(_room_rules, _onsite_rules),
)

TEAMS = Table(
    "teams",
    {
        "id": ID,
        "name": Field(str),
        "project": Field(str, default=""),
        "room": Field(str, required=True),
    },
    array=True,
)

AUDIENCES = ("registered", "everyone")


def _keynote_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    for language, title in values["titles"].items():
        if language not in LANGUAGES:
            yield (
                "titles",
                f"`titles`: {language!r} is not a language Rota speaks ({', '.join(LANGUAGES)})",
            )
        elif not isinstance(title, str) or not title.strip():
            yield "titles", f"`titles`: the {language} title must be text"
    evidence = values["evidence"]
    wrong = [v for v in evidence if v not in SOURCES]
    if wrong:
        yield (
            "evidence",
            f"`evidence` lists presence sources ({one_of(SOURCES)}), not {wrong[0]!r}",
        )
    elif not evidence:
        yield "evidence", "`evidence` needs at least one presence source (" + one_of(SOURCES) + ")"
    elif len(set(evidence)) != len(evidence):
        yield "evidence", "`evidence` names a source twice"


KEYNOTES = Table(
    "keynotes",
    {
        "id": ID,
        "title": Field(str),
        "titles": Field(dict, default={}),  # the title in other languages: { pt = "…" }
        "speaker": Field(str, default=""),
        "start": Field(TIME, required=True),
        "minutes": Field(
            int, required=True, minimum=1, bound="keynote {id!r} must last at least a minute"
        ),
        "room": Field(str, required=True),
        "threshold": Field(
            float,
            default=0.75,
            minimum=0.01,
            maximum=1,
            bound="threshold is a share between 0 and 1, not {value}",
        ),
        "audience": Field(str, default="registered", choices=AUDIENCES),
        "evidence": Field(list, default=list(DEFAULT_EVIDENCE), items=str),
    },
    array=True,
    rules=(_keynote_rules,),
)


# --- [jitsi] ---------------------------------------------------------------------------------

JITSI_SECRET_ENV = "ROTA_JITSI_SECRET"
TOKEN_MODES = ("none", "hs256", "jaas")


def _jitsi_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    mode = values["tokens"]
    if values["scheme"] == "http" and not is_loopback(values.get("domain", "")):
        yield (
            "scheme",
            'scheme = "http" is only allowed for a Jitsi on this machine (localhost or '
            "127.0.0.1); browsers need https for camera and microphone",
        )
    if mode == "hs256":
        if not values.get("app_id"):
            yield "tokens", 'tokens = "hs256" needs `app_id` (the app id of your Jitsi)'
        if context.environ is not None:
            secret = context.environ.get(JITSI_SECRET_ENV, "")
            if not secret:
                yield (
                    "tokens",
                    'tokens = "hs256" needs the app secret in the environment as '
                    + JITSI_SECRET_ENV,
                )
            elif len(secret.encode()) < 32:
                yield (
                    "tokens",
                    f"{JITSI_SECRET_ENV} is too short: HS256 needs at least 32 bytes "
                    "(RFC 7518 §3.2)",
                )
    if mode == "jaas":
        missing = [k for k in ("app_id", "kid", "private_key") if not values.get(k)]
        if missing:
            yield (
                "tokens",
                f'tokens = "jaas" needs {one_of(f"`{k}`" for k in missing)}'
                + (" (a PEM file)" if "private_key" in missing else ""),
            )
        else:
            path = key_path(values["private_key"], context)
            try:
                path.read_bytes()
            except OSError as exc:
                yield "private_key", f"cannot read private_key {path}: {exc.strerror}"


def key_path(name: str, context: Context) -> Path:
    """A file the programme names, relative to the programme's folder."""
    path = Path(name)
    return context.base / path if context.base is not None and not path.is_absolute() else path


def is_loopback(domain: str) -> bool:
    host = domain.rsplit(":", 1)[0] if domain.count(":") == 1 else domain
    return host in ("localhost", "127.0.0.1", "[::1]")


JITSI = Table(
    "jitsi",
    {
        "domain": Field(str),
        "prefix": Field(str, default="rota"),
        "tokens": Field(str, default="none", choices=TOKEN_MODES),
        "app_id": Field(str, default=""),
        "kid": Field(str, default=""),
        "private_key": Field(str, default=""),
        "grace_minutes": Field(float, default=15.0, minimum=0),
        "scheme": Field(str, default="https", choices=("https", "http")),
    },
    rules=(_jitsi_rules,),
)


# --- [bbb] (read by rooms/bbb.py) ------------------------------------------------------------

BBB_SECRET_ENV = "ROTA_BBB_SECRET"
BBB_CHECKSUMS = ("sha1", "sha256", "sha384", "sha512")  # BBB >= 2.5 takes all four


def bbb_base(url: str) -> str:
    """The server's `/bigbluebutton/` base as Rota calls it (`api/<call>` follows): an
    address given with `api` or without the final slash is the same server."""
    base = url.strip().rstrip("/")
    if base.endswith("/api"):
        base = base[: -len("/api")]
    return base + "/"


def _bbb_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    if "secret" in values:
        yield (
            "secret",
            "the shared secret never goes in the programme file: remove `secret` and set "
            f"{BBB_SECRET_ENV} in the environment (the server's `bbb-conf --secret`)",
        )
    url = values.get("url", "")
    parts = urlsplit(url)
    if url and (parts.scheme not in ("https", "http") or not parts.hostname):
        yield "url", f'`url` must be like "https://bbb.example.org/bigbluebutton/", not {url!r}'
    elif url and parts.scheme == "http" and not is_loopback(parts.netloc):
        yield (
            "url",
            "`url` must start with https:// (http only for a server on this machine): the "
            "shared secret signs every call, and people's browsers need https",
        )
    elif url and (parts.username or parts.password or parts.query or parts.fragment):
        yield "url", "`url` is the server's address only, without a user, a query or a #part"
    if context.environ is not None and not context.environ.get(BBB_SECRET_ENV, "").strip():
        yield (
            "",
            f"[bbb] needs the server's shared secret in the environment as {BBB_SECRET_ENV} "
            "(ask the BigBlueButton admin for the output of `bbb-conf --secret`)",
        )


BBB = Table(
    "bbb",
    {
        "url": Field(str, required=True),
        "checksum": Field(str, default="sha256", choices=BBB_CHECKSUMS),
        "embed": Field(bool, default=False),  # only for a server that allows session-less joins
        "webhooks": Field(bool, default=False),  # bbb-webhooks installed: joins pushed too
        "secret": Field(str),  # refused by the rule with a reason (the environment holds it)
    },
    rules=(_bbb_rules,),
)


# --- [[notify]] ------------------------------------------------------------------------------

NotifyKind = Literal["webhook", "slack", "teams", "discord", "matrix", "ntfy"]
NOTIFY_KINDS: tuple[NotifyKind, ...] = get_args(NotifyKind)  # the one list (the API's too)
NTFY_DEFAULT = "https://ntfy.sh"


def url_problem(url: str) -> str:
    """Why a subscriber URL is unacceptable in form (before any address lookup), or ""."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        return "the URL must be http or https"
    if not parts.hostname:
        return "the URL has no host"
    if parts.username or parts.password:
        return "credentials in the URL are not accepted"
    if len(url) > 2000:
        return "the URL is too long"
    return ""


def _notify_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    kind = values["kind"]
    url = values.get("url", NTFY_DEFAULT if kind == "ntfy" else "")
    if not url:
        yield "", f"a {kind} subscriber needs `url`"
    elif problem := url_problem(url):
        yield "url", f"{problem} (url = {url!r})"
    secret_env = values.get("secret_env", "")
    if kind == "webhook" and not secret_env:
        yield "", "a webhook needs `secret_env` naming a variable that holds a whsec_… secret"
    elif secret_env and context.environ is not None:
        secret = context.environ.get(secret_env, "")
        if not secret:
            yield "secret_env", f"the environment variable {secret_env} is not set"
        elif kind == "webhook" and not secret.startswith("whsec_"):
            yield "secret_env", f"{secret_env} must hold a whsec_… secret"


PUBLIC_NTFY = ("ntfy.sh",)  # servers anyone can subscribe on, topic known


def notify_warnings(values: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """What `rota check` warns of in a [[notify]] entry that is otherwise fine."""
    if values.get("kind") != "ntfy":
        return
    host = (urlsplit(values.get("url", NTFY_DEFAULT)).hostname or "").lower()
    if host in PUBLIC_NTFY or host.endswith(tuple(f".{h}" for h in PUBLIC_NTFY)):
        yield (
            "url",
            (
                f"{host} is a public ntfy server: anyone who knows a topic reads its pushes, and "
                "personal ones carry the person's /go link; use topics nobody can guess, or your "
                "own ntfy server (docs/operations.md, Security at the edge)"
            ),
        )


NOTIFY = Table(
    "notify",
    {
        "id": Field(str),
        "kind": Field(str, default="webhook", choices=NOTIFY_KINDS),
        "url": Field(str),
        "secret_env": Field(str, default=""),
        "events": Field(list, default=["*"], items=str),
        "personal": Field(bool, default=True),
    },
    array=True,
    rules=(_notify_rules,),
)


# --- [scoring] and [[awards]] (read by schedules/scoring.py) ---------------------------------

SCORING = Table(
    "scoring",
    {
        "criteria": Field(list, items=dict),
        "closes_minutes_after": Field(
            int, default=30, minimum=0, bound="`closes_minutes_after` cannot be negative"
        ),
        "audience_feedback": Field(bool, default=False),
    },
)
CRITERIA = Table(
    "scoring.criteria",
    {
        "id": ID,
        "name": Field(str),
        "description": Field(str, default=""),
        "min": Field(float, default=0.0),
        "max": Field(float, default=10.0),
        "weight": Field(float, default=1.0),
    },
    array=True,
)
AWARDS = Table(
    "awards",
    {
        "id": ID,
        "name": Field(str),
        "description": Field(str, default=""),
        "criterion": Field(str, default=""),
    },
    array=True,
)


# --- [mail] (read by orchestrator/mail/config.py) --------------------------------------------

MAIL_SECURITY = ("starttls", "tls", "none")


def mail_address_problem(value: str) -> str:
    """Why `value` is not one e-mail address ("Name <a@b.org>" or "a@b.org"), or ""."""
    _, address = parseaddr(value)
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain or any(c.isspace() for c in address):
        return f"{value!r} is not an e-mail address"
    return ""


def _mail_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    for key in ("from", "reply_to"):
        if values.get(key) and (problem := mail_address_problem(values[key])):
            yield key, f"`{key}`: {problem}"
    if values["username"] and not values["password_env"]:
        yield (
            "username",
            "a `username` needs `password_env`: the name of the environment variable that "
            "holds the password (never the password itself)",
        )
    password_env = values["password_env"]
    if password_env and context.environ is not None and not context.environ.get(password_env):
        yield "password_env", f"the environment variable {password_env} is not set"
    wrong = [m for m in values["remind_minutes"] if m <= 0]
    if wrong:
        yield "remind_minutes", f"`remind_minutes` must be above 0, not {wrong[0]}"
    if values["ca_file"]:
        path = key_path(values["ca_file"], context)
        if not path.is_file():
            yield "ca_file", f"cannot read ca_file {path}"


MAIL = Table(
    "mail",
    {
        "host": Field(str, required=True),
        "port": Field(int, minimum=1, maximum=65535),
        "security": Field(str, default="starttls", choices=MAIL_SECURITY),
        "username": Field(str, default=""),
        "password_env": Field(str, default=""),
        "from": Field(str, required=True),
        "reply_to": Field(str, default=""),
        "remind_minutes": Field(list, default=[1440, 15], items=int),
        "per_second": Field(
            float,
            default=5.0,
            minimum=0.01,
            maximum=1000,
            bound="`per_second` must be between 0.01 and 1000, not {value}",
        ),
        "ca_file": Field(str, default=""),  # a CA to trust (a server with its own certificate)
    },
    rules=(_mail_rules,),
)


# --- [privacy] (read by schedules/retention.py) --------------------------------------------


def _privacy_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    for key in ("controller", "contact"):
        if not values[key].strip():
            yield key, f"`{key}` cannot be empty: participants are shown it"
    contact = values["contact"].strip()
    if contact and mail_address_problem(contact) and url_problem(contact):
        yield "contact", f"`contact` must be an e-mail address or an http(s) URL, not {contact!r}"


PRIVACY = Table(
    "privacy",
    {
        "controller": Field(str, required=True),  # who is responsible for the data
        "contact": Field(str, required=True),  # an e-mail address or a web page
        "purpose": Field(str, default=""),
        "retention_days": Field(
            int,
            required=True,
            minimum=1,
            bound="`retention_days` is a number of days after the event's end, at least 1, "
            "not {value}",
        ),
    },
    rules=(_privacy_rules,),
)


# --- [certificates] (read by orchestrator/scoring/certificates.py) --------------------------------

MAX_LOGOS = 3
MAX_SIGNATURES = 3
MAX_IMAGE_BYTES = 2_000_000  # a logo, signature or emblem: a print-quality PNG is far smaller
SIGNATURE_KEYS = ("name", "title", "image")


def image_problem(name: str, context: Context) -> str:
    """Why the image file `name` (beside the programme) cannot go on a certificate, or ""."""
    path = key_path(name, context)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    if size > MAX_IMAGE_BYTES:
        return f"{path} is {size // 1000} kB: at most {MAX_IMAGE_BYTES // 1_000_000} MB"
    text = head.lstrip().lower()
    if not (
        head.startswith(b"\x89PNG\r\n\x1a\n")
        or head.startswith(b"\xff\xd8\xff")
        or (text.startswith((b"<svg", b"<?xml")) and b"<svg" in head.lower())
    ):
        return f"{path} is not a PNG, JPEG or SVG image"
    return ""


def _certificate_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    logos = values["logos"]
    if len(logos) > MAX_LOGOS:
        yield "logos", f"at most {MAX_LOGOS} logos, not {len(logos)}"
    for problem in [image_problem(name, context) for name in logos]:
        if problem and context.base is not None:
            yield "logos", f"logo: {problem}"
    signatures = values["signatures"]
    if len(signatures) > MAX_SIGNATURES:
        yield "signatures", f"at most {MAX_SIGNATURES} signature lines, not {len(signatures)}"
    for i, signature in enumerate(signatures, start=1):
        unknown = sorted(set(signature) - set(SIGNATURE_KEYS))
        if unknown:
            yield "signatures", f"signature {i}: unknown key {unknown[0]!r} (name, title, image)"
        if not isinstance(signature.get("name"), str) or not signature["name"].strip():
            yield "signatures", f"signature {i} needs a `name` (who signs)"
        for key in ("title", "image"):
            if key in signature and not isinstance(signature[key], str):
                yield "signatures", f"signature {i}: `{key}` must be text"
        image = signature.get("image")
        problem = image_problem(image, context) if isinstance(image, str) and image else ""
        if problem and context.base is not None:
            yield "signatures", f"signature {i}: {problem}"
    if values["funding"] and not values["emblem"]:
        yield (
            "funding",
            "a funding line goes with its emblem: set `emblem` to the funder's emblem file "
            "(docs/certificates.md says where the EU's official one is)",
        )
    problem = image_problem(values["emblem"], context) if values["emblem"] else ""
    if problem and context.base is not None:
        yield "emblem", f"emblem: {problem}"


CERTIFICATES = Table(
    "certificates",
    {
        "issuer": Field(str, required=True),  # who issues them: the institution or project
        "place": Field(str, default=""),  # where they are issued ("Lisboa")
        "logos": Field(list, default=[], items=str),  # image files beside the programme
        "signatures": Field(list, default=[], items=dict),  # {name, title, image}
        "funding": Field(str, default=""),  # "Co-funded by the European Union"
        "emblem": Field(str, default=""),  # the funder's emblem, supplied by the organiser
        "attendance_minutes": Field(
            int,
            default=0,
            minimum=0,
            maximum=1440,
            bound="`attendance_minutes` is the minutes a person must attend in all, 0 to "
            "1440, not {value}",
        ),
    },
    rules=(_certificate_rules,),
)


# --- [roster] (read by schedules/roster.py) ---------------------------------------------------

ROSTER_VALUES = ("role", "team", "timezone", "language", "mode")


def _roster_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    for header, meant in values["columns"].items():
        if not isinstance(meant, str):
            yield (
                "columns",
                (
                    f"`columns`: {header!r} must name a column as text (one of Rota's columns, a "
                    f'keynote id, or "" to keep it as the person\'s own), not {meant!r}'
                ),
            )
    for key, table in values["values"].items():
        if key not in ROSTER_VALUES:
            yield (
                "values",
                (f"`values` may say what a {one_of(ROSTER_VALUES)} means, not a {key!r}"),
            )
        elif not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            yield (
                "values",
                (f'`values.{key}` must be a table of texts, like {key} = {{"Lecturer" = "jury"}}'),
            )


ROSTER = Table(
    "roster",
    {
        "sheet": Field(str, default=""),  # a workbook's sheet; the first when not given
        "columns": Field(dict, default={}),  # header as written -> a field, keynote id or ""
        "values": Field(dict, default={}),  # field -> {value as written -> what it means}
    },
    rules=(_roster_rules,),
)


SECTIONS: dict[str, Table] = {
    t.name: t
    for t in (
        EVENT,
        ROTATION,
        ROOMS,
        TEAMS,
        KEYNOTES,
        JITSI,
        BBB,
        NOTIFY,
        MAIL,
        SCORING,
        AWARDS,
        PRIVACY,
        CERTIFICATES,
        ROSTER,
    )
}


def section_problems(name: str, table: Mapping[str, Any] | None, context: Context) -> list[str]:
    """The same verdict as `rota check` on one table, without lines (for code that builds a
    section's configuration from a mapping rather than a file)."""
    schema = SECTIONS[name]
    _, problems = validate(schema, table or {}, context)
    return [message for _, message in problems]
