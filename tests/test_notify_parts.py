"""The notification parts without a network: retry timing, the SSRF classification, each
kind's request, the job record and the fan-out's choice of jobs."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from orchestrator.event.live import Live
from orchestrator.notify.fanout import jobs_for
from orchestrator.notify.kinds import build
from orchestrator.notify.retries import BACKOFF, MAX_HINT, next_delay, retry_after
from orchestrator.notify.signing import verify
from orchestrator.notify.ssrf import UnsafeURL, check, check_shape, special
from orchestrator.storage.notifications import OutboxEntry
from orchestrator.storage.notify_records import Event, Job, Outcome, Subscriber
from rooms.links import JitsiConfig
from schedules.programme import load_programme
from tests.support.live import make_live
from tests.support.receivers import VECTOR_SECRET

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bip-2025" / "programme.toml"
NOW = datetime(2025, 3, 27, 9, 30, tzinfo=UTC)
EVENT = Event("round.started", NOW, "bip-2025", {"round": 2}, "Round 2 has started", "BIP")


# -- retry timing ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(NOW - timedelta(seconds=90), usegmt=True), 0.0),  # a past date: now
        ("", None),
        (None, None),
        ("soon", None),
        ("-5", None),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date(
    header: str | None, seconds: float | None
) -> None:
    assert retry_after(header, now=NOW) == seconds


@pytest.mark.parametrize("attempts", range(1, len(BACKOFF) + 3))
def test_back_off_follows_the_steps_within_the_jitter(attempts: int) -> None:
    step = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
    delays = [next_delay(attempts, None) for _ in range(200)]
    assert all(step * 0.8 <= d <= step * 1.2 for d in delays)
    assert max(delays) - min(delays) > step * 0.1  # jittered, not one fixed value


@pytest.mark.parametrize(
    ("hint", "low", "high"),
    [(600.0, 600.0, 600.0), (1.0, 4.0, 6.0), (10 * MAX_HINT, MAX_HINT, MAX_HINT)],
)
def test_back_off_waits_at_least_as_long_as_the_server_asked(
    hint: float, low: float, high: float
) -> None:
    assert low <= next_delay(1, hint) <= high


def test_back_off_scales_for_rehearsals() -> None:
    assert next_delay(2, None, scale=0.001) <= BACKOFF[1] * 0.001 * 1.2


# -- SSRF classification ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),  # cloud metadata
        ("100.64.0.1", True),  # carrier-grade NAT
        ("0.0.0.0", True),
        ("224.0.0.1", True),  # multicast
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fd00::1", True),
        ("::ffff:127.0.0.1", True),  # IPv4 loopback mapped into IPv6
        ("93.184.216.34", False),
        ("2606:4700:4700::1111", False),
        ("::ffff:93.184.216.34", False),
    ],
)
def test_special_addresses_are_classified(address: str, refused: bool) -> None:
    assert special(address) is refused


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.org/x", "http or https"),
        ("https:///nohost", "no host"),
        ("https://user:pw@example.org/", "credentials"),
        ("https://example.org/" + "a" * 2000, "too long"),
    ],
)
def test_url_shapes_are_refused_before_any_lookup(url: str, why: str) -> None:
    with pytest.raises(UnsafeURL, match=why):
        check_shape(url)


async def test_a_literal_private_address_is_refused_unless_allowed() -> None:
    with pytest.raises(UnsafeURL, match="private or special"):
        await check("http://127.0.0.1:8080/hook", allow_private=False)
    await check("http://127.0.0.1:8080/hook", allow_private=True)


# -- each kind's request ---------------------------------------------------------------------
def sub(kind: str, url: str = "https://hooks.example.org/x", **extra: object) -> Subscriber:
    return Subscriber(id=f"s-{kind}", url=url, kind=kind, **extra)  # type: ignore[arg-type]


def body(kind: str, url: str = "https://hooks.example.org/x") -> dict[str, object]:
    parsed: dict[str, object] = json.loads(
        build(sub(kind, url), EVENT, "msg_1", 1_700_000_000).body
    )
    return parsed


def test_a_webhook_is_a_signed_standard_webhooks_envelope() -> None:
    request = build(sub("webhook", secret=VECTOR_SECRET), EVENT, "msg_1", 1_700_000_000)
    assert json.loads(request.body) == {
        "type": "round.started",
        "timestamp": NOW.isoformat(),
        "event": "bip-2025",
        "data": {"round": 2},
    }
    headers = request.headers
    assert (headers["webhook-id"], headers["webhook-timestamp"]) == ("msg_1", "1700000000")
    assert verify(VECTOR_SECRET, "msg_1", 1_700_000_000, request.body, headers["webhook-signature"])
    assert request.url == "https://hooks.example.org/x"


def test_slack_gets_the_sentence() -> None:
    assert body("slack") == {"text": "Round 2 has started"}


def test_discord_gets_the_sentence_and_mentions_nobody() -> None:
    assert body("discord") == {"content": "Round 2 has started", "allowed_mentions": {"parse": []}}


def test_discord_is_cut_at_its_2000_characters() -> None:
    long = Event("broadcast", NOW, "bip-2025", {}, "x" * 2500, "BIP")
    sent = json.loads(build(sub("discord"), long, "msg_1", 0).body)
    assert len(sent["content"]) == 2000


def test_matrix_hookshot_gets_text_and_a_name() -> None:
    assert body("matrix") == {"text": "Round 2 has started", "username": "Rota"}


def test_teams_gets_an_adaptive_card_with_title_and_sentence() -> None:
    sent = body("teams")
    assert sent["type"] == "message"
    attachment = sent["attachments"][0]  # type: ignore[index]  # JSON as parsed
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    blocks = attachment["content"]["body"]
    assert [b["text"] for b in blocks] == ["BIP", "Round 2 has started"]


def test_ntfy_posts_to_the_server_root_with_the_topic_in_the_body() -> None:
    personal = Event(
        "round.warning", NOW, "bip-2025", {"link": "https://r.example/go/t", "label": "Join"}, "Go"
    )
    request = build(sub("ntfy", "https://ntfy.sh"), personal, "msg_1", 0, url="https://ntfy.sh/amy")
    assert request.url == "https://ntfy.sh"
    assert json.loads(request.body) == {
        "topic": "amy",
        "title": "Rota",
        "message": "Go",
        "click": "https://r.example/go/t",
        "actions": [{"action": "view", "label": "Join", "url": "https://r.example/go/t"}],
    }


# -- the job record and the fan-out ---------------------------------------------------------
def test_a_job_survives_its_json_and_records_an_attempt() -> None:
    job = Job("msg_1", "s-1", "s-1", None, EVENT, "1-0", created=1.0)
    again = Job.from_json(job.to_json())
    assert again == job
    tried = again.tried(Outcome(False, 503, "HTTP 503"), at=2.0)
    assert (tried.attempts, tried.last, tried.last_status, tried.last_at) == (
        1,
        "HTTP 503",
        503,
        2.0,
    )
    assert (
        "url" in job.public()
        and "url"
        not in Job.from_json(
            json.dumps({**job.to_dict(), "url": "https://ntfy.sh/secret-topic"})
        ).public()
    )


@pytest.fixture(scope="module")
def live() -> Live:
    """The example, with three audience members who gave an ntfy topic."""
    loaded = load_programme(EXAMPLE)
    audience = [p.id for p in loaded.participants if p.role == "audience"][:3]
    people = tuple(
        replace(p, ntfy=f"topic-{p.id}") if p.id in audience else p for p in loaded.participants
    )
    programme = replace(loaded, participants=people)
    return make_live(programme, jitsi=JitsiConfig())


def test_fan_out_makes_one_job_per_interested_subscriber(live: Live) -> None:
    entry = OutboxEntry("5-0", "round.started", {"round": 2})
    subs = [
        sub("slack"),
        Subscriber("rounds", "https://a.example", "slack", events=("round.*",)),
        Subscriber("talks", "https://b.example", "slack", events=("keynote.*",)),
        Subscriber("gone", "https://c.example", "slack", disabled="410 Gone"),
    ]
    jobs = jobs_for(live, entry, EVENT, subs, now=1.0)
    assert [j.subscriber for j in jobs] == ["s-slack", "rounds"]
    assert len({j.id for j in jobs}) == 2 and all(j.entry == "5-0" for j in jobs)


def test_personal_ntfy_makes_one_job_per_person_at_a_warning_only(live: Live) -> None:
    topics = {p.id: p.ntfy for p in live.programme.participants if p.ntfy}
    assert len(topics) == 3
    personal = Subscriber("n", "https://ntfy.sh", "ntfy", personal=True)
    warning = OutboxEntry("6-0", "round.warning", {"round": 2})
    jobs = jobs_for(live, warning, EVENT, [personal], now=1.0)
    assert len(jobs) == 3 and all(
        j.url == f"https://ntfy.sh/{topics[j.queue.split(':')[1]]}" for j in jobs
    )
    assert all(j.event.data["link"].startswith("http://x/go/") for j in jobs)
    started = OutboxEntry("7-0", "round.started", {"round": 2})
    assert jobs_for(live, started, EVENT, [personal], now=1.0) == []
