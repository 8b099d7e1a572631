"""Certificates drawn as PDF: an award certificate per winning team (with its jury), an
attendance certificate for each person (in their language) listing the rounds they were in (the
team they saw, the minutes, the strongest presence source), the keynotes and plenaries, and the
total against `[certificates] attendance_minutes`, and an anonymous feedback sheet per team. The
`[certificates]` section (`Look`) adds the issuer, up to three logos, signature lines, the place
and an optional funding line with its emblem (docs/scoring.md). Made with fpdf2 (pure
Python, maintained, embeds a subset of a TrueType font so any name prints as typed) and the
DejaVu Sans font shipped in orchestrator/fonts/.

Text is only ever written as text: a comment holding markup prints its characters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.dates import format_date
from fpdf import FPDF

from orchestrator.language.i18n import babel_locale, translator
from schedules.model import Programme
from schedules.schema import Context, key_path
from schedules.scoring import Award

FONTS = Path(__file__).parent.parent / "fonts"
FAMILY = "DejaVu"
INK = (30, 30, 40)
ACCENT = (91, 58, 140)


@dataclass(frozen=True)
class Seen:
    """One thing a person attended: what, for how long, and the strongest sign of it."""

    title: str
    minutes: int
    source: str  # schedules/evidence.py: webhook, checked-in, confirmed, sent


@dataclass(frozen=True)
class Signature:
    name: str
    title: str = ""
    image: Path | None = None


@dataclass(frozen=True)
class Look:
    """`[certificates]`, its files resolved beside the programme; the default is plain."""

    issuer: str = ""
    place: str = ""
    logos: tuple[Path, ...] = ()
    signatures: tuple[Signature, ...] = ()
    funding: str = ""
    emblem: Path | None = None
    attendance_minutes: int = 0

    @classmethod
    def of(cls, programme: Programme) -> Look:
        section = programme.sections.get("certificates")
        if not isinstance(section, dict):
            return cls()
        base = programme.source.parent if programme.source else Path()

        def path(name: str) -> Path:
            return key_path(name, Context(base=base))

        return cls(
            issuer=str(section.get("issuer", "")),
            place=str(section.get("place", "")),
            logos=tuple(path(n) for n in section.get("logos", [])),
            signatures=tuple(
                Signature(
                    str(s.get("name", "")),
                    str(s.get("title", "")),
                    path(s["image"]) if s.get("image") else None,
                )
                for s in section.get("signatures", [])
            ),
            funding=str(section.get("funding", "")),
            emblem=path(section["emblem"]) if section.get("emblem") else None,
            attendance_minutes=int(section.get("attendance_minutes", 0)),
        )


PLAIN = Look()


def pdf_document(language: str, title: str, landscape: bool) -> FPDF:
    """A4 with the DejaVu font embedded (any name prints as typed), its first page begun."""
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
    return str(format_date(moment, format="long", locale=babel_locale(language)))


def award_certificate(
    event: str,
    day: str,
    language: str,
    award: Award,
    team: str,
    project: str,
    members: Sequence[str],
    jury: Sequence[str] = (),
    look: Look = PLAIN,
) -> bytes:
    t = translator(language)
    pdf = pdf_document(language, f"{award.name} — {team}", landscape=True)
    _frame(pdf)
    _logos(pdf, look)
    _line(pdf, event, 14)
    _line(pdf, t("cert_award"), 26, bold=True, gap=4)
    _line(pdf, award.name, 20, bold=True, gap=2)
    if award.description:
        _line(pdf, award.description, 12, gap=4)
    _line(pdf, t("cert_awarded_to"), 12, gap=2)
    _line(pdf, team, 22, bold=True, gap=2)
    if project:
        _line(pdf, project, 13, gap=3)
    if members:
        _line(pdf, f"{t('cert_team_members')}: {', '.join(members)}", 11, gap=2)
    if jury:
        _line(pdf, t("cert_jury_names", names=", ".join(jury)), 10, gap=2)
    _closing(pdf, day, look)
    return bytes(pdf.output())


def attendance_certificate(
    event: str,
    day: str,
    language: str,
    name: str,
    institution: str,
    keynotes: Sequence[Seen],
    rounds: Sequence[Seen] = (),
    look: Look = PLAIN,
) -> bytes:
    """Portrait: the rounds and keynotes as a table (what, minutes, the sign of presence)."""
    t = translator(language)
    pdf = pdf_document(language, f"{t('cert_attendance')} — {name}", landscape=False)
    _frame(pdf)
    _logos(pdf, look)
    _line(pdf, t("cert_attendance"), 26, bold=True, gap=6)
    _line(pdf, name, 22, bold=True, gap=2)
    if institution:
        _line(pdf, institution, 12, gap=4)
    _line(pdf, t("cert_took_part", event=event), 12, gap=4)
    for heading, items in ((t("cert_rounds"), rounds), (t("cert_keynotes"), keynotes)):
        if items:
            _table(pdf, t, heading, items)
    total = sum(i.minutes for i in (*rounds, *keynotes))
    pdf.ln(2)
    _line(
        pdf,
        t("cert_total", minutes=total, required=look.attendance_minutes),
        12,
        bold=True,
        gap=2,
    )
    _closing(pdf, day, look)
    return bytes(pdf.output())


SOURCE_WORDS = {
    "webhook": "cert_source_webhook",
    "checked-in": "cert_source_checked_in",
    "confirmed": "cert_source_confirmed",
    "sent": "cert_source_sent",
}


def _table(pdf: FPDF, t: Callable[..., str], heading: str, items: Sequence[Seen]) -> None:
    pdf.set_font(FAMILY, "", 13)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 10)
    with pdf.table(
        col_widths=(100, 22, 48),
        text_align=("LEFT", "RIGHT", "LEFT"),
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        line_height=6,
    ) as table:
        for item in items:
            row = table.row()
            row.cell(item.title)
            row.cell(t("cert_minutes", minutes=item.minutes))
            row.cell(t(SOURCE_WORDS[item.source]) if item.source in SOURCE_WORDS else "")
    pdf.ln(3)


def _image(pdf: FPDF, path: Path, x: float, y: float, h: float) -> float:
    """The image at (x, y), `h` mm high; its width."""
    info = pdf.image(str(path), x=x, y=y, h=h)
    return float(info.rendered_width)


def _logos(pdf: FPDF, look: Look) -> None:
    """Up to three logos in a row across the top (each in its own box, its proportions
    kept), then the issuer."""
    top, height = 18.0, 16.0
    if look.logos:
        box = (pdf.w - 50) / len(look.logos)
        for i, path in enumerate(look.logos):
            pdf.image(str(path), x=25 + i * box, y=top, w=box - 6, h=height, keep_aspect_ratio=True)
        pdf.set_y(top + height + 4)
    else:
        pdf.set_y(top + 6)
    if look.issuer:  # the letterhead: who issues it
        _line(pdf, look.issuer, 11, gap=3)


def _closing(pdf: FPDF, day: str, look: Look) -> None:
    """Place and date, the signature lines, and at the foot the funding line with its emblem.
    Portrait: signatures across, the funding line below them. Landscape: one band at the
    foot, the funding line on the left and the signatures on the right."""
    pdf.ln(2)
    _line(pdf, f"{look.place}, {day}" if look.place else day, 11, gap=2)
    landscape = pdf.w > pdf.h
    funded = bool(look.funding and look.emblem is not None)
    left = 20.0 + (95 if landscape and funded else 0)
    if look.signatures:
        width = (pdf.w - 20 - left) / len(look.signatures)
        y = pdf.h - 14 - 30 if landscape else max(pdf.get_y() + 4, pdf.h - 18 - 16 - 34)
        for i, signature in enumerate(look.signatures):
            x = left + i * width
            if signature.image is not None:
                pdf.image(
                    str(signature.image), x=x + 8, y=y, w=width - 16, h=14, keep_aspect_ratio=True
                )
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.3)
            pdf.line(x + 6, y + 15, x + width - 6, y + 15)
            pdf.set_xy(x, y + 16)
            pdf.set_font(FAMILY, "", 10)
            pdf.cell(width, 5, signature.name, align="C")
            if signature.title:
                pdf.set_xy(x, y + 21)
                pdf.set_font(FAMILY, "", 8)
                pdf.cell(width, 4, signature.title, align="C")
    if funded and look.emblem is not None:  # as tall as the logos: the emblem's rules
        y = pdf.h - 34
        info = pdf.image(str(look.emblem), x=20, y=y, h=16)
        pdf.set_xy(20 + float(info.rendered_width) + 4, y + 3)
        pdf.set_font(FAMILY, "", 9)
        pdf.multi_cell(
            (left - 24 - float(info.rendered_width)) if landscape else 0, 5, look.funding
        )


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
    pdf = pdf_document(language, f"{t('cert_feedback')} {team}", landscape=False)
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
