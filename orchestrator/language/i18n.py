"""The words people receive, in their language, from the gettext catalogs (orchestrator/
catalogs.py reads orchestrator/locale/). A message missing in a language falls back to
English; a plural message picks its form by the value `n`."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from orchestrator.language.catalogs import Words, load
from schedules.model import LANGUAGES


@cache
def words(language: str) -> Words:
    return load(language)


def _messages() -> dict[str, dict[str, str]]:
    """Every language's messages as plain texts (a plural by its last, most general form)."""
    return {
        language: {
            key: text if isinstance(text, str) else text[-1]
            for key, text in words(language).messages.items()
        }
        for language in LANGUAGES
    }


MESSAGES: dict[str, dict[str, str]] = _messages()


def resolve(language: str) -> str:
    """The language the page is shown in: the person's, when Rota speaks it; else English."""
    return language if language in MESSAGES else "en"


# Babel's locale for each language, where the language alone would pick another country's
# conventions: Rota's Portuguese is Portugal's ("dentro de 3 dias", not Brazil's "em 3 dias")
BABEL_LOCALES = {"pt": "pt_PT"}


def babel_locale(language: str) -> str:
    """The locale dates, times and relative times are written in for `language`."""
    chosen = resolve(language)
    return BABEL_LOCALES.get(chosen, chosen)


def translator(language: str) -> Callable[..., str]:
    """`t(key, **values)`: the key's text in `language` with the values filled in."""
    chosen = words(resolve(language))
    english = words("en")

    def t(key: str, **values: object) -> str:
        own = chosen.messages.get(key)
        source, text = (chosen, own) if own is not None else (english, english.messages[key])
        if not isinstance(text, str):
            count = values.get("n", 0)
            index = source.plural(count if isinstance(count, int) else 0)
            text = text[min(index, len(text) - 1)]
        return text.format(**values)

    return t
