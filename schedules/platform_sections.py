"""The video platforms' sections: [jitsi] (read by rooms/links.py) and [bbb] (read by
rooms/bbb.py), one schema each (schedules/schema.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from schedules.schema import Context, Field, Table, key_path, one_of

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
