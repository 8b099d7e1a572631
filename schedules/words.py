"""Values as organisers write them, read into Rota's own: languages and places through Babel's
locale data (CLDR), time zones by IANA name, city or country, yes/no, roles and modes by the
words people use in the six page languages. Pure: each function answers for one value."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Literal
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


# --- yes and no, modes ------------------------------------------------------------------------

YES = frozenset(
    ("yes", "y", "x", "✓", "✔", "☑", "✅", "1", "true", "ja", "j", "oui", "o", "kylla", "k",
     "sim", "s", "wahr", "vrai", "waar", "tosi", "verdadeiro")
)  # fmt: skip
NO = frozenset(
    ("no", "n", "0", "false", "nein", "non", "nee", "ei", "nao", "-", "–", "falsch", "faux",
     "onwaar", "epatosi", "falso")
)  # fmt: skip


def yes_no(value: str) -> bool | None:
    """True for a mark of attendance (yes, x, ✓, 1, ja, oui, kyllä, sim …), False for an
    empty cell or a no, None for anything else."""
    key = norm(value) or value.strip()
    if not key:
        return False
    if key in YES or value.strip() in YES:
        return True
    if key in NO or value.strip() in NO:
        return False
    return None


ONSITE = (
    "onsite",
    "on site",
    "on campus",
    "campus",
    "in person",
    "vor ort",
    "prasenz",
    "sur place",
    "presentiel",
    "ter plaatse",
    "op locatie",
    "paikan paalla",
    "lahi",
    "presencial",
)
ONLINE = (
    "online",
    "remote",
    "virtual",
    "distance",
    "a distance",
    "digital",
    "virtuell",
    "en ligne",
    "etana",
    "eta",
    "verkossa",
    "a distancia",
)


def read_mode(value: str) -> str:
    key = norm(value)
    if not key:
        return "online"
    if key in ONSITE:
        return "onsite"
    if key in ONLINE:
        return "online"
    return ""


# --- roles ------------------------------------------------------------------------------------

RoleWord = Literal["audience", "presenter", "jury", "organiser", "student", "uncertain"]

# Words in the six languages, by what they make a person. "student": presents with a team,
# listens without one. "uncertain": audience unless the organiser says otherwise (a lecturer
# may be on the jury), so it is shown as a guess to confirm.
ROLE_WORDS: dict[RoleWord, tuple[str, ...]] = {
    "jury": (
        "jury",
        "juror",
        "jurors",
        "judge",
        "expert",
        "experts",
        "assessor",
        "evaluator",
        "reviewer",
        "jurymitglied",
        "jurorin",
        "gutachter",
        "gutachterin",
        "experte",
        "expertin",
        "jure",
        "juree",
        "evaluateur",
        "evaluatrice",
        "jurylid",
        "deskundige",
        "beoordelaar",
        "tuomari",
        "tuomaristo",
        "arvioija",
        "asiantuntija",
        "juri",
        "jurado",
        "avaliador",
        "avaliadora",
        "especialista",
        "perito",
    ),
    "organiser": (
        "organiser",
        "organizer",
        "organisers",
        "organizers",
        "organisation",
        "organization",
        "staff",
        "coordinator",
        "host",
        "organisator",
        "organisatorin",
        "veranstalter",
        "veranstalterin",
        "organisateur",
        "organisatrice",
        "organisatie",
        "jarjestaja",
        "organizador",
        "organizadora",
        "coordenador",
        "coordenadora",
        "koordinator",
        "coordinateur",
    ),
    "presenter": (
        "presenter",
        "presenters",
        "presenting",
        "referent",
        "referentin",
        "presentateur",
        "presentatrice",
        "presentator",
        "esittaja",
        "apresentador",
        "apresentadora",
    ),
    "student": (
        "student",
        "students",
        "studentin",
        "studierende",
        "studierender",
        "etudiant",
        "etudiante",
        "etudiants",
        "estudante",
        "estudantes",
        "aluno",
        "aluna",
        "opiskelija",
        "opiskelijat",
        "leerling",
        "studenten",
    ),
    "audience": (
        "audience",
        "listener",
        "guest",
        "guests",
        "visitor",
        "attendee",
        "participant",
        "observer",
        "zuhorer",
        "zuhorerin",
        "gast",
        "besucher",
        "besucherin",
        "teilnehmer",
        "teilnehmerin",
        "publikum",
        "invite",
        "invitee",
        "auditeur",
        "auditrice",
        "public",
        "toehoorder",
        "deelnemer",
        "bezoeker",
        "publiek",
        "vieras",
        "kuulija",
        "osallistuja",
        "yleiso",
        "convidado",
        "convidada",
        "ouvinte",
        "participante",
        "publico",
        "visitante",
    ),
    "uncertain": (
        "lecturer",
        "teacher",
        "professor",
        "tutor",
        "supervisor",
        "dozent",
        "dozentin",
        "lehrende",
        "lehrender",
        "betreuer",
        "betreuerin",
        "enseignant",
        "enseignante",
        "professeur",
        "docent",
        "begeleider",
        "opettaja",
        "lehtori",
        "ohjaaja",
        "professora",
        "docente",
        "orientador",
        "orientadora",
    ),
}
ORDER: tuple[RoleWord, ...] = ("jury", "organiser", "presenter", "student", "uncertain", "audience")
CANONICAL = {
    "audience": "audience",
    "presenter": "presenter",
    "jury": "jury",
    "organiser": "organiser",
    "organizer": "organiser",
}


def role_word(value: str) -> RoleWord | None:
    """What the words of a role cell make a person (`Expert (jury)` → jury, `Student (other
    programme)` → student), the first kind in ORDER that any word belongs to; None: no word
    Rota knows."""
    words = norm(value).split()
    phrase = " ".join(words)
    for kind in ORDER:
        known = ROLE_WORDS[kind]
        if phrase in known or any(w in known for w in words):
            return kind
    return None


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
