"""One row per person with everything needed to send them their personal link: the table
behind `rota links` and `GET /api/v1/participants?format=csv|xlsx`."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, fields

from orchestrator.live import Live
from schedules.model import Participant


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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (a name typed as
    "=HYPERLINK(…)"): such a value gets a leading apostrophe, as OWASP advises for CSV."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def rows_csv(rows: list[LinkRow]) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opens names with accents right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([inert(getattr(row, c)) for c in COLUMNS] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def rows_json(rows: list[LinkRow]) -> bytes:
    return json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False).encode()


def rows_xlsx(rows: list[LinkRow], title: str = "links") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(COLUMNS)
    for n, row in enumerate(rows, start=2):
        for column, name in enumerate(COLUMNS, start=1):
            # control characters cannot be stored in a sheet; text stays text (no formula)
            cell = sheet.cell(n, column, ILLEGAL_CHARACTERS_RE.sub("", getattr(row, name)))
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FORMATS = {
    "csv": (rows_csv, "text/csv; charset=utf-8", "csv"),
    "json": (rows_json, "application/json", "json"),
    "xlsx": (
        rows_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}
