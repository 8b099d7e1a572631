"""Dates that would wreck the day: a local time that does not exist or happens twice is
refused with the nearest valid times; a day that is over is refused as the real day (and
only warned about by `rota check`, since rehearsing it is fine); a stored real day follows
its programme when the date is corrected, with the same personal links."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from orchestrator.appkeys import SERVICE, STORE
from orchestrator.cli import main
from orchestrator.views.board_journal import journal_text
from schedules.planner import plan_rotation
from schedules.programme import load_programme
from tests.support.app import AUTH, EXAMPLE, Running, free_port
from tests.support.builders import BASE_TOML, line_of, upcoming, write_event
from tests.support.clock import eventually

DAY = date(2025, 3, 27)  # the day of BASE_TOML and the example
GAP = "2025-03-30T02:30"  # Europe/Berlin: the clocks jump from 02:00 to 03:00
FOLD = "2025-10-26T02:30"  # Europe/Berlin: the clocks go back from 03:00 to 02:00


def check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(path)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("written", "says"),
    [
        (
            GAP,
            "2025-03-30T02:30 does not exist in Europe/Berlin: that night the clocks jump "
            "from 02:00 to 03:00; the nearest valid times are 01:59 and 03:00",
        ),
        (
            FOLD,
            "2025-10-26T02:30 happens twice in Europe/Berlin: that night the clocks go back "
            "from 03:00 to 02:00; the nearest times that happen once are 01:59 and 03:00, or write "
            "the offset: 2025-10-26T02:30:00+02:00 (the first) or 2025-10-26T02:30:00+01:00",
        ),
    ],
    ids=["gap", "fold"],
)
def test_a_keynote_at_a_local_time_that_is_not_one_instant_is_refused(
    tmp_path: Path, written: str, says: str
) -> None:
    toml = BASE_TOML.replace('start = "2025-03-27T09:30"', f'start = "{written}"')
    code, output = check(write_event(tmp_path, toml))
    assert code == 1
    line = line_of(toml, written)
    assert f"programme.toml:{line}: `start` = {says}" in output


def test_a_rotation_starting_in_a_gap_is_refused_at_its_line(tmp_path: Path) -> None:
    toml = BASE_TOML.replace('start = "2025-03-27T09:00"', f'start = "{GAP}"')
    code, output = check(write_event(tmp_path, toml))
    assert code == 1
    assert f"programme.toml:{line_of(toml, GAP)}: `start` = {GAP} does not exist" in output


def test_a_round_spanning_a_clock_change_gets_a_note(tmp_path: Path) -> None:
    """01:30 CET + 30 minutes ends at 03:00 CEST: as long as planned, an hour later by the
    clock; said once, as a warning, and the programme still checks."""
    toml = BASE_TOML.replace('start = "2025-03-27T09:00"', 'start = "2025-03-30T01:45"')
    toml = toml.replace('start = "2025-03-27T09:30"', 'start = "2025-03-30T04:00"')
    code, output = check(write_event(tmp_path, toml))
    assert code == 0, output
    notes = [line for line in output.splitlines() if "the clocks change during" in line]
    assert notes == [
        f"{tmp_path / 'programme.toml'}:{line_of(toml, '01:45')}: warning: the clocks change "
        "during round 1 (02:00 becomes 03:00 in Europe/Berlin): it still lasts 30 minutes, "
        "01:45 to 03:15 by the clock"
    ]


def test_check_warns_in_one_line_of_a_day_that_is_over_and_exits_0() -> None:
    code, output = check(EXAMPLE)
    assert code == 0, output
    over = [line for line in output.splitlines() if "is over" in line]
    assert len(over) == 1
    assert over[0].startswith("note: the day of this programme is over: it was 2025-03-27 ")
    assert "--start-at now" in over[0]


def test_check_says_nothing_of_dates_for_a_day_ahead(tmp_path: Path) -> None:
    code, output = check(write_event(tmp_path, upcoming()))
    assert code == 0 and "is over" not in output, output


def test_the_real_day_of_a_day_that_is_over_is_refused_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    data = tmp_path / "var"
    path = write_event(tmp_path / "event")
    result = CliRunner().invoke(
        main, ["serve", str(path), "--port", str(free_port()), "--data-dir", str(data)]
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        f"rota serve: {path}: the day of this programme is over: it was 2025-03-27 from 09:00 "
        "to 10:30 (Europe/Berlin), so the real day would only skip every item"
    )
    assert f"rota serve {path} --start-at now" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not data.exists()  # no Redis started, no run stored


@pytest.mark.slow
def test_a_day_that_is_over_is_rehearsed_with_start_at_now(rota_process, tmp_path: Path) -> None:
    rehearsal = rota_process("--data-dir", str(tmp_path / "var"), "--start-at", "now")
    state = httpx.get(f"{rehearsal.base_url}/api/v1/state", headers=AUTH, timeout=5).json()
    assert state["event_time"].startswith("2025-03-27T08:00")  # 09:00 in Berlin, from now


async def served_to_its_end(serve, path: Path, data: Path) -> Running:
    """The real day of last year's date served: every boundary skipped, the day ended."""
    running = await serve(path, data_dir=data)
    store = running.app[STORE]

    async def ended() -> bool:
        return bool(await store.redis.hexists(store.keys.fired, "event.ended"))

    await eventually(ended)
    return running


async def test_a_stored_real_day_whose_date_is_corrected_is_armed_again_with_the_same_links(
    serve, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    """A real day served with last year's date skips everything and ends; once the year is
    corrected, the next start re-arms the day from the programme (the journal says so in one
    line) and every link already sent still opens."""
    data = tmp_path / "var"
    path = write_event(tmp_path / "event")
    first = await served_to_its_end(serve, path, data)
    store = first.app[STORE]
    tokens = await store.tokens()
    await first.stop()

    write_event(tmp_path / "event", upcoming())
    again = await serve(path, data_dir=data)
    store, live = again.app[STORE], again.app[SERVICE].require_live()
    assert await store.tokens() == tokens
    assert await store.fired() == {}  # nothing of the wrong day is left armed or skipped
    year = live.timeline.starts.year
    journal = [journal_text(live, fields) for _, fields in await store.audit_after("0-0", 100)]
    assert journal == [
        "The day was armed again from the programme: the programme's times changed since "
        f"the stored run was made: everything moved by +{(date(year, 3, 27) - DAY).days} days "
        f"(round 1 was 2025-03-27 09:00–09:30, now {year}-03-27 09:00–09:30, Europe/Berlin)"
    ]
    for token in list(tokens.values())[:3]:
        went = await http.get(f"{again.base_url}/go/{token}")
        assert went.status_code in (200, 302, 303), went.text


async def test_a_stored_day_marked_ended_whose_programme_lies_ahead_is_reopened(
    serve, tmp_path: Path
) -> None:
    """A store left so by an older Rota: its plan already at the corrected date, but every
    boundary skipped and the day marked ended. Served again, the day is armed again."""
    data = tmp_path / "var"
    path = write_event(tmp_path / "event")
    first = await served_to_its_end(serve, path, data)
    store = first.app[STORE]
    write_event(tmp_path / "event", upcoming())
    ahead = plan_rotation(load_programme(path))
    await store.save_plan(ahead, await store.plan_version())  # as an older Rota replanned
    tokens = await store.tokens()
    await first.stop()

    again = await serve(path, data_dir=data)
    store, live = again.app[STORE], again.app[SERVICE].require_live()
    assert await store.fired() == {}
    assert await store.tokens() == tokens
    journal = [journal_text(live, fields) for _, fields in await store.audit_after("0-0", 100)]
    assert journal == [
        "The day was armed again from the programme: the stored run is marked ended, but the "
        f"programme's day lies ahead ({live.timeline.starts.year}-03-27 09:00, Europe/Berlin)"
    ]
