"""Certificates parsed back with pypdf: names as typed (Finnish, Portuguese, German, Dutch,
and beyond Latin-1), the award, the keynotes, the language; markup printed as text."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from orchestrator.language.i18n import translator
from orchestrator.scoring.certificate_pdf import (
    Look,
    Seen,
    Signature,
    attendance_certificate,
    award_certificate,
    event_date,
    feedback_sheet,
)
from schedules.scoring import Award


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def language_of(pdf: bytes) -> str:
    return str(PdfReader(io.BytesIO(pdf)).root_object["/Lang"])


AWARD = Award("impact", "The most impactful project", "For the project that changes most")


def test_an_award_certificate_names_the_award_the_team_and_its_members() -> None:
    pdf = award_certificate(
        "Students' day",
        "27 March 2025",
        "en",
        AWARD,
        "Team Łódź & Çatalhöyük",
        "Chatbot für Jugendämter",
        ["Äino Mäkelä", "João Gonçalves", "Jürgen Groß", "Ĳsbrand van 't Hoff", "Zoë Dvořák"],
    )
    text = text_of(pdf)
    for expected in (
        "The most impactful project",
        "Team Łódź & Çatalhöyük",
        "Äino Mäkelä",
        "João Gonçalves",
        "Jürgen Groß",
        "Zoë Dvořák",
        "Award certificate",
    ):
        assert expected in text, expected
    assert language_of(pdf) == "en"


ROUNDS = [
    Seen("Round 1: Team Azul (Room 8)", 28, "webhook"),
    Seen("Round 2: Team Oulu", 30, "confirmed"),
]
KEYNOTES = [
    Seen("Entrepreneurial thinking — Dr. Ana Sá", 40, "webhook"),
    Seen("Data ethics", 45, "sent"),
]


@pytest.mark.parametrize(
    ("language", "title", "name", "total"),
    [
        ("fi", "Osallistumistodistus", "Äino Mäkelä", "Yhteensä: 143 min (vaaditaan: 0 min)"),
        (
            "pt",
            "Certificado de participação",
            "João Gonçalves",
            "No total: 143 min (mínimo: 0 min)",
        ),
        (
            "de",
            "Teilnahmebescheinigung",
            "Jürgen Groß",
            "Insgesamt: 143 Min. (erforderlich: 0 Min.)",
        ),
        (
            "fr",
            "Attestation de participation",
            "Hélène Lefèvre",
            "Au total : 143 min (requis : 0 min)",
        ),
        ("nl", "Aanwezigheidsattest", "Ĳsbrand van 't Hoff", "In totaal: 143 min (vereist: 0 min)"),
    ],
)
def test_an_attendance_certificate_is_in_the_person_s_language(
    language: str, title: str, name: str, total: str
) -> None:
    pdf = attendance_certificate(
        "Students' day",
        event_date(datetime(2025, 3, 27), language),
        language,
        name,
        "Laurea",
        KEYNOTES,
        ROUNDS,
    )
    text = text_of(pdf)
    assert title in text and name in text
    assert "Entrepreneurial thinking — Dr. Ana Sá" in text and "Data ethics" in text
    assert "Round 1: Team Azul (Room 8)" in text
    assert total in text
    assert language_of(pdf) == language


def test_a_feedback_sheet_is_anonymous_and_prints_markup_as_text() -> None:
    pdf = feedback_sheet(
        "Students' day",
        "en",
        "Team Helsinki",
        "A chatbot",
        ["<script>alert(1)</script> Strong demo", "**bold** claims"],
        ["<b>Loved</b> it"],
        [4, 5],
    )
    text = text_of(pdf)
    assert "<script>alert(1)</script> Strong demo" in text
    assert "<b>Loved</b> it" in text and "**bold** claims" in text
    assert "2 ratings, on average 4.5 of 5" in text


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "March 7, 2025"),
        ("de", "7. März 2025"),
        ("fi", "7. maaliskuuta 2025"),
        ("fr", "7 mars 2025"),
        ("pt", "7 de março de 2025"),
        ("nl", "7 maart 2025"),
    ],
)
def test_dates_are_written_as_in_the_language(language: str, written: str) -> None:
    assert event_date(datetime(2025, 3, 7), language) == written


async def test_certificates_from_a_served_day(serve, http, redis_url, tmp_path) -> None:
    """A rehearsal's stored scores, awards and keynote webhooks give the certificates, both
    from the results page's download and from `rota certificates`."""
    import asyncio
    import json
    import subprocess
    import sys
    import time
    import zipfile
    from pathlib import Path

    from orchestrator.appkeys import SERVICE
    from orchestrator.rehearsal.simulated_presence import due
    from orchestrator.scoring.jury import windows
    from rooms.webhooks import jaas_signature
    from tests.support.app import AUTH, EXAMPLE, board_client
    from tests.support.clock import start_so_that_now_is
    from tests.support.standin_jitsi import JAAS_ENV, JAAS_SECRET

    secret = JAAS_SECRET
    running = await serve(
        redis_url=redis_url,
        env=JAAS_ENV,
        speed=1.0,
        start_at=start_so_that_now_is(6 * 30 + 5, speed=1.0),
    )
    live = running.app[SERVICE].require_live()
    base = running.base_url
    keynote_rooms = {k.room for k in live.programme.keynotes}
    bodies = [
        b
        for b in due(live, live.timeline.starts.replace(year=2000), live.event_now())
        if any(b["fqn"].endswith(live.room_names[r]) for r in keynote_rooms)
    ]
    for body in bodies:
        raw = json.dumps(body).encode()
        signed = jaas_signature(secret, raw, int(time.time()))
        posted = await http.post(
            f"{base}/webhooks/jaas",
            content=raw,
            headers={"Content-Type": "application/json", "X-Jaas-Signature": signed},
        )
        assert posted.status_code == 200, posted.text
    juror = next(p for p in live.programme.participants if p.role == "jury")
    duty = windows(live, juror.id)[0].duty
    scored = await http.post(
        f"{base}/p/{live.token_of[juror.id]}/scores",
        json={
            "team": duty.team,
            "scores": {"impact": 5, "feasibility": 4, "presentation": 4},
            "comment": "<b>Bold</b> and clear",
        },
    )
    assert scored.status_code == 200, scored.text
    award = live.programme.awards[0]
    assigned = await http.post(
        f"{base}/api/v1/awards/{award.id}", json={"teams": [duty.team]}, headers=AUTH
    )
    assert assigned.status_code == 200

    async with board_client(base) as client:
        # about 40 PDFs at 0.1–0.2 s each on a loaded machine
        download = await client.get("/board/results/certificates.zip", timeout=90)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = archive.namelist()
    team = live.programme.team_by_id[duty.team]
    award_text = text_of(archive.read(f"award-{award.id}-{team.id}.pdf"))
    assert award.name in award_text and team.name in award_text
    attendance = [n for n in names if n.startswith("attendance-")]
    assert attendance, names
    person = live.programme.participant_by_id[attendance[0][len("attendance-") : -4]]
    pdf = archive.read(attendance[0])
    assert person.name in text_of(pdf)
    assert language_of(pdf) == live.programme.language_of(person)
    t = translator(live.programme.language_of(person))
    assert t("cert_keynotes") in text_of(pdf) and t("cert_source_webhook") in text_of(pdf)
    sheet = text_of(archive.read(f"feedback-{team.id}.pdf"))
    assert "<b>Bold</b> and clear" in sheet and juror.name not in sheet

    rota = str(Path(sys.executable).parent / "rota")
    out = tmp_path / "certificates"
    done = await asyncio.to_thread(
        subprocess.run,
        [rota, "certificates", str(EXAMPLE), "--redis", redis_url, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(names)


def png(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), "gold")
    image.save(path)
    return path


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
    '<rect width="120" height="40" fill="#5b3a8c"/><circle cx="20" cy="20" r="12" fill="#fff"/>'
    "</svg>"
)


def a_look(folder: Path) -> Look:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "faculty.svg").write_text(SVG, encoding="utf-8")
    return Look(
        issuer="Universidade de Lisboa, Faculdade de Ciências Sociais",
        place="Lisboa",
        logos=(
            png(folder / "university.png", (300, 100), (0, 60, 120)),
            folder / "faculty.svg",
            png(folder / "project.png", (100, 100), (200, 30, 30)),
        ),
        signatures=(
            Signature(
                "Prof. Maria Sá", "Coordenadora", png(folder / "sig.png", (200, 60), (250,) * 3)
            ),
            Signature("Dr. Jürgen Groß", "Projektleitung"),
        ),
        funding="Co-funded by the European Union",
        emblem=png(folder / "emblem.png", (300, 200), (0, 51, 153)),
        attendance_minutes=120,
    )


def test_a_certificate_with_logos_signatures_and_the_funding_line(tmp_path: Path) -> None:
    """Read back with pypdf (the texts, five images: three logos, a signature, the emblem),
    and rendered by poppler (pdftoppm) into a picture that is not blank."""
    import subprocess

    from pypdf import PdfReader

    look = a_look(tmp_path / "files")
    pdf = attendance_certificate(
        "Digitalisation in Social Work",
        event_date(datetime(2026, 3, 25), "pt"),
        "pt",
        "Sofia Almeida",
        "Universidade de Lisboa",
        KEYNOTES,
        ROUNDS,
        look,
    )
    text = text_of(pdf)
    for expected in (
        "Universidade de Lisboa, Faculdade de Ciências Sociais",
        "Lisboa, 25 de março de 2026",
        "Prof. Maria Sá",
        "Coordenadora",
        "Dr. Jürgen Groß",
        "Co-funded by the European Union",
        "No total: 143 min (mínimo: 120 min)",
        "Rondas de apresentações",
        "na sala de vídeo",
        "presença confirmada",
    ):
        assert expected in text, expected
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    raster = [image.name for image in page.images]  # the SVG logo is drawn, not an image
    assert len(raster) == 4, raster
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    font_table = resources["/Font"].get_object()
    assert isinstance(font_table, DictionaryObject)
    fonts = list(font_table.values())
    assert all(
        "/FontFile2" in f.get_object()["/DescendantFonts"][0]["/FontDescriptor"] for f in fonts
    )
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-singlefile",
            str(tmp_path / "certificate.pdf"),
            str(tmp_path / "certificate"),
        ],
        check=True,
    )
    from PIL import Image

    picture = Image.open(tmp_path / "certificate.png").convert("L")
    assert picture.size[1] > picture.size[0]  # portrait A4
    colours = picture.getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 20  # logos, text, lines: not a blank page


def test_an_award_certificate_names_its_jury(tmp_path: Path) -> None:
    pdf = award_certificate(
        "Students' day",
        "27 March 2025",
        "en",
        AWARD,
        "Team Helsinki",
        "",
        ["Äino Mäkelä"],
        ["Prof. Maria Sá", "Dr. Jürgen Groß"],
        a_look(tmp_path),
    )
    text = text_of(pdf)
    assert "The jury: Prof. Maria Sá, Dr. Jürgen Groß" in text
    assert "Lisboa, 27 March 2025" in text and "Co-funded by the European Union" in text


GOOD_SECTION = """
[certificates]
issuer = "Universidade de Lisboa"
place = "Lisboa"
logos = ["university.png", "faculty.svg"]
signatures = [{ name = "Prof. Maria Sá", title = "Coordenadora", image = "sig.png" }]
funding = "Co-funded by the European Union"
emblem = "emblem.png"
attendance_minutes = 120
"""

BAD_SECTIONS = {
    "not an image": (
        ('logos = ["university.png", "faculty.svg"]', 'logos = ["notes.txt"]'),
        "logos = ",
        "is not a PNG, JPEG or SVG image",
    ),
    "huge": (
        ('logos = ["university.png", "faculty.svg"]', 'logos = ["huge.png"]'),
        "logos = ",
        "at most 2 MB",
    ),
    "four logos": (
        (
            'logos = ["university.png", "faculty.svg"]',
            'logos = ["a.png", "b.png", "c.png", "d.png"]',
        ),
        "logos = ",
        "at most 3 logos, not 4",
    ),
    "missing emblem file": (
        ('emblem = "emblem.png"', 'emblem = "eu-emblem.png"'),
        "emblem = ",
        "cannot read",
    ),
    "funding without emblem": (
        ('emblem = "emblem.png"\n', ""),
        "funding = ",
        "a funding line goes with its emblem",
    ),
    "threshold out of range": (
        ("attendance_minutes = 120", "attendance_minutes = 5000"),
        "attendance_minutes = ",
        "`attendance_minutes` is the minutes a person must attend in all, 0 to 1440, not 5000",
    ),
    "signature without a name": (
        ('{ name = "Prof. Maria Sá", title', "{ title"),
        "signatures = ",
        "signature 1 needs a `name`",
    ),
}


def certificate_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("university.png", "sig.png", "emblem.png", "a.png", "b.png", "c.png", "d.png"):
        png(folder / name, (60, 30), (0, 51, 153))
    (folder / "faculty.svg").write_text(SVG, encoding="utf-8")
    (folder / "notes.txt").write_text("not a picture", encoding="utf-8")
    (folder / "huge.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2_100_000))


def test_a_good_certificates_section_passes_check(tmp_path: Path) -> None:
    from schedules.programme import check_programme
    from tests.support.builders import BASE_TOML, write_event

    certificate_files(tmp_path)
    programme, problems = check_programme(write_event(tmp_path, toml=BASE_TOML + GOOD_SECTION))
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert programme is not None
    look = Look.of(programme)
    assert (look.issuer, look.attendance_minutes, len(look.logos)) == (
        "Universidade de Lisboa",
        120,
        2,
    )
    assert look.emblem == tmp_path / "emblem.png"


@pytest.mark.parametrize("case", sorted(BAD_SECTIONS))
def test_rota_check_refuses_a_bad_certificates_section(tmp_path: Path, case: str) -> None:
    from schedules.programme import check_programme
    from tests.support.builders import BASE_TOML, line_of, write_event

    (old, new), needle, said = BAD_SECTIONS[case]
    certificate_files(tmp_path)
    toml = BASE_TOML + GOOD_SECTION.replace(old, new)
    _, problems = check_programme(write_event(tmp_path, toml=toml))
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and said in errors[0].message, [str(p) for p in problems]
    assert errors[0].line == line_of(toml, needle)
