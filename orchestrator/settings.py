"""One settings object, built once from the command line and the environment, passed down;
the environment itself is read here only, once, when `rota` starts (`Environment.read`)."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import secrets
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from orchestrator.errors import SetupError
from orchestrator.web.token_strength import weakness


class Secret:
    """A string that never shows itself in logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


class Environment(Mapping[str, str]):
    """The process's environment as `rota` found it at start: read once by the command group
    (cli/common.py), passed down through click's context, never written. Rota's own variables
    by name; the rest (secrets the programme names with `secret_env`, …) as a mapping."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)

    @classmethod
    def read(cls) -> Environment:
        """The one read of `os.environ` in Rota."""
        return cls(os.environ)

    @classmethod
    def of(cls, values: Mapping[str, str]) -> Environment:
        return values if isinstance(values, Environment) else cls(values)

    def with_values(self, **more: str) -> Environment:
        """This environment and `more` (`rota demo`'s made-up webhook secret), as a new one."""
        return Environment({**self._values, **more})

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:  # it holds secrets
        return f"Environment({len(self._values)} variables)"

    @property
    def redis_url(self) -> str | None:
        """REDIS_URL, or None: an embedded redis-server under the data folder."""
        return self.get("REDIS_URL") or None

    @property
    def base_url(self) -> str:
        """ROTA_BASE_URL as given ("" when unset)."""
        return self.get("ROTA_BASE_URL", "")

    @property
    def domain_given(self) -> bool:
        """docker/.env sets ROTA_DOMAIN, from which its compose file makes ROTA_BASE_URL."""
        return bool(self.get("ROTA_DOMAIN"))

    @property
    def trusted_proxies(self) -> str:
        return self.get("ROTA_TRUSTED_PROXIES", "").strip()

    @property
    def organiser_token(self) -> str:
        return self.get("ROTA_ORGANISER_TOKEN", "")

    @property
    def jaas_webhook_secret(self) -> Secret:
        return Secret(self.get("ROTA_JAAS_WEBHOOK_SECRET", ""))

    @property
    def mail_backoff_scale(self) -> float:
        """ROTA_MAIL_BACKOFF_SCALE shortens `rota invite`'s retries' waits in tests."""
        return float(self.get("ROTA_MAIL_BACKOFF_SCALE", "1") or 1)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(given: str | tuple[str, ...] | list[str]) -> tuple[Network, ...]:
    """Proxy addresses or networks (`10.0.0.5`, `10.0.0.0/8`), comma- or space-separated."""
    parts = given.replace(",", " ").split() if isinstance(given, str) else list(given)
    networks = []
    for part in parts:
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            raise SetupError(
                f"trusted proxy {part.strip()!r} is not an IP address or network"
            ) from None
    return tuple(networks)


HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


def base_url_problem(value: str) -> str:
    """Why `value` cannot be the public address people's links are built from ("" when it
    can): an http(s) URL whose host is a host name (`rota.example.org`) or an IP address."""
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not value.startswith(("http://", "https://")):
        return f"the base URL must start with https:// or http://, not {value!r}"
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
    except ValueError:
        return f"the base URL {value!r} has a port that is not a number"
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return ""
    labels = host.rstrip(".").split(".")
    if not host or len(host) > 253 or not all(HOST_LABEL.match(label) for label in labels):
        shown = parts.netloc or value
        return (
            f"the base URL {value!r} does not name a host ({shown!r} is not a host name like "
            "rota.example.org)"
        )
    if parts.query or parts.fragment or "@" in parts.netloc:
        return f"the base URL {value!r} must be only the address, like https://rota.example.org"
    return ""


def _instance_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Settings:
    programme: Path
    organiser_token: Secret
    host: str = "127.0.0.1"
    port: int = 8080
    redis_url: str | None = None
    data_dir: Path = Path("var")
    speed: float = 1.0
    start_at: str | None = None  # ISO local time, "now", or None to keep the stored clock
    resume: bool = False  # carry on with the stored run even if it is not the one asked for
    fresh: bool = False  # archive the stored run and start the one asked for
    base_url: str = ""  # how participants reach this service; default http://host:port
    lead_minutes: float = 2.0  # /go sends people to their next place this early
    lease_seconds: float = 6.0  # leader lease; a standby takes over within this (+ a poll)
    seed: int = 0
    instance: str = field(default_factory=_instance_name)
    token_generated: bool = False  # the organiser token was made up at start: print it
    jitsi_secret: Secret = field(default_factory=lambda: Secret(""))  # ROTA_JITSI_SECRET
    jaas_webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    bbb_secret: Secret = field(default_factory=lambda: Secret(""))  # ROTA_BBB_SECRET
    bbb_poll_seconds: float = 5.0  # the leader asks BigBlueButton who is in each meeting
    event_sync_token: Secret = field(default_factory=lambda: Secret(""))
    feed_silence_seconds: float = 300.0  # the board warns when webhooks stop this long
    simulate_presence: bool = False  # rehearsal: simulated people join and leave the rooms
    notify_allow_private: bool = False  # ROTA_NOTIFY_ALLOW_PRIVATE=1: receivers on our network
    notify_backoff_scale: float = 1.0  # multiplies the retry back-off (tests shorten it)
    mail_backoff_scale: float = 1.0  # the same for e-mail retries
    mail_in_rehearsal: bool = False  # reminders and change notes also during a rehearsal
    purge_in_rehearsal: bool = False  # the retention timer also runs during a rehearsal
    notify_max_attempts: int = 7  # then a delivery is a dead letter
    notify_timeout: float = 10.0  # seconds for one delivery attempt
    # X-Forwarded-For is believed only from these (ROTA_TRUSTED_PROXIES / --trusted-proxy)
    trusted_proxies: tuple[Network, ...] = ()
    auth_failures_allowed: int = 5  # failed logins per client in a window, then 429
    auth_window_seconds: float = 300.0
    client_timeout: float = 10.0  # to send a request's headers, or its body; idle keep-alive
    environ: dict[str, str] = field(default_factory=dict, repr=False)  # for [[notify]] secrets
    checkin_seconds: float = 15.0  # a door screen's check-in code changes this often
    worker: str = ""  # "2/4" in a process started by `rota serve --workers 4`

    @property
    def feed_configured(self) -> bool:
        """Jitsi can tell us who is where (live counts on the board and presenter pages)."""
        return bool(self.jaas_webhook_secret or self.event_sync_token)

    @classmethod
    def build(cls, programme: Path, environ: Mapping[str, str], **options: object) -> Settings:
        """From explicit options first, then the environment (`REDIS_URL`,
        `ROTA_ORGANISER_TOKEN`, `ROTA_BASE_URL`, `ROTA_TRUSTED_PROXIES`), then defaults.
        Raises SetupError for an organiser token too easy to guess (token_strength.py)."""
        env = Environment.of(environ)
        token = env.organiser_token
        generated = not token
        if generated:
            token = secrets.token_urlsafe(24)
        elif (why := weakness(token)) is not None:
            raise SetupError(f"ROTA_ORGANISER_TOKEN {why}")
        chosen = {k: v for k, v in options.items() if v is not None and v != ()}
        proxies = chosen.get("trusted_proxies") or env.trusted_proxies
        chosen["trusted_proxies"] = trusted_networks(
            proxies if isinstance(proxies, str | tuple | list) else ""
        )
        chosen.setdefault("redis_url", env.redis_url)
        chosen.setdefault("base_url", env.base_url)
        chosen.setdefault(
            "notify_allow_private", env.get("ROTA_NOTIFY_ALLOW_PRIVATE", "") in ("1", "true", "yes")
        )
        settings = cls(
            programme=Path(programme),
            organiser_token=Secret(token),
            token_generated=generated,
            jitsi_secret=Secret(env.get("ROTA_JITSI_SECRET", "")),
            jaas_webhook_secret=env.jaas_webhook_secret,
            bbb_secret=Secret(env.get("ROTA_BBB_SECRET", "").strip()),
            event_sync_token=Secret(env.get("ROTA_EVENT_SYNC_TOKEN", "")),
            environ=dict(env),
            **chosen,  # type: ignore[arg-type]  # options typed and checked by click (cli/)
        )
        problem = base_url_problem(settings.base_url)
        if problem:
            given = "ROTA_DOMAIN in docker/.env" if env.domain_given else "ROTA_BASE_URL"
            raise SetupError(f"{problem}; set {given} to the name people will use.")
        if not settings.base_url:
            host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
            settings = replace(settings, base_url=f"http://{host}:{settings.port}")
        return settings
