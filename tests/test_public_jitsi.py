"""Public meet.jit.si, chosen knowingly: `rota check` warns about it and about an event with no
presence feed (naming what the certificates will rest on); on the real day its rooms open in
the named tab like link rooms, never embedded, and report nobody, so attendance and its
certificates rest on the other sources; presenters are told on their page and in their
invitation that they must sign in. A rehearsal of the same programme still embeds. The real
day here is a generated programme whose first round began two minutes ago."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from orchestrator.appkeys import SERVICE
from orchestrator.cli import main
from orchestrator.event.live import Live
from orchestrator.language.i18n import translator
from tests.support.app import EXAMPLE
from tests.support.examples import real_day

# -- rota check ------------------------------------------------------------------------------

PUBLIC = "on public meet.jit.si: on the real day each opens in a tab of its own"
NO_FEED = "no presence feed"
CERTIFICATES = (
    'attendance certificates will rest on who followed their link (sent), pressed "I\'m here"'
)


@pytest.mark.parametrize(
    ("jitsi", "env", "warned"),
    [
        ('domain = "meet.jit.si"', {}, [PUBLIC, NO_FEED]),
        ('domain = "jitsi.example.org"', {}, [NO_FEED]),
        ('domain = "jitsi.example.org"', {"ROTA_EVENT_SYNC_TOKEN": "t" * 32}, []),
    ],
    ids=["public meet.jit.si", "own Jitsi, no feed", "own Jitsi with event_sync"],
)
def test_check_says_what_the_platform_will_not_do(
    tmp_path: Path, jitsi: str, env: dict[str, str], warned: list[str]
) -> None:
    path = real_day(tmp_path, jitsi)
    result = CliRunner().invoke(main, ["check", str(path)], env=env)
    assert result.exit_code == 0, result.output  # warnings, not errors
    warnings = [line for line in result.output.splitlines() if ": warning: " in line]
    assert len(warnings) == len(warned), warnings
    for line, expected in zip(warnings, warned, strict=True):
        assert expected in line
        assert line.startswith(f"{path}:")  # at the [jitsi] line
    if NO_FEED in warned:
        assert CERTIFICATES in warnings[-1]
    if PUBLIC in warned:
        assert "Google, Facebook or GitHub" in warnings[0] and "JaaS" not in warnings[0]
        assert 'tokens = "jaas"' in warnings[0] and "Choosing your video platform" in warnings[0]


def test_check_names_a_keynote_that_would_get_no_certificates(tmp_path: Path) -> None:
    path = real_day(tmp_path)
    toml, count = re.subn(
        r"(\[\[keynotes\]\]\n(?:.+\n)*?minutes = 30\n)",
        r'\1evidence = ["webhook"]\n',
        path.read_text(encoding="utf-8"),
        count=1,
    )
    assert count == 1
    path.write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "keynote k1 counts webhook time only" in result.output, result.output


def test_the_bundled_example_still_checks_as_a_rehearsal() -> None:
    result = CliRunner().invoke(main, ["check", str(EXAMPLE)])
    assert result.exit_code == 0 and "ok — 8 teams" in result.output, result.output


# -- the real day and a rehearsal of it -------------------------------------------------------


def _someone(live: Live, role: str) -> str:
    return next(p.id for p in live.programme.participants if p.role == role and live.days[p.id])


async def test_on_the_real_day_rooms_open_in_the_tab_and_report_nobody(
    serve, http, redis_url, tmp_path: Path
) -> None:
    from orchestrator.presence.sources import reports_presence

    running = await serve(real_day(tmp_path), redis_url=redis_url)
    live: Live = running.app[SERVICE].require_live()
    assert live.clock.is_real and live.jitsi_in_tab
    pid = _someone(live, "audience")
    place = live.stay(pid, live.event_now()).now
    assert place is not None
    room = f"https://meet.jit.si/{live.room_names[place.room]}"
    go = await http.get(f"{running.base_url}/go/{live.token_of[pid]}")
    assert go.status_code == 302 and go.headers["Location"] == room
    page = await http.get(f"{running.base_url}/p/{live.token_of[pid]}")
    assert '<section id="link-room" class="link-room" aria-labelledby="link-name">' in page.text
    assert 'data-api=""' in page.text  # the IFrame API is not even loaded
    assert "meet.jit.si" not in page.headers["Content-Security-Policy"]  # nor framed
    assert not reports_presence(live, place.room)
    assert "p-sign-in" not in page.text  # only presenters must sign in


async def test_a_rehearsal_of_the_same_day_still_embeds(serve, http, redis_url, tmp_path) -> None:
    running = await serve(real_day(tmp_path), redis_url=redis_url, speed=60, start_at="now")
    live: Live = running.app[SERVICE].require_live()
    assert not live.jitsi_in_tab
    pid = _someone(live, "audience")
    page = await http.get(f"{running.base_url}/p/{live.token_of[pid]}")
    assert 'class="link-room" aria-labelledby="link-name" hidden>' in page.text
    assert 'data-api="https://meet.jit.si/external_api.js"' in page.text


async def test_presenters_are_told_to_sign_in_on_their_page_and_in_their_invitation(
    serve, http, redis_url, tmp_path: Path
) -> None:
    from orchestrator.mail.compose import compose
    from orchestrator.mail.config import MailConfig

    running = await serve(real_day(tmp_path), redis_url=redis_url)
    live: Live = running.app[SERVICE].require_live()
    presenter, channel_sync = _someone(live, "presenter"), _someone(live, "audience")
    page = await http.get(f"{running.base_url}/p/{live.token_of[presenter]}")
    own = translator(live.programme.language_of(live.programme.participant_by_id[presenter]))
    assert f'<p id="p-sign-in" class="hint sign-in">{escape(own("sign_in"))}</p>' in page.text
    config = MailConfig("127.0.0.1", 25, "none", "Rota <rota@example.org>")
    now = datetime.now(UTC)
    people = live.programme.participant_by_id
    told = compose("invitation", live, people[presenter], running.base_url, config, now)
    untold = compose("invitation", live, people[channel_sync], running.base_url, config, now)
    text, html = (told.get_body(("plain",)), told.get_body(("html",)))
    assert text is not None and own("sign_in") in text.get_content()
    assert html is not None and escape(own("sign_in")) in html.get_content()
    plain = untold.get_body(("plain",))
    assert plain is not None and "Google, Facebook" not in plain.get_content()


async def test_attendance_and_certificates_rest_on_confirmed_and_sent(
    serve, http, redis_url, tmp_path: Path
) -> None:
    """The keynote runs on public meet.jit.si on the real day: nobody reports presence, so one
    listener's "I'm here" and another's click on their link make both attend, and both get
    their attendance certificate; one who did neither is absent."""
    from orchestrator.presence.attendance import in_event_time
    from orchestrator.scoring.certificates import attendance_of
    from tests.support.app import AUTH

    running = await serve(real_day(tmp_path), redis_url=redis_url)
    live: Live = running.app[SERVICE].require_live()
    planned = next(k for k in live.plan.keynotes if k.id == "k1")
    confirmer, clicker, idle = planned.audience[:3]
    for pid in (confirmer, clicker):
        assert (await http.get(f"{running.base_url}/go/{live.token_of[pid]}")).status_code == 302
    here = await http.post(f"{running.base_url}/p/{live.token_of[confirmer]}/here", json={})
    assert here.status_code == 200 and here.json()["slot"] == "keynote-k1"
    report = await http.get(f"{running.base_url}/api/v1/keynotes/k1/attendance", headers=AUTH)
    body = report.json()
    rows = {r["participant"]: r for r in body["rows"]}
    assert (rows[confirmer]["status"], rows[confirmer]["evidence"]) == ("attended", "confirmed")
    assert (rows[clicker]["status"], rows[clicker]["evidence"]) == ("attended", "sent")
    assert (rows[idle]["status"], rows[idle]["evidence"]) == ("absent", "")
    assert body["presence"]["attended_by"] == ["sent", "confirmed", "checked-in", "webhook"]
    store = running.app[SERVICE].store
    events = in_event_time(live, await store.room_events()).events
    attended = attendance_of(live, events, await store.clicks(), await store.marks())
    keynotes = {pid: [k[0] for k in a.keynotes] for pid, a in attended.items()}
    assert keynotes.get(confirmer) == ["k1"] and keynotes.get(clicker) == ["k1"]
    assert not keynotes.get(idle)
