"""The board's data without a browser: tiles, alerts, keynotes sharing a room, the strip and
the journal's words. Pure: a Live built from the bundled example, presence given directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.event.live import Live
from orchestrator.views.board_journal import current_run, fold_journal, journal_line, journal_text
from orchestrator.views.board_view import PresenceFeed, presenter_room, snapshot, strip
from rooms.presence import Interval, attendance
from schedules.programme import load_programme
from schedules.timeline import delay
from tests.support.app import EXAMPLE
from tests.support.live import make_live

START = datetime(2025, 3, 27, 8, 0, tzinfo=UTC)  # 09:00 Berlin
FEED = PresenceFeed(configured=True, seconds_since=1.0, silence_seconds=300)


@pytest.fixture(scope="module")
def live() -> Live:
    return make_live(load_programme(EXAMPLE))  # a self-hosted Jitsi: meet.jit.si reports nobody


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def tile(state: dict, room: str) -> dict:
    return next(t for t in state["tiles"] if t["room"] == room)


def full_room(live: Live, room: str, audience: int) -> dict[str, set[str]]:
    """The room's whole presenting team plus `audience` other people."""
    slot = next(s for s in live.plan.round(2).rooms if s.room == room)
    members = set(next(t.members for t in live.plan.teams if t.id == slot.team))
    others = [p.id for p in live.programme.participants if p.id not in members]
    return {room: members | set(others[:audience])}


@pytest.mark.parametrize(("audience", "alerted"), [(12, False), (13, True)])
def test_capacity_counts_the_audience_not_the_presenters(
    live: Live, audience: int, alerted: bool
) -> None:
    state = snapshot(live, full_room(live, "r1", audience), at(40), FEED)
    kinds = [a["kind"] for a in tile(state, "r1")["alerts"]]
    assert ("over-capacity" in kinds) is alerted
    assert tile(state, "r1")["live_audience"] == audience


def test_tile_shows_who_comes_next_round(live: Live) -> None:
    state = snapshot(live, {}, at(40), FEED)  # round 2
    following = {s.room: len(s.audience) for s in live.plan.round(3).rooms}
    for t in state["tiles"]:
        assert (t["next_round"], t["next_expected"]) == (3, following[t["room"]])
    last = snapshot(live, {}, at(170), FEED)  # round 6: nobody comes next
    assert all(t["next_round"] is None and t["next_expected"] is None for t in last["tiles"])


def test_keynotes_sharing_a_room_count_only_while_they_run(live: Live) -> None:
    k1 = next(k for k in live.plan.keynotes if k.id == "k1")
    k2 = next(k for k in live.plan.keynotes if k.id == "k2")
    assert k1.room == k2.room  # the example's two keynotes share one room
    present = {k1.room: set(k1.audience)}
    state = snapshot(live, present, at(70), FEED)  # 10:10: k1 runs, k2 at 11:00
    keynotes = {k["id"]: k for k in state["keynotes"]}
    assert keynotes["k1"]["phase"] == "running"
    assert keynotes["k1"]["live_audience"] == len(k1.audience)
    assert keynotes["k2"]["phase"] == "upcoming"
    assert keynotes["k2"]["live_audience"] is None  # k1's people are not k2's audience
    assert keynotes["k2"]["expected_audience"] == len(k2.audience)


def test_without_a_feed_counts_are_unknown(live: Live) -> None:
    state = snapshot(live, {}, at(40), PresenceFeed(False, None, 300))
    assert all(t["live_audience"] is None for t in state["tiles"])
    assert all(t["presenters_present"] is None for t in state["tiles"])
    assert [a["kind"] for a in state["alerts"]] == ["no-feed"]


def test_keynote_attendance_counts_only_its_window() -> None:
    """Someone in the shared room for the earlier keynote is no row of the later one; without
    a feed an expected attendee is unknown, not absent."""
    hour = 3600.0
    spans = {
        "early": [Interval("early", "hall", 0, hour)],
        "late": [Interval("late", "hall", 2 * hour, 3 * hour)],
    }
    names = {"early": ("Early", ""), "late": ("Late", ""), "planned": ("Planned", "")}
    rows = attendance(spans, ["late", "planned"], names, 2 * hour, 3 * hour, 0.75, {})
    assert {r.participant: r.status for r in rows} == {"late": "attended", "planned": "absent"}
    unknown = attendance({}, ["late"], names, 2 * hour, 3 * hour, 0.75, {}, counted=False)
    assert [r.status for r in unknown] == ["unknown"]


def test_strip_shows_a_delay_as_a_break_and_a_shift(live: Live) -> None:
    clock = delay(live.clock, live.timeline, at(70), 30)  # during round 3: rounds 4+ move
    later = live.rebuilt(clock=clock)
    items = strip(later)["items"]
    breaks = [i for i in items if i["kind"] == "break"]
    assert [(b["start_local"], b["end_local"]) for b in breaks] == [("10:30", "11:00")]
    rounds = {i["label"]: i for i in items if i["kind"] == "round"}
    assert rounds["Round 3"]["shift_minutes"] == 0
    assert (rounds["Round 4"]["start_local"], rounds["Round 4"]["shift_minutes"]) == ("11:00", 30)
    assert [i["label"] for i in items if i["kind"] == "keynote"] == [
        live.programme.keynote_by_id[k].title for k in ("k1", "k2")
    ]
    # the closing lecture and the awards are for everyone: plenary items on the strip
    assert [i["label"] for i in items if i["kind"] == "plenary"] == [
        live.programme.keynote_by_id[k].title for k in ("closing", "awards")
    ]


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"kind": "transition", "id": "round.started:3", "status": "fired"}, "Round 3 started"),
        ({"kind": "transition", "id": "round.ended:12", "status": "fired"}, "Round 12 ended"),
        (
            {"kind": "transition", "id": "keynote.started:k1", "status": "fired"},
            "Keynote “Entrepreneurial thinking in digital social work” started",
        ),
        (
            {"kind": "transition", "id": "round.warning:2", "status": "skipped"},
            "Round 2: 2-minute warning sent (skipped: its moment had passed)",
        ),
        (
            {"kind": "clock.delay", "minutes": "5.0", "by": "board"},
            "The rest of the day put back by 5 min from the board",
        ),
        (
            {"kind": "clock.delay", "minutes": "-2", "by": "api"},
            "The rest of the day brought forward by 2 min through the API",
        ),
        (
            {"kind": "clock.extend", "minutes": "3", "by": "organiser"},
            "The running round extended by 3 min; what follows starts later",
        ),
        (
            {"kind": "broadcast", "message": "Coffee <b>now</b>", "id": "1-0", "people": "80"},
            "Broadcast sent to 80 people: “Coffee <b>now</b>”",
        ),
        (
            {"kind": "move", "participant": "emma-schmidt", "round": "3", "room": "r2"},
            "Emma Schmidt moved to Room 2 for round 3",
        ),
        (
            {
                "kind": "mail",
                "mail": "invitation",
                "participant": "emma-schmidt",
                "outcome": "sent",
            },
            "Invitation sent to Emma Schmidt",
        ),
        (
            {
                "kind": "mail",
                "mail": "reminder",
                "participant": "emma-schmidt",
                "outcome": "failed",
                "error": "550 no such user",
            },
            "Reminder to Emma Schmidt failed: 550 no such user",
        ),
        (
            {"kind": "replan", "change": "departure", "moved": "1"},
            "Replanned (departure): 1 person moved",
        ),
        ({"kind": "run.started", "speed": "60"}, "Rehearsal started (×60)"),
        ({"kind": "run.started", "speed": "1"}, "The day started"),
    ],
)
def test_journal_in_plain_words(live: Live, fields: dict[str, str], text: str) -> None:
    assert journal_text(live, fields) == text


def test_journal_time_is_on_the_event_clock(live: Live) -> None:
    line = journal_line(live, {"kind": "transition", "id": "round.started:3"}, at(60).timestamp())
    assert (line["time"], line["text"]) == ("10:00", "Round 3 started")


def mails(kind: str, outcomes: list[str]) -> list[tuple[str, dict[str, str], float]]:
    return [
        (f"{i}-0", {"kind": "mail", "mail": kind, "participant": "emma-schmidt", "outcome": o}, 0.0)
        for i, o in enumerate(outcomes)
    ]


def test_a_burst_of_invitations_is_one_line_with_its_entries(live: Live) -> None:
    burst = mails("invitation", ["sent"] * 40 + ["failed"] + ["sent"] * 40 + ["failed"])
    [line] = fold_journal(live, burst)
    assert line["text"] == "80 invitations sent, 2 failed"
    assert (line["id"], line["last"], len(line["items"])) == ("0-0", "81-0", 82)
    assert line["items"][40]["text"] == "Invitation to Emma Schmidt failed"


def test_other_entries_between_make_separate_lines(live: Live) -> None:
    first = mails("invitation", ["sent", "sent"])
    broadcast = ("5-0", {"kind": "broadcast", "message": "Hi", "people": "3"}, 0.0)
    later = [
        (f"6-{i}", fields, at) for i, (_, fields, at) in enumerate(mails("reminder", ["sent"]))
    ]
    lines = fold_journal(live, [*first, broadcast, *later])
    assert [line["text"] for line in lines] == [
        "2 invitations sent",
        "Broadcast sent to 3 people: “Hi”",
        "Reminder sent to Emma Schmidt",  # one e-mail alone says whose
    ]
    assert [len(line["items"]) for line in lines] == [2, 0, 1]


def test_journal_starts_again_with_a_new_run() -> None:
    entries = ["round.ended", "run.started", "broadcast", "run.started", "round.started"]
    assert current_run(entries, lambda kind: kind) == ["run.started", "round.started"]
    assert current_run(["a", "b"], lambda kind: kind) == ["a", "b"]


@pytest.mark.parametrize(
    ("minute", "phase", "plenary", "day_over"),
    [
        (185, "after", None, False),  # 12:05: the rounds are over, the closing not yet begun
        (200, "after", "Closing lecture: social work after the platforms", False),
        (250, "after", "Award ceremony", False),
        (300, "after", None, True),  # 14:00: the whole day is over
    ],
)
def test_the_clock_names_a_keynote_for_everyone_after_the_rounds(
    live: Live, minute: float, phase: str, plenary: str | None, day_over: bool
) -> None:
    clock = snapshot(live, {}, at(minute), FEED)["clock"]
    assert (clock["phase"], clock["plenary"], clock["day_over"]) == (phase, plenary, day_over)


def test_a_keynote_for_everyone_says_so_and_expects_everyone(live: Live) -> None:
    keynotes = {k["id"]: k for k in snapshot(live, {}, at(200), FEED)["keynotes"]}
    assert keynotes["closing"]["everyone"] and not keynotes["k1"]["everyone"]
    assert keynotes["closing"]["expected_audience"] == len(live.programme.participants)
    assert keynotes["closing"]["phase"] == "running"


@pytest.mark.parametrize(("minute", "done"), [(40, False), (200, True)])
def test_a_presenter_has_no_current_round_after_their_last(
    live: Live, minute: float, done: bool
) -> None:
    """Minute 40: round 2 runs; minute 200: the closing lecture for everyone, rounds over."""
    presenter = live.plan.teams[0].members[0]
    room = presenter_room(live, presenter, {}, at(minute), counted=False)
    assert room is not None and room["done"] is done
