"""One row per person with everything needed to send them their personal link: the table
behind `rota links` and `GET /api/v1/participants?format=csv|xlsx`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from orchestrator.event.live import Live
from schedules.model import Participant
from schedules.tabular import csv_text, xlsx_bytes


@dataclass(frozen=True)
class LinkRow:
    id: str
    name: str
    email: str
    role: str
    team: str
    language: str
    timezone: str
    link: str  # /go/{token}: what people click, redirects to their room
    page: str  # /p/{token}: their own page, which follows the rotation
    agenda: str  # /p/{token}/agenda.ics
    first_place: str
    first_start_local: str  # "2025-03-27 09:00 Europe/Berlin", in the person's own zone


COLUMNS = tuple(f.name for f in fields(LinkRow))


def first_place(live: Live, person: Participant) -> tuple[str, str]:
    """The person's first place (room name) and its start in their own zone, zone named."""
    day = live.days.get(person.id, [])
    if not day:
        return "", ""
    place = day[0]
    tz = live.programme.tz_of(person)
    return (
        live.programme.room_name(place.room),
        f"{place.start.astimezone(tz):%Y-%m-%d %H:%M} {tz.key}",
    )


def personal_urls(base_url: str, token: str) -> tuple[str, str, str]:
    """link, page, agenda"""
    base = base_url.rstrip("/")
    return f"{base}/go/{token}", f"{base}/p/{token}", f"{base}/p/{token}/agenda.ics"


def link_rows(live: Live, base_url: str) -> list[LinkRow]:
    rows = []
    for person in live.programme.participants:
        token = live.token_of.get(person.id)
        if token is None:
            continue
        place, start = first_place(live, person)
        rows.append(
            LinkRow(
                person.id,
                person.name,
                person.email,
                person.role,
                person.team,
                live.programme.language_of(person),
                live.programme.tz_of(person).key,
                *personal_urls(base_url, token),
                place,
                start,
            )
        )
    return rows


def _table(rows: list[LinkRow]) -> list[tuple[str, ...]]:
    return [COLUMNS, *(tuple(getattr(row, c) for c in COLUMNS) for row in rows)]


def rows_csv(rows: list[LinkRow]) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opens names with accents right."""
    return csv_text(_table(rows), crlf=True).encode("utf-8-sig")


def rows_json(rows: list[LinkRow]) -> bytes:
    return json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False).encode()


def rows_xlsx(rows: list[LinkRow], title: str = "links") -> bytes:
    return xlsx_bytes(_table(rows), title)


FORMATS = {
    "csv": (rows_csv, "text/csv; charset=utf-8", "csv"),
    "json": (rows_json, "application/json", "json"),
    "xlsx": (
        rows_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}
