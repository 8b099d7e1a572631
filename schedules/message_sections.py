"""The sections that send messages: [[notify]] (subscribers, read by orchestrator/notify/) and
[mail] (read by orchestrator/mail/config.py), one schema each (schedules/schema.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from email.utils import parseaddr
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from schedules.schema import Context, Field, Table, key_path

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
