"""Values as organisers write them, read into Rota's own: languages and places through Babel's
locale data (CLDR), time zones by IANA name, city or country; a text made plain for comparing,
a list cell split (yes/no, roles and modes: cell_words.py). Pure: each function answers for
one value."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from schedules.day_sections import LANGUAGES

# The locales whose words are read: the pages' six languages (CLDR has them all).
WORD_LOCALES = LANGUAGES


def norm(text: str) -> str:
    """The form two spellings are compared in: case, accents, punctuation and spacing gone
    (`E-mail` = `email` = `e mail`; `Prénom` = `prenom`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w@+]+", " ", plain).replace("_", " ").split())


def squash(text: str) -> str:
    """`norm` without spaces, so `e mail`, `e-mail` and `email` meet."""
    return norm(text).replace(" ", "")


# --- languages --------------------------------------------------------------------------------


@cache
def _language_names() -> dict[str, str]:
    """Every name CLDR gives a language in the six locales, by `squash` form (so the six
    languages' own names are there too: `Suomi`, `Nederlands`, `Français`)."""
    names: dict[str, str] = {}
    for ui in WORD_LOCALES:
        for code, name in Locale(ui).languages.items():
            base = code.split("_")[0]
            names.setdefault(squash(name), base)
    return names


@cache
def _own_names() -> dict[str, str]:
    """Other languages by their own names (`Español`, `Italiano`), only to say which language
    a roster names when it is not one of the six: read once, when first needed."""
    names: dict[str, str] = {}
    for code in Locale("en").languages:
        if not isinstance(code, str) or len(code) != 2:
            continue
        try:
            own = Locale(code).languages.get(code)
        except (UnknownLocaleError, ValueError):
            continue
        if own:
            names.setdefault(squash(own), code)
    return names


def language_code(value: str) -> str:
    """The language `value` names (`English`, `anglais`, `Englisch`, `inglês`, `en-GB`), as
    its code, or ""; a language that is not one of the pages' six is returned all the same."""
    key = squash(value)
    if not key:
        return ""
    tag = re.fullmatch(r"([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*", value.strip().lower())
    if tag and tag.group(1) in LANGUAGES:
        return tag.group(1)
    return _language_names().get(key) or _own_names().get(key, "")


def language_name(code: str) -> str:
    try:
        return str(Locale("en").languages.get(code, code))
    except (ValueError, LookupError):
        return code


# --- time zones -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneReading:
    zone: str  # the IANA name, or "" when none or several
    how: str  # "zone", "city", "country"; "" when not read
    choices: tuple[str, ...] = ()  # a country with several zones: them


@cache
def _zones() -> dict[str, str]:
    """IANA names with a region (`Europe/Lisbon`) and UTC; the old one-word aliases
    (`Portugal`, `Poland`) are read as countries instead."""
    return {z.casefold(): z for z in available_timezones() if "/" in z or z == "UTC"}


@cache
def _cities() -> dict[str, str]:
    """Cities by name: the IANA name's last part (`Lisbon`), and CLDR's exemplar cities in the
    six locales (`Lissabon`, `Lisboa`, `Bruxelles`, `Brüssel`)."""
    zones = available_timezones()
    cities: dict[str, str] = {}
    for zone in sorted(zones):
        if zone.startswith(("Etc/", "SystemV/", "US/")) or "/" not in zone:
            continue
        cities.setdefault(squash(zone.rsplit("/", 1)[1]), zone)
    for ui in WORD_LOCALES:
        for zone, info in Locale(ui).time_zones.items():
            city = info.get("city") if isinstance(info, Mapping) else None
            if isinstance(city, str) and zone in zones:
                cities.setdefault(squash(city), zone)
    return cities


@cache
def _countries() -> dict[str, str]:
    """Territory codes by their names in the six locales (`Belgium`, `Belgien`, `Belgique`,
    `België`, `Belgia`, `Bélgica`) and by the code itself (`BE`)."""
    names: dict[str, str] = {}
    for ui in WORD_LOCALES:
        for code, name in Locale(ui).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(squash(name), code)
                names.setdefault(code.casefold(), code)
    return names


def country_code(value: str) -> str:
    return _countries().get(squash(value), "")


def country_zones(code: str) -> tuple[str, ...]:
    """A country's zones, those that keep the same time as one before them left out
    (Germany: Europe/Berlin, not also Europe/Busingen)."""
    zones: Mapping[str, list[str]] = get_global("territory_zones")
    kept: dict[tuple[timedelta | None, ...], str] = {}
    for zone in sorted(zones.get(code, ()), key=_main_first):
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        kept.setdefault(tuple(moment.astimezone(tz).utcoffset() for moment in _SAMPLES), zone)
    return tuple(kept.values())


_SAMPLES = tuple(datetime(2025, month, 15, tzinfo=UTC) for month in (1, 4, 7, 10))


def read_zone(value: str) -> ZoneReading:
    """A time zone by IANA name (any case), city or country; a country with several zones
    gives them as choices for the organiser to pick."""
    text = value.strip()
    zone = _zones().get(text.casefold()) or _zones().get(text.replace(" ", "_").casefold())
    if zone:
        return ZoneReading(zone, "zone")
    key = squash(text)
    city = _cities().get(key)
    if city:
        return ZoneReading(city, "city")
    country = _countries().get(key)
    if country:
        zones = country_zones(country)
        if len(zones) == 1:
            return ZoneReading(zones[0], "country")
        return ZoneReading("", "country", zones)
    return ZoneReading("", "")


def split_list(value: str) -> list[str]:
    """Items of a list cell: separated by `,` or `;` when there are any (names hold spaces),
    else by spaces."""
    if re.search(r"[,;\n]", value):
        return [part.strip() for part in re.split(r"[,;\n]", value) if part.strip()]
    return value.split()


def _main_first(zone: str) -> tuple[bool, int, str]:
    """Of zones that keep the same time, the one named: European first (these are European
    events: Madrid, not Ceuta), then the shortest (Berlin, not Busingen)."""
    return (not zone.startswith("Europe/"), len(zone), zone)
