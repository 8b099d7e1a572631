"""Guessing the organiser token is throttled per client, counted in Redis so every process
agrees; X-Forwarded-For counts only from a trusted proxy; short organiser tokens are refused."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from pathlib import Path

import httpx
import pytest

from orchestrator.errors import SetupError
from orchestrator.settings import Settings
from orchestrator.web.clients import client_of
from tests.support.app import AUTH, EXAMPLE, TOKEN

WRONG = {"Authorization": "Bearer not-the-token-not-the-token"}
ALLOWED = 5  # the default allowance per window


async def api_attempt(http, base: str, headers: dict[str, str]) -> httpx.Response:
    return await http.get(f"{base}/api/v1/state", headers=headers)


async def board_attempt(http, base: str, headers: dict[str, str]) -> httpx.Response:
    token = TOKEN if headers.get("Authorization") == AUTH["Authorization"] else "wrong"
    extra = {k: v for k, v in headers.items() if k != "Authorization"}
    return await http.post(f"{base}/board/login", data={"token": token}, headers=extra)


ATTEMPTS = {"api": (api_attempt, 200), "board": (board_attempt, 303)}


@pytest.mark.parametrize("where", ATTEMPTS)
async def test_wrong_tokens_get_429_with_retry_after(serve, http, redis_url, where) -> None:
    attempt, _ = ATTEMPTS[where]
    running = await serve(redis_url=redis_url)
    statuses = [(await attempt(http, running.base_url, WRONG)).status_code for _ in range(ALLOWED)]
    assert statuses == [401] * ALLOWED
    refused = await attempt(http, running.base_url, WRONG)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 300


@pytest.mark.parametrize("where", ATTEMPTS)
async def test_a_refused_client_is_refused_even_with_the_right_token(
    serve, http, redis_url, where
) -> None:
    """Otherwise the one answer that is not 429 would tell a guesser which guess was right."""
    attempt, _ = ATTEMPTS[where]
    running = await serve(redis_url=redis_url)
    for _ in range(ALLOWED):
        await attempt(http, running.base_url, WRONG)
    assert (await attempt(http, running.base_url, AUTH)).status_code == 429


@pytest.mark.parametrize("where", ATTEMPTS)
async def test_successes_are_neither_counted_nor_slowed(serve, http, redis_url, where) -> None:
    attempt, ok = ATTEMPTS[where]
    running = await serve(redis_url=redis_url)
    for _ in range(ALLOWED - 1):
        await attempt(http, running.base_url, WRONG)
    started = time.monotonic()
    statuses = {(await attempt(http, running.base_url, AUTH)).status_code for _ in range(30)}
    assert statuses == {ok}
    assert time.monotonic() - started < 10  # 30 logins; no back-off sleeps anywhere


async def test_every_process_counts_the_same_failures(serve, http, redis_url) -> None:
    first = await serve(redis_url=redis_url)
    second = await serve(redis_url=redis_url)
    for i in range(ALLOWED):
        await api_attempt(http, (first, second)[i % 2].base_url, WRONG)
    assert (await api_attempt(http, second.base_url, WRONG)).status_code == 429
    assert (await api_attempt(http, first.base_url, WRONG)).status_code == 429


async def test_the_window_ends(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, auth_window_seconds=1.0)
    for _ in range(ALLOWED):
        await api_attempt(http, running.base_url, WRONG)
    refused = await api_attempt(http, running.base_url, WRONG)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    await asyncio.sleep(1.2)
    assert (await api_attempt(http, running.base_url, AUTH)).status_code == 200


async def test_forwarded_for_is_ignored_from_an_untrusted_peer(serve, http, redis_url) -> None:
    """A guesser cannot pose as a new client on every attempt by writing the header."""
    running = await serve(redis_url=redis_url)
    for i in range(ALLOWED):
        await api_attempt(http, running.base_url, {**WRONG, "X-Forwarded-For": f"192.0.2.{i}"})
    again = await api_attempt(http, running.base_url, {**WRONG, "X-Forwarded-For": "192.0.2.99"})
    assert again.status_code == 429


async def test_forwarded_for_names_the_client_behind_a_trusted_proxy(
    serve, http, redis_url
) -> None:
    running = await serve(redis_url=redis_url, trusted_proxies=("127.0.0.1",))
    guesser = {**WRONG, "X-Forwarded-For": "203.0.113.5"}
    for _ in range(ALLOWED):
        await api_attempt(http, running.base_url, guesser)
    assert (await api_attempt(http, running.base_url, guesser)).status_code == 429
    someone_else = {**AUTH, "X-Forwarded-For": "203.0.113.6"}
    assert (await api_attempt(http, running.base_url, someone_else)).status_code == 200


TRUSTED = (ipaddress.ip_network("10.0.0.0/8"),)


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("198.51.100.7", [], (), "198.51.100.7"),
        ("198.51.100.7", ["203.0.113.5"], (), "198.51.100.7"),  # not a trusted proxy
        ("10.0.0.2", ["203.0.113.5"], TRUSTED, "203.0.113.5"),
        ("10.0.0.2", ["1.2.3.4, 203.0.113.5"], TRUSTED, "203.0.113.5"),  # forged first hop
        ("10.0.0.2", ["203.0.113.5, 10.0.0.9"], TRUSTED, "203.0.113.5"),  # two proxies
        ("10.0.0.2", ["203.0.113.5", "10.0.0.9"], TRUSTED, "203.0.113.5"),  # two headers
        ("10.0.0.2", ["junk, 10.0.0.9"], TRUSTED, "10.0.0.9"),  # stops at garbage
        ("10.0.0.2", [], TRUSTED, "10.0.0.2"),
        ("2001:db8:1:2:3:4:5:6", [], (), "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", [], (), "198.51.100.7"),
        (None, [], (), "unknown"),
    ],
)
def test_client_address(peer, forwarded, trusted, client) -> None:
    assert client_of(peer, forwarded, trusted) == client


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("a" * 23, "at least 24"),
        ("a" * 24, "only 1 different characters"),
        ("abcabcabcabcabcabcabcabc", "only 3 different characters"),
        ("abcdefghijklmnopqrstuvwxyz", "obvious words and runs"),
        ("Password-Password-1234567", "obvious words and runs"),
        ("test-organiser-token-0123456789", "obvious words and runs"),
        ("qwertyuiop-organiser-2025!", "obvious words and runs"),
    ],
)
def test_an_easy_organiser_token_is_refused_saying_why(token: str, why: str) -> None:
    with pytest.raises(SetupError, match=why):
        Settings.build(EXAMPLE, {"ROTA_ORGANISER_TOKEN": token})


@pytest.mark.parametrize(
    "token", ["vf76Iw71OhjmEzPWarMQ8QkFY0v2wqA4", "9fK2mQx7Lp4Wz8Rt-organiser"]
)
def test_a_random_token_is_enough(token: str) -> None:
    settings = Settings.build(EXAMPLE, {"ROTA_ORGANISER_TOKEN": token})
    assert settings.organiser_token.reveal() == token


@pytest.mark.parametrize("where", ATTEMPTS)
async def test_a_burst_of_wrong_tokens_gets_at_most_the_limit(serve, redis_url, where) -> None:
    """Counting and deciding are one atomic step: 80 guesses at once get 5 answers, not 80."""
    attempt, _ = ATTEMPTS[where]
    running = await serve(redis_url=redis_url)
    limits = httpx.Limits(max_connections=80)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        answers = await asyncio.gather(
            *(attempt(client, running.base_url, WRONG) for _ in range(80))
        )
    statuses = [a.status_code for a in answers]
    assert statuses.count(401) == ALLOWED
    assert statuses.count(429) == 80 - ALLOWED


def test_a_bad_trusted_proxy_is_refused() -> None:
    with pytest.raises(SetupError, match="not an IP address"):
        Settings.build(EXAMPLE, {"ROTA_ORGANISER_TOKEN": TOKEN, "ROTA_TRUSTED_PROXIES": "nginx"})


def test_rota_serve_refuses_a_short_token_in_one_sentence(rota_process, tmp_path: Path) -> None:
    handle = rota_process(
        "--data-dir", str(tmp_path / "var"), env={"ROTA_ORGANISER_TOKEN": "a"}, ready=False
    )
    assert handle.process.wait(30) == 1
    output = handle.log.read_text().strip()
    assert output.splitlines() == [
        "rota serve: ROTA_ORGANISER_TOKEN is 1 characters long; it needs at least 24 "
        "(for example: openssl rand -base64 24)."
    ]
