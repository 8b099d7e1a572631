"""Every language Rota speaks has every word, with the same placeholders as English."""

from __future__ import annotations

import string

import pytest

from orchestrator.i18n import MESSAGES, resolve, translator
from schedules.model import LANGUAGES


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_supported_language_has_words() -> None:
    assert set(MESSAGES) == set(LANGUAGES)


@pytest.mark.parametrize("language", sorted(MESSAGES))
def test_no_language_lacks_a_key(language: str) -> None:
    assert set(MESSAGES[language]) == set(MESSAGES["en"])


@pytest.mark.parametrize("language", sorted(MESSAGES))
def test_placeholders_match_english(language: str) -> None:
    wrong = {
        key: text
        for key, text in MESSAGES[language].items()
        if placeholders(text) != placeholders(MESSAGES["en"][key])
    }
    assert wrong == {}


def test_dutch_and_an_unknown_language() -> None:
    assert translator("nl")("round", n=3) == "Ronde 3"
    assert resolve("xx") == "en"
