"""Relative times in each language (orchestrator/language/relative_time.py, Babel's CLDR words), and
the pages' script (static/relative.js) saying exactly the same in Chromium."""

from __future__ import annotations

import json

import pytest

from orchestrator.language.relative_time import relative, relative_words, span
from schedules.model import LANGUAGES
from tests.support.browser_kit import ROOT, chromium

FAR = 107 * 86400 + 3600  # the "dentro de 2576 h 44 min"
NEAR = 3 * 3600 + 20 * 60
SOON = 45

SAID = {
    "en": ("in 107 days", "in 3 hr 20 min", "in 45 sec"),
    "de": ("in 107 Tagen", "in 3 Std., 20 Min.", "in 45 Sek."),
    "fi": ("107 päivän päästä", "3 t 20 min kuluttua", "45 s kuluttua"),
    "fr": ("dans 107 jours", "dans 3\u202fh 20\xa0min", "dans 45\u202fs"),
    "nl": ("over 107 dagen", "over 3 uur, 20 min", "over 45 sec"),
    "pt": ("dentro de 107 dias", "dentro de 3 h e 20 min", "dentro de 45 s"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_far_near_and_soon_in_each_language(language: str) -> None:
    assert (relative(FAR, language), relative(NEAR, language), relative(SOON, language)) == SAID[
        language
    ]


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (1, "in 1 sec"),
        (60, "in 1 min"),
        (61, "in 2 min"),  # a countdown rounds up: it never says "in 1 min" with 61 s to go
        (3599, "in 60 min"),
        (3600, "in 1 hr"),
        (2 * 3600 - 1, "in 2 hr"),
        (47 * 3600, "in 47 hr"),
        (48 * 3600, "in 2 days"),
    ],
)
def test_the_edges_between_units(seconds: int, said: str) -> None:
    assert relative(seconds, "en") == said


def test_the_board_says_a_far_boundary_in_days() -> None:
    """The board's "Round 1: 2-minute warning in 2576:41:41" reads "… in 107 days"."""
    assert span(2576 * 3600 + 41 * 60 + 41, "en") == "107 days"


SECONDS = [1, 2, 45, 59, 60, 61, 119, 1200, 3599, 3600, 3661, NEAR, 7199, 47 * 3600 + 1]
SECONDS += [48 * 3600, 86400 * 2 + 1, 86400 * 21, FAR, 86400 * 1000]


async def test_the_pages_script_says_what_the_server_says() -> None:
    """Every language, near and far: relative.js in Chromium with relative_words()."""
    source = (ROOT / "orchestrator" / "static" / "relative.js").read_text(encoding="utf-8")
    async with chromium() as browser:
        page = await browser.new_page()
        await page.set_content("<!doctype html><title>relative</title>")
        await page.add_script_tag(content=source)
        for language in LANGUAGES:
            words = json.dumps(relative_words(language))
            said = await page.evaluate(
                f"""(seconds) => {{
                    const r = window.RotaTime.make({words});
                    return seconds.map((s) => [r.relative(s), r.span(s)]);
                }}""",
                SECONDS,
            )
            expected = [[relative(s, language), span(s, language)] for s in SECONDS]
            assert said == expected, language
