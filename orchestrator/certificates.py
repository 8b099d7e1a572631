"""Certificates as PDF: an award certificate per winning team, an attendance certificate for
each person who met a keynote's threshold (in their language), and an anonymous feedback sheet
per team. Made with fpdf2 (pure Python, maintained, embeds a subset of a TrueType font so any
name prints as typed) and the DejaVu Sans font shipped in orchestrator/fonts/.

Text is only ever written as text: a comment holding markup prints its characters."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date
from fpdf import FPDF

from orchestrator.i18n import translator
from orchestrator.live import Live
from orchestrator.presence.attendance import in_event_time, keynote_report
from orchestrator.storage.scores import ScoreStore
from orchestrator.storage.store import Store
from rooms.events import RoomEvent
from schedules.evidence import Mark
from schedules.model import Participant
from schedules.scoring import Award, Feedback, Score

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
INK = (30, 30, 40)
ACCENT = (91, 58, 140)


def safe_filename(text: str) -> str:
    """A file name from ids that cannot leave its folder or hide: letters, digits, `.`, `-`
    and `_` only (anything else becomes `_`), never starting with a dot."""
    return re.sub(r"^\.+", "_", re.sub(r"[^A-Za-z0-9._-]", "_", text)) or "_"


@dataclass(frozen=True)
class Certificate:
    filename: str  # made safe here, whatever the ids it was built from
    pdf: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "filename", safe_filename(self.filename))


def _document(language: str, title: str, landscape: bool) -> FPDF:
    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.set_lang(language)
    pdf.set_title(title)
    pdf.set_creator("Rota")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_text_color(*INK)
    return pdf


def _line(pdf: FPDF, text: str, size: int, bold: bool = False, gap: float = 4) -> None:
    """`bold` lines are set in the accent colour: one font file parsed per PDF, not two."""
    pdf.set_font(FAMILY, "", size)
    pdf.set_text_color(*(ACCENT if bold else INK))
    pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)


def event_date(moment: datetime, language: str) -> str:
    """The day as people write it in the language ("27. März 2025", "27 de março de 2025")."""
    return str(format_date(moment, format="long", locale=language))


def award_certificate(
    event: str,
    day: str,
    language: str,
    award: Award,
    team: str,
    project: str,
    members: Sequence[str],
) -> bytes:
    t = translator(language)
    pdf = _document(language, f"{award.name} — {team}", landscape=True)
    _frame(pdf)
    pdf.ln(12)
    _line(pdf, event, 14)
    _line(pdf, t("cert_award"), 30, bold=True, gap=8)
    _line(pdf, award.name, 24, bold=True)
    if award.description:
        _line(pdf, award.description, 13, gap=8)
    _line(pdf, t("cert_awarded_to"), 13)
    _line(pdf, team, 26, bold=True)
    if project:
        _line(pdf, project, 14)
    if members:
        _line(pdf, f"{t('cert_team_members')}: {', '.join(members)}", 12, gap=8)
    _line(pdf, day, 12)
    return bytes(pdf.output())


def attendance_certificate(
    event: str,
    day: str,
    language: str,
    name: str,
    institution: str,
    keynotes: Sequence[tuple[str, str]],
) -> bytes:
    t = translator(language)
    pdf = _document(language, f"{t('cert_attendance')} — {name}", landscape=True)
    _frame(pdf)
    pdf.ln(16)
    _line(pdf, t("cert_attendance"), 30, bold=True, gap=10)
    _line(pdf, name, 26, bold=True)
    if institution:
        _line(pdf, institution, 13, gap=8)
    _line(pdf, t("cert_attended", event=event), 13, gap=6)
    for title, speaker in keynotes:
        _line(pdf, f"{title}" + (f" — {speaker}" if speaker else ""), 15, bold=True, gap=2)
    pdf.ln(8)
    _line(pdf, day, 12)
    return bytes(pdf.output())


def feedback_sheet(
    event: str,
    language: str,
    team: str,
    project: str,
    jury: Sequence[str],
    audience: Sequence[str],
    ratings: Sequence[int],
) -> bytes:
    """Anonymous: no juror's or listener's name appears."""
    t = translator(language)
    pdf = _document(language, f"{t('cert_feedback')} {team}", landscape=False)
    pdf.set_font(FAMILY, "", 11)
    pdf.cell(0, 6, event, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 20)
    pdf.multi_cell(0, 10, f"{t('cert_feedback')} {team}", new_x="LMARGIN", new_y="NEXT")
    if project:
        pdf.set_font(FAMILY, "", 12)
        pdf.multi_cell(0, 6, project, new_x="LMARGIN", new_y="NEXT")
    for heading, items in ((t("cert_jury"), jury), (t("cert_audience"), audience)):
        pdf.ln(5)
        pdf.set_font(FAMILY, "", 14)
        pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 11)
        if heading == t("cert_audience") and ratings:
            mean = f"{sum(ratings) / len(ratings):.1f}"
            pdf.cell(
                0, 6, t("cert_ratings", n=len(ratings), mean=mean), new_x="LMARGIN", new_y="NEXT"
            )
        if not items:
            pdf.cell(0, 6, t("cert_none"), new_x="LMARGIN", new_y="NEXT")
        for item in items:
            pdf.multi_cell(0, 6, f"• {item}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())


def attended_keynotes(
    live: Live, events: list[RoomEvent], clicks: list[dict[str, Any]], marks: list[Mark]
) -> dict[str, list[str]]:
    """Person -> the keynotes whose threshold they met, in programme order."""
    found: dict[str, list[str]] = {}
    planned = {k.id for k in live.plan.keynotes}  # a stored plan may predate a keynote
    for keynote in live.programme.keynotes:
        if keynote.id not in planned:
            continue
        for row in keynote_report(live, events, keynote.id, clicks, marks):
            if row.status == "attended":
                found.setdefault(row.participant, []).append(keynote.id)
    return found


def build_all(
    live: Live,
    winners: dict[str, list[str]],
    scores: Iterable[Score],
    feedback: Iterable[Feedback],
    attended: dict[str, list[str]],
) -> list[Certificate]:
    programme = live.programme
    event = programme.event.title
    first = programme.starts.astimezone(programme.event.tz)
    members: dict[str, list[Participant]] = {}
    for person in programme.participants:
        if person.role == "presenter" and person.team:
            members.setdefault(person.team, []).append(person)
    out: list[Certificate] = []
    language = programme.event.language
    for award in programme.awards:
        for team_id in winners.get(award.id, []):
            team = programme.team_by_id[team_id]
            out.append(
                Certificate(
                    f"award-{award.id}-{team.id}.pdf",
                    award_certificate(
                        event,
                        event_date(first, language),
                        language,
                        award,
                        team.name,
                        team.project,
                        [p.name for p in members.get(team.id, [])],
                    ),
                )
            )
    for person_id, keynote_ids in sorted(attended.items()):
        attendee = programme.participant_by_id.get(person_id)
        if attendee is None:
            continue
        own = programme.language_of(attendee)
        talks = [programme.keynote_by_id[k] for k in keynote_ids]
        out.append(
            Certificate(
                f"attendance-{attendee.id}.pdf",
                attendance_certificate(
                    event,
                    event_date(first, own),
                    own,
                    attendee.name,
                    attendee.institution,
                    [(k.title, k.speaker) for k in talks],
                ),
            )
        )
    scores = list(scores)
    feedback = list(feedback)
    for team in programme.teams:
        out.append(
            Certificate(
                f"feedback-{team.id}.pdf",
                feedback_sheet(
                    event,
                    language,
                    team.name,
                    team.project,
                    [
                        s.comment
                        for s in sorted(scores, key=lambda s: s.at)
                        if s.team == team.id and s.comment
                    ],
                    [
                        f.line
                        for f in sorted(feedback, key=lambda f: f.at)
                        if f.team == team.id and f.line
                    ],
                    [f.rating for f in feedback if f.team == team.id],
                ),
            )
        )
    return out


async def gather(live: Live, store: Store) -> list[Certificate]:
    """Every certificate from the stored scores, awards and room events; the PDFs are made in
    a worker thread, so the event loop keeps serving meanwhile."""
    scores = ScoreStore(store)
    assigned = await scores.awards()
    events = in_event_time(live, await store.room_events()).events
    return await asyncio.to_thread(
        build_all,
        live,
        {award: data.get("teams", []) for award, data in assigned.items()},
        await scores.scores(),
        await scores.feedback(),
        attended_keynotes(live, events, await store.clicks(), await store.marks()),
    )


def zipped(certificates: Iterable[Certificate]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in certificates:
            archive.writestr(item.filename, item.pdf)
    return buffer.getvalue()
