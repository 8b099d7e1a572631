"""[privacy]: `rota check` refuses wrong values with their lines; every participant page links
to a short notice in the person's language (what the organiser typed, escaped); without the
section the notice says to ask the organisers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from orchestrator.appkeys import SERVICE
from orchestrator.cli import main
from orchestrator.language.i18n import translator
from schedules.model import LANGUAGES
from tests.support.builders import BASE_CSV, BASE_TOML, line_of, write_event

PRIVACY = """
[privacy]
controller = "Uni <b>A</b> & Co"
contact = "privacy@example.org"
purpose = "To run the demo day."
retention_days = 30
"""


@pytest.mark.parametrize(
    ("line", "needle", "message"),
    [
        (
            "retention_days = 0",
            "retention_days",
            "`retention_days` is a number of days after the event's end, at least 1, not 0",
        ),
        (
            'retention_days = "30"',
            "retention_days",
            "`retention_days` must be a whole number, not '30'",
        ),
        (
            'contact = "nobody"',
            "contact",
            "`contact` must be an e-mail address or an http(s) URL, not 'nobody'",
        ),
        (
            'controller = " "',
            "controller",
            "`controller` cannot be empty: participants are shown it",
        ),
        (
            "retention = 30",
            "retention =",
            "unknown key 'retention' in [privacy] (did you mean 'retention_days'?)",
        ),
    ],
)
def test_a_wrong_privacy_value_is_refused_with_its_line(
    tmp_path: Path, line: str, needle: str, message: str
) -> None:
    key = line.split(" ")[0]
    kept = [row for row in PRIVACY.splitlines() if not row.startswith(key.split("_")[0])]
    toml = BASE_TOML + "\n".join([*kept, line]) + "\n"
    path = write_event(tmp_path, toml=toml)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:{line_of(toml, needle)}: {message}\n" in result.output


def test_a_good_privacy_section_passes_without_a_note(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(write_event(tmp_path, BASE_TOML + PRIVACY))])
    assert result.exit_code == 0, result.output
    assert "[privacy]" not in result.output


def test_without_a_privacy_section_check_notes_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(write_event(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "note: no [privacy] section" in result.output


def _speaking(language: str) -> str:
    """The base roster with its audience member a1 speaking `language`."""
    rows = BASE_CSV.splitlines()
    rows = [r.replace("Europe/Lisbon,pt,t2 t1", f"Europe/Lisbon,{language},t2 t1") for r in rows]
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_page_links_the_notice_in_the_persons_language(
    serve, http, tmp_path: Path, language: str
) -> None:
    programme = write_event(tmp_path, BASE_TOML + PRIVACY, _speaking(language))
    running = await serve(programme, data_dir=tmp_path / "var", speed=60.0, start_at="now")
    live = running.app[SERVICE].require_live()
    token = live.token_of["a1"]
    t = translator(language)
    page = await http.get(f"{running.base_url}/p/{token}")
    link = f'<a id="privacy-link" href="/p/{token}/privacy">{escape(t("privacy_link"))}</a>'
    assert link in page.text
    notice = await http.get(f"{running.base_url}/p/{token}/privacy")
    assert notice.status_code == 200
    assert f'<html lang="{language}">' in notice.text
    assert str(escape(t("privacy_title"))) in notice.text
    assert str(escape(t("privacy_controller", controller="Uni <b>A</b> & Co"))) in notice.text
    assert 'href="mailto:privacy@example.org"' in notice.text
    assert "30" in notice.text and "<b>" not in notice.text


async def test_without_a_privacy_section_the_notice_says_to_ask(serve, http, tmp_path) -> None:
    running = await serve(write_event(tmp_path), data_dir=tmp_path / "var", start_at="now")
    token = running.app[SERVICE].require_live().token_of["a1"]
    notice = await http.get(f"{running.base_url}/p/{token}/privacy")
    assert notice.status_code == 200
    assert str(escape(translator("pt")("privacy_none"))) in notice.text


async def test_an_unknown_token_has_no_notice(serve, http, tmp_path) -> None:
    running = await serve(write_event(tmp_path), data_dir=tmp_path / "var", start_at="now")
    assert (await http.get(f"{running.base_url}/p/nobody/privacy")).status_code == 404
