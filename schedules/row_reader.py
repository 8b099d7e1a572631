"""One roster row in the organiser's words read into the strict CSV's cells: a team by its id
or name, a role from the words people use, a time zone from a city or country, a language by
its name, keynotes by column or title; `[roster] values` says what is meant where a guess would
not do, and every guess is said once (a warning at its first row)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from schedules.cell_words import CANONICAL, read_mode, role_word, yes_no
from schedules.columns import OWN, Column, KeynoteRef
from schedules.model import LANGUAGES, ROLES
from schedules.problems import Problem
from schedules.sheets import Grid
from schedules.words import (
    country_code,
    country_zones,
    language_code,
    language_name,
    norm,
    read_zone,
    split_list,
    squash,
)

LABELS = {
    "role": "Role",
    "team": "Team",
    "timezone": "Time zone",
    "language": "Language",
    "mode": "Mode",
}
EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class RosterConfig:
    """The `[roster]` section: which sheet, what a column is (`columns`: header → field, keynote
    id, or "" for the person's own), what a value means (`values`: field → written → meant)."""

    sheet: str = ""
    columns: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass
class Reading:
    """How the roster was read, for `rota roster`'s preview: each column, each distinct value
    and what it became, how many times, and which of those were guesses."""

    where: str
    header_row: int = 0
    columns: list[Column] = field(default_factory=list)
    ids_from: str = ""  # "email" when ids were made from the e-mail
    role_rule: bool = False  # no role column: presenters are those with a team
    # (field, as written) -> (what it became, how: "by city", "a guess", …) -> how many times
    values: dict[tuple[str, str], Counter[tuple[str, str]]] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)  # the rows read as people

    def saw(self, key: str, written: str, meant: str, how: str = "") -> None:
        self.values.setdefault((key, written), Counter())[(meant, how)] += 1


def email_id(email: str) -> str:
    """An id made from an e-mail address, the same at every import: its local part, made
    plain (`Émile.Dupont` → `emile.dupont`), and six hex digits of the whole address's hash, so
    two people called `info` at two universities differ."""
    address = email.strip().casefold()
    local = unicodedata.normalize("NFKD", address.split("@")[0]).encode("ascii", "ignore")
    base = re.sub(r"[^a-z0-9._-]+", "-", local.decode()).strip("-.")[:40] or "p"
    return f"{base}-{hashlib.sha256(address.encode()).hexdigest()[:6]}"


@dataclass
class RowReader:
    """One row's cells in the organiser's words → the strict CSV's cells for `check_person`."""

    where: str
    grid: Grid
    columns: list[Column]
    config: RosterConfig
    teams: Sequence[str]
    team_names: Mapping[str, str]
    refs: Sequence[KeynoteRef]
    problems: list[Problem]
    reading: Reading
    first_guess: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)

    def said(self, key: str, written: str) -> str | None:
        """What `[roster] values` says `written` means, if it says (and so it is shown)."""
        table = self.config.values.get(key, {})
        for word, meant in table.items():
            if squash(word) == squash(written) or word == written:
                self.reading.saw(key, written, meant, "[roster]")
                return meant
        return None

    def given(self, key: str, written: str) -> str | None:
        """ "" for an empty cell, what `[roster] values` says it means, or None: read it."""
        return "" if not written else self.said(key, written)

    def error(self, number: int, message: str) -> None:
        self.problems.append(Problem(self.where, number, message))

    def guessed(self, key: str, written: str, meant: str, number: int) -> None:
        self.reading.saw(key, written, meant, "a guess")
        self.first_guess.setdefault((key, written), (number, meant))

    def guesses(self) -> list[Problem]:
        """One warning per guessed value, at its first row: nothing guessed silently."""
        return [
            Problem(
                self.where,
                number,
                f"{LABELS[key]} {written!r} read as {meant} (a guess): "
                f"confirm it, or say otherwise, in {say(key, written, meant)} "
                "(`rota roster` shows every reading)",
                "warning",
            )
            for (key, written), (number, meant) in self.first_guess.items()
        ]

    def row(
        self, number: int, cells: tuple[str, ...]
    ) -> tuple[dict[str, str], tuple[tuple[str, str], ...]] | None:
        by_field: dict[str, list[str]] = {}
        keynote_cells: list[tuple[Column, str]] = []
        own: list[tuple[str, str]] = []
        broken: set[str] = set()  # fields whose cell holds a formula error (said once)
        for column in self.columns:
            value = cells[column.index] if column.index < len(cells) else ""
            why = self.grid.errors.get((number, column.index))
            if why and column.header:
                self.error(number, f"column {column.header!r} holds {why}")
                broken.add(column.field)
            if column.field == "keynote":
                keynote_cells.append((column, value))
            elif column.field == OWN:
                if value and column.header:
                    own.append((column.header.lstrip("#").strip(), value))
            elif value:
                by_field.setdefault(column.field, []).append(value)
        get = {k: " ".join(v) for k, v in by_field.items()}
        name = get.get("name") or " ".join(
            p for p in (get.get("first_name", ""), get.get("last_name", "")) if p
        )
        email = get.get("email", "")
        if not name and not email:
            self.error(number, "a row with no name and no e-mail: fill them in, or delete the row")
            return None
        pid = get.get("id", "")
        if self.reading.ids_from == "email":
            if not email and "email" in broken:
                return None
            if not email:
                self.error(
                    number, f"{name!r} has no e-mail to make an id from: add it (or an `id` column)"
                )
                return None
            pid = email_id(email)
        strict = dict(get)
        strict.update(id=pid, name=name, email=email)
        team = self.team(number, get.get("team", ""))
        strict["team"] = team
        role = self.role(number, get.get("role", ""), bool(team), pid or name)
        strict["role"] = get.get("role", "") if role is None else role  # refused: said above
        strict["timezone"] = self.zone(number, get.get("timezone", ""), get.get("country", ""), pid)
        strict["language"] = self.language(number, get.get("language", ""), pid)
        strict["mode"] = self.mode(get.get("mode", ""))
        strict["preferences"] = " ".join(
            self.team(number, t, listed=True) for t in split_list(get.get("preferences", ""))
        )
        strict["unavailable"] = " ".join(re.split(r"[\s,;]+", get.get("unavailable", ""))).strip()
        strict["keynotes"] = " ".join(
            self.keynotes(number, get.get("keynotes", ""), keynote_cells, pid)
        )
        return strict, tuple(own)

    def team(self, number: int, written: str, listed: bool = False) -> str:
        if (meant := self.given("team", written)) is not None:
            return meant
        if written in self.teams:
            self.reading.saw("team", written, written)
            return written
        key = norm(written)
        exact = [t for t in self.teams if key in (norm(t), norm(self.team_names.get(t, "")))]
        if len(exact) == 1:
            self.reading.saw("team", written, exact[0], "by its name")
            return exact[0]
        fits = [t for t in self.teams if _fits(key, norm(self.team_names.get(t, t)))]
        if len(fits) == 1:
            self.guessed("team", written, fits[0], number)
            return fits[0]
        if len(fits) > 1:
            self.error(
                number,
                f"team {written!r} fits {len(fits)} teams ({', '.join(fits)}): write "
                "the team's id or full name, or say which in " + say("team", written, fits[0]),
            )
            return ""
        return written  # `check_person` says it is unknown, listing the teams

    def role(self, number: int, written: str, has_team: bool, who: str) -> str | None:
        if not written and self.reading.role_rule:
            role = "presenter" if has_team else "audience"
            self.reading.saw("role", "(no role column)", role)
            return role
        meant = self.said("role", written)
        if meant is not None:
            return meant
        if written.lower() in CANONICAL:
            self.reading.saw("role", written, CANONICAL[written.lower()])
            return CANONICAL[written.lower()]
        kind = role_word(written)
        if kind is None:
            self.error(
                number,
                f"{who!r}: unknown role {written!r} (use {', '.join(ROLES)}, or say "
                f"what it means in {say('role', written, 'audience')})",
            )
            return None
        if kind == "student":
            role = "presenter" if has_team else "audience"
            self.reading.saw("role", written, role, "with a team" if has_team else "without a team")
            return role
        if kind == "uncertain":
            self.guessed("role", written, "audience", number)
            return "audience"
        self.reading.saw("role", written, kind)
        return kind

    def zone(self, number: int, written: str, country: str, who: str) -> str:
        if (meant := self.given("timezone", written)) is not None:
            return meant
        found = read_zone(written)
        if found.zone:
            self.reading.saw(
                "timezone", written, found.zone, "" if found.how == "zone" else f"by {found.how}"
            )
            return found.zone
        if found.choices:
            self.error(
                number,
                f"{who!r}: the time zone {written!r} is a country with several "
                f"({', '.join(found.choices)}): write the city, or say which in "
                + say("timezone", written, found.choices[0]),
            )
            return ""
        hint = ""
        zones = country_zones(country_code(country)) if country else ()
        if len(zones) == 1:
            hint = (
                f"; the country {country!r} has one, {zones[0]}: "
                f"{say('timezone', written, zones[0])} says so"
            )
        self.error(
            number,
            f"{who!r}: unknown time zone {written!r} (write an IANA zone like "
            f'"Europe/Berlin", a large city or a country{hint})',
        )
        return ""

    def language(self, number: int, written: str, who: str) -> str:
        if (meant := self.given("language", written)) is not None:
            return meant
        code = language_code(written)
        if code in LANGUAGES:
            self.reading.saw(
                "language", written, code, "" if written.lower() == code else "by its name"
            )
            return code
        what = (
            f"{language_name(code)} ({code}), which is not one of the pages' languages"
            if code
            else "not a language Rota knows"
        )
        self.error(
            number,
            f"{who!r}: the language {written!r} is {what} ({', '.join(LANGUAGES)}): "
            "say which page language to use in " + say("language", written, "en"),
        )
        return ""

    def mode(self, written: str) -> str:
        meant = self.given("mode", written)
        if meant is None:
            meant = read_mode(written) or written  # `check_person` names a mode it cannot read
            self.reading.saw("mode", written, meant)
        return meant

    def keynotes(
        self, number: int, listed: str, marks: list[tuple[Column, str]], who: str
    ) -> list[str]:
        chosen: list[str] = []
        by_title = {squash(k.title): k.id for k in self.refs if k.title}
        for item in split_list(listed):
            chosen.append(by_title.get(squash(item), item))
        for column, value in marks:
            attends = yes_no(value)
            if attends is None:
                self.error(
                    number,
                    f"{who!r}: {value!r} under {column.header!r} is neither yes nor no "
                    "(write yes, x or 1 for those who attend; leave it empty otherwise)",
                )
                continue
            if value:
                self.reading.saw(
                    f"keynote:{column.keynote}",
                    value,
                    f"attends {column.keynote}" if attends else "does not attend",
                )
            if attends and column.keynote not in chosen:
                chosen.append(column.keynote)
        return chosen


def say(key: str, written: str, meant: str) -> str:
    """The `[roster]` line that says what a written value means, as messages suggest it."""
    return f'[roster] values = {{{key} = {{"{written}" = "{meant}"}}}}'


def _fits(written: str, name: str) -> bool:
    """One begins the other at a word's end: `team 1` fits `team 1 digital youth work`, not
    `team 10 …`."""
    if not written or not name or written == name:
        return False
    short, long = sorted((written, name), key=len)
    return long.startswith(short) and not long[len(short)].isalnum()
