"""Each person's day as the setup shows and exports it: their agenda (schedules/agenda.py) in
their own time zone, written by the participant page's own formatter (views/page_view.py's
`Words`: Babel's times in a language), the zone named. On the plan step it is in the person's
language, as their page will be; in the exports, in the organiser's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel import Locale

from orchestrator.language.i18n import babel_locale, resolve, translator
from orchestrator.views.page_view import Words, agenda_what
from schedules.agenda import AgendaItem, agenda
from schedules.model import Participant, Programme
from schedules.plan import Plan


@dataclass(frozen=True)
class Line:
    when: str  # "11:00–11:30" in the person's zone (a date added when it is another day)
    what: str  # "Round 1: Team Lisbon", "Keynote: …"
    where: str  # the room (on campus, with its place)
    project: str


def words_for(programme: Programme, person: Participant, language: str = "") -> Words:
    """The person's zone; `language` or else theirs; "today" is the event's first day for
    them, so a date is only written for a moment on another day."""
    zone = programme.tz_of(person)
    return Words(
        resolve(language or programme.language_of(person)),
        zone,
        programme.event.tz,
        programme.starts.astimezone(zone).date(),
    )


def lines_of(items: list[AgendaItem], words: Words, *, for_organiser: bool = False) -> list[Line]:
    """The agenda's lines; `for_organiser`: a presenter's rounds say "Team X presents", not
    the person's own "You present in …"."""
    t = translator(words.language)

    def what(item: AgendaItem) -> str:
        if for_organiser and item.kind == "presenting":
            return f"{t('round', n=item.round)}: {t('setup_presents', team=item.team_name)}"
        return agenda_what(item, t)

    return [Line(words.span(i.start, i.end), what(i), i.where, i.project) for i in items]


def language_name(language: str, shown_in: str) -> str:
    """ "Finnish" / "Finnisch": a language's name in the reader's language."""
    name = Locale.parse(babel_locale(shown_in)).languages.get(language)
    return str(name) if name else language


def plan_step(programme: Programme, plan: Plan, chosen: str, page_language: str) -> dict[str, Any]:
    """The plan step's person chooser and the chosen person's day, in their zone and language
    (nobody chosen yet, or someone unknown: the first person)."""
    people = sorted(programme.participants, key=lambda p: (p.name.casefold(), p.id))
    ids = {p.id for p in people}
    pick = chosen if chosen in ids else (people[0].id if people else "")
    shown: dict[str, Any] = {"choices": [(p.id, p.name) for p in people], "chosen": pick}
    if pick:
        person = programme.participant_by_id[pick]
        words = words_for(programme, person)
        shown["lines"] = lines_of(agenda(programme, plan, pick), words)
        shown["language"] = words.language
        shown["of"] = translator(page_language)(
            "setup_agenda_of",
            name=person.name,
            zone=words.zone.key,
            language=language_name(words.language, page_language),
        )
    return shown
