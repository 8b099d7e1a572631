"""Certificates parsed back with pypdf: names as typed (Finnish, Portuguese, German, Dutch,
and beyond Latin-1), the award, the keynotes, the language; markup printed as text."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from orchestrator.certificates import (
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
    return str(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"])


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


@pytest.mark.parametrize(
    ("language", "title", "name"),
    [
        ("fi", "Osallistumistodistus", "Äino Mäkelä"),
        ("pt", "Certificado de participação", "João Gonçalves"),
        ("de", "Teilnahmebescheinigung", "Jürgen Groß"),
        ("fr", "Attestation de participation", "Hélène Lefèvre"),
        ("nl", "Aanwezigheidsattest", "Ĳsbrand van 't Hoff"),
    ],
)
def test_an_attendance_certificate_is_in_the_person_s_language(
    language: str, title: str, name: str
) -> None:
    pdf = attendance_certificate(
        "Students' day",
        event_date(__import__("datetime").datetime(2025, 3, 27), language),
        language,
        name,
        "Laurea",
        [("Entrepreneurial thinking", "Dr. Ana Sá"), ("Data ethics", "")],
    )
    text = text_of(pdf)
    assert title in text and name in text
    assert "Entrepreneurial thinking" in text and "Data ethics" in text
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
    from orchestrator.jury import windows
    from orchestrator.presence.simulator import due
    from rooms.webhooks import jaas_signature
    from tests.conftest import AUTH, EXAMPLE
    from tests.test_board import board_client
    from tests.test_participant_browser import start_so_that_now_is

    secret = "whsec_9635df66714a4cf088ee9d0979dd3bf6"
    running = await serve(
        redis_url=redis_url,
        env={"ROTA_JAAS_WEBHOOK_SECRET": secret},
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
