"""Relative times the way people say them, in their language: "in 45 sec", "in 20 min",
"in 3 hr 20 min", "in 107 days" ("dentro de 107 dias", "107 päivän kuluttua").

The words come from Babel's CLDR data (the units' short forms, the list pattern that joins two
units, the future pattern of days that format_timedelta uses) and from the catalog's
"in {time}". `relative_words` hands the same data to the pages' script
(static/relative.js), which counts down with it in the browser: the server's text and the
page's are made by one rule from one table, so they cannot disagree."""

from __future__ import annotations

import math
from datetime import timedelta
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_timedelta
from babel.lists import format_list

from orchestrator.language.i18n import babel_locale, translator

DAYS_FROM = 48 * 3600  # from two days on, in days ("in 107 days"); below in hours and minutes
UNITS = {"s": "duration-second", "min": "duration-minute", "h": "duration-hour"}


@cache
def relative_words(language: str) -> dict[str, Any]:
    """The table both renderers use: for each unit its pattern by CLDR plural category."""
    locale = Locale.parse(babel_locale(language))
    units = locale._data["unit_patterns"]  # what babel.units.format_unit reads
    fields = locale._data["date_fields"]  # what format_timedelta(add_direction=True) reads

    def by_category(patterns: Any) -> dict[str, str]:
        return {k: str(v) for k, v in dict(patterns).items() if k != "per"}

    return {
        "locale": locale.language + ("-" + locale.territory if locale.territory else ""),
        "in": translator(language)("in_time", time="{time}"),
        "s": by_category(units[UNITS["s"]]["short"]),
        "min": by_category(units[UNITS["min"]]["short"]),
        "h": by_category(units[UNITS["h"]]["short"]),
        "d": by_category(units["duration-day"]["long"]),
        "in_days": by_category(fields["day"]["future"]),
        "join": format_list(["{0}", "{1}"], style="unit-narrow", locale=locale),
    }


def _unit(words: dict[str, Any], unit: str, value: int, locale: Locale) -> str:
    patterns: dict[str, str] = words[unit]
    pattern = patterns.get(locale.plural_form(value)) or patterns["other"]
    return pattern.replace("{0}", str(value))


def span(seconds: float, language: str) -> str:
    """A duration without direction: "45 sec", "20 min", "3 hr 20 min", "107 days"."""
    words = relative_words(language)
    locale = Locale.parse(babel_locale(language))
    s = max(0, math.ceil(seconds))
    if s >= DAYS_FROM:
        return _unit(words, "d", round(s / 86400), locale)
    if s < 60:
        return _unit(words, "s", s, locale)
    if s < 3600:
        return _unit(words, "min", math.ceil(s / 60), locale)
    hours, minutes = s // 3600, math.ceil(s % 3600 / 60)
    if minutes == 60:
        hours, minutes = hours + 1, 0
    text = _unit(words, "h", hours, locale)
    if minutes:
        text = (
            str(words["join"])
            .replace("{0}", text)
            .replace("{1}", _unit(words, "min", minutes, locale))
        )
    return text


def relative(seconds: float, language: str) -> str:
    """A moment `seconds` ahead: "in 45 sec", "in 3 hr 20 min", "in 107 days"."""
    s = max(0, math.ceil(seconds))
    if s >= DAYS_FROM:  # Babel's own phrase for days, with the case the language needs
        days = round(s / 86400)
        return format_timedelta(
            timedelta(days=days),
            granularity="day",
            threshold=days / 7 + 1,  # neither weeks nor months: "in 107 days", not "in 4 months"
            add_direction=True,
            locale=babel_locale(language),
        )
    return str(relative_words(language)["in"]).replace("{time}", span(s, language))
