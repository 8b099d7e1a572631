"""Presence with its source (schedules/evidence.py): the strength order, a room's summary by
source, `sent` marks from clicks placed in the right slot, and marks stored once in Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as aioredis

from orchestrator.storage.keys import Keys
from orchestrator.storage.store import Store
from schedules.evidence import (
    SOURCES,
    STRENGTH,
    Mark,
    Window,
    item_key,
    sent_marks,
    source_of,
    strongest,
    summarise,
)

T = datetime(2025, 3, 27, 9, 0, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return T + timedelta(minutes=n)


def test_sources_run_from_weakest_to_strongest() -> None:
    assert SOURCES == ("sent", "confirmed", "checked-in", "webhook")
    assert [STRENGTH[s] for s in SOURCES] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("marks", "text", "best"),
    [
        ([], "", None),
        ([("a", "sent"), ("b", "sent")], "2 sent", "sent"),
        ([("a", "sent"), ("a", "confirmed"), ("b", "sent")], "1 confirmed, 2 sent", "confirmed"),
        (
            [("a", "checked-in"), ("b", "webhook"), ("b", "sent")],
            "1 webhook, 1 checked-in, 1 sent",
            "webhook",
        ),
    ],
)
def test_a_room_is_summarised_by_source(
    marks: list[tuple[str, str]], text: str, best: str | None
) -> None:
    found = [Mark("round-1", "r1", p, source_of(s)) for p, s in marks]
    found.append(Mark("round-2", "r1", "z", "webhook"))  # another slot: not counted
    found.append(Mark("round-1", "r2", "y", "webhook"))  # another room: not counted
    summary = summarise(found, "r1", "round-1")
    assert (summary.text(), summary.strongest) == (text, best)


def test_each_person_counts_once_under_their_strongest_source() -> None:
    marks = [Mark("round-1", "r1", "a", s) for s in ("sent", "confirmed")]
    marks.append(Mark("round-1", "r1", "b", "sent"))
    assert summarise(marks, "r1", "round-1").people == {"a": "confirmed", "b": "sent"}
    assert strongest(marks, counted=("sent",)) == {"a": "sent", "b": "sent"}


def test_only_counted_sources_and_people_are_summarised() -> None:
    marks = [Mark("keynote-k", "hall", "a", "sent"), Mark("keynote-k", "hall", "b", "confirmed")]
    assert summarise(marks, "hall", "keynote-k", counted=("confirmed",)).counts == {"confirmed": 1}
    assert summarise(marks, "hall", "keynote-k", people=["a"]).counts == {"sent": 1}


def test_a_mark_round_trips_through_its_field() -> None:
    mark = Mark("keynote-k1", "hall", "p-7", "checked-in", 12.5)
    assert Mark.parse(mark.field, 12.5) == mark
    assert item_key("keynote", None, "k1") == "keynote-k1"
    assert item_key("room", 3, "") == "round-3"


def test_an_unknown_source_is_refused_with_the_sources() -> None:
    with pytest.raises(ValueError, match="sources: sent, confirmed, checked-in, webhook"):
        source_of("seen")


WINDOWS = [  # room r1 in rounds 1 and 2 (10:00-10:20, 10:25-10:45); /go leads by 2 + 5 min
    Window("round-1", "r1", minutes(-7), minutes(20)),
    Window("round-2", "r1", minutes(18), minutes(45)),
    Window("round-2", "r2", minutes(18), minutes(45)),
]


@pytest.mark.parametrize(
    ("room", "at", "slot"),
    [
        ("r1", -10, None),  # before round 1's window
        ("r1", -5, "round-1"),  # in the lead before it
        ("r1", 10, "round-1"),
        ("r1", 19, "round-2"),  # round 2's lead: /go already sends there
        ("r1", 44, "round-2"),
        ("r1", 45, None),  # after the last slot
        ("r3", 10, None),  # a room nobody is sent to
        ("r2", 10, None),  # r2 before its window
    ],
)
def test_a_click_is_sent_evidence_for_the_slot_it_led_to(
    room: str, at: float, slot: str | None
) -> None:
    marks = sent_marks([("a", room, minutes(at))], WINDOWS)
    assert [m.item for m in marks] == ([slot] if slot else [])


def test_several_clicks_in_one_slot_are_one_mark() -> None:
    clicks = [("a", "r1", minutes(n)) for n in (1, 2, 3)] + [("b", "r1", minutes(2))]
    marks = sent_marks(clicks, WINDOWS)
    assert sorted((m.person, m.item) for m in marks) == [("a", "round-1"), ("b", "round-1")]
    assert next(m for m in marks if m.person == "a").at == minutes(1).timestamp()


async def test_a_mark_is_recorded_once_with_its_audit_entry(redis_url: str) -> None:
    client = aioredis.from_url(redis_url)
    store = Store(client, Keys("ev"))
    try:
        mark = Mark("round-1", "r1", "p1", "confirmed", 100.0)
        assert await store.mark(mark) is True
        assert await store.mark(Mark("round-1", "r1", "p1", "confirmed", 200.0)) is False
        assert await store.mark(Mark("round-2", "r1", "p1", "confirmed", 300.0)) is True
        assert [(m.item, m.at) for m in await store.marks()] == [
            ("round-1", 100.0),
            ("round-2", 300.0),
        ]
        entries = [f for _, f in await store.audit_after("0-0", 100)]
        assert [e["kind"] for e in entries] == ["presence", "presence"]
        assert entries[0]["mark"] == mark.field
    finally:
        await client.aclose()
