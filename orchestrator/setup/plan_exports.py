"""The files an organiser forwards: who is where per room and per person, as a spreadsheet
(through schedules/tabular.py, the one formula-safe path) and as a PDF (fpdf2 with the DejaVu
font the certificates embed, so every name prints as typed: "Łukasz Żółć", "Ηλέκτρα").

Headings are in the organiser's language. A room's times are in the event's zone (named in
the heading); each person's in their own zone (named on their line), written by the one
formatter of the participant page (views/page_view.py's `Words`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from fpdf import FPDF
from fpdf.fonts import FontFace

from orchestrator.language.i18n import translator
from orchestrator.scoring.certificate_pdf import ACCENT, FAMILY, INK, event_date, pdf_document
from orchestrator.setup.person_agenda import lines_of, words_for
from orchestrator.views.page_view import Words
from schedules.model import Programme
from schedules.plan import Plan
from schedules.tabular import Cell, xlsx_bytes
from schedules.who_is_where import RoomSlot, by_person, by_room

What = Literal["rooms", "people"]


def _event_words(programme: Programme, language: str) -> Words:
    zone = programme.event.tz
    return Words(language, zone, zone, programme.starts.astimezone(zone).date())


def _slot_cells(slot: RoomSlot, words: Words) -> tuple[str, str, str, str, str]:
    """When, what (round and team, or the keynote), project, presenters, who is in the room."""
    t = translator(words.language)
    when = words.span(slot.start, slot.end)
    if slot.round is None:
        return (
            when,
            f"{t('keynote')}: {slot.keynote}",
            "",
            "",
            t("setup_attending", n=slot.attending),
        )
    return (
        when,
        f"{t('round', n=slot.round)}: {slot.team_name}",
        slot.project,
        ", ".join(slot.presenters),
        ", ".join(slot.audience),
    )


def room_rows(programme: Programme, plan: Plan, language: str) -> list[list[Cell]]:
    t = translator(language)
    words = _event_words(programme, language)
    rows: list[list[Cell]] = [
        [
            t("setup_col_room"),
            f"{t('setup_col_when')} ({words.zone.key})",
            t("setup_col_what"),
            t("setup_col_project"),
            t("setup_col_presenters"),
            t("setup_col_audience"),
            t("setup_col_jury"),
        ]
    ]
    for day in by_room(programme, plan):
        for slot in day.slots:
            when, what, project, presenters, audience = _slot_cells(slot, words)
            rows.append(
                [day.room_name, when, what, project, presenters, audience, ", ".join(slot.jury)]
            )
    return rows


def person_rows(programme: Programme, plan: Plan, language: str) -> list[list[Cell]]:
    t = translator(language)
    rows: list[list[Cell]] = [
        [
            t("setup_col_name"),
            t("setup_col_zone"),
            t("setup_col_when"),
            t("setup_col_what"),
            t("setup_col_where"),
            t("setup_col_project"),
        ]
    ]
    for person, items in by_person(programme, plan):
        words = words_for(programme, person, language)
        for line in lines_of(items, words, for_organiser=True):
            rows.append(
                [person.name, words.zone.key, line.when, line.what, line.where, line.project]
            )
    return rows


def workbook(programme: Programme, plan: Plan, what: What, language: str) -> bytes:
    t = translator(language)
    if what == "rooms":
        return xlsx_bytes(room_rows(programme, plan, language), title=t("setup_by_room"))
    return xlsx_bytes(person_rows(programme, plan, language), title=t("setup_by_person"))


def _heading(pdf: FPDF, text: str, size: int, colour: tuple[int, int, int] = ACCENT) -> None:
    pdf.set_font(FAMILY, "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.ln(1.5)


def _table(
    pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> None:
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(
        col_widths=tuple(widths),
        borders_layout="HORIZONTAL_LINES",
        line_height=5,
        text_align="LEFT",
        headings_style=FontFace(emphasis="NONE", color=ACCENT),
        repeat_headings=1,
    ) as table:
        for values in (header, *rows):
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(4)


def document(programme: Programme, plan: Plan, what: What, language: str) -> bytes:
    """By room: a page a room (to print for its door or send to its host). By person: each
    person's day under their name and zone, one after another."""
    t = translator(language)
    part = t("setup_by_room" if what == "rooms" else "setup_by_person")
    when = event_date(programme.starts.astimezone(programme.event.tz), language)
    title = f"{programme.event.title}, {when} — {part}"
    pdf = pdf_document(language, title, landscape=True)
    if what == "rooms":
        words = _event_words(programme, language)
        header = [
            t("setup_col_when"),
            t("setup_col_what"),
            t("setup_col_presenters"),
            t("setup_col_audience"),
        ]
        for n, day in enumerate(by_room(programme, plan)):
            if n:
                pdf.add_page()
            _heading(pdf, title, 10, INK)
            _heading(pdf, day.room_name, 18)
            _heading(pdf, t("setup_times_in", zone=words.zone.key), 9, INK)
            rows = []
            for slot in day.slots:
                when, what_, project, presenters, audience = _slot_cells(slot, words)
                rows.append(
                    [when, f"{what_}\n{project}" if project else what_, presenters, audience]
                )
            _table(pdf, header, rows, (38, 62, 55, 112))
    else:
        _heading(pdf, title, 16)
        header = [t("setup_col_when"), t("setup_col_what"), t("setup_col_where")]
        for person, items in by_person(programme, plan):
            words = words_for(programme, person, language)
            if pdf.will_page_break(30):
                pdf.add_page()
            _heading(pdf, f"{person.name} — {t('setup_times_in', zone=words.zone.key)}", 12)
            rows = [
                [line.when, line.what, line.where]
                for line in lines_of(items, words, for_organiser=True)
            ]
            _table(pdf, header, rows, (45, 140, 82))
    return bytes(pdf.output())
