"""Make example events of any size: the bundled students' day and large synthetic ones."""

from __future__ import annotations

import csv
import io
import math
import random
import unicodedata
from dataclasses import dataclass

from schedules.roster import COLUMNS

COUNTRIES = {
    "BE": (
        "Europe/Brussels",
        "nl",  # Artevelde is in Ghent: Flemish
        "Artevelde University of Applied Sciences",
        ["Lotte", "Wout", "Amélie", "Jens", "Ines", "Milan", "Elise", "Lucas", "Noor", "Arne"],
        ["Peeters", "Janssens", "Maes", "Dubois", "Claes", "Wouters", "Lambert", "Goossens"],
    ),
    "DE": (
        "Europe/Berlin",
        "de",
        "DHBW Heidenheim",
        ["Lena", "Jonas", "Mia", "Felix", "Hannah", "Paul", "Lea", "Maximilian", "Emma", "Tim"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"],
    ),
    "FI": (
        "Europe/Helsinki",
        "fi",
        "Laurea University of Applied Sciences",
        ["Aino", "Eino", "Helmi", "Väinö", "Sofia", "Leo", "Ella", "Onni", "Venla", "Elias"],
        ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Koskinen"],
    ),
    "PT": (
        "Europe/Lisbon",
        "pt",
        "Polytechnic Institute of Porto",
        ["Beatriz", "João", "Inês", "Tiago", "Mariana", "Rui", "Catarina", "Diogo", "Ana"],
        ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Sousa"],
    ),
}
CITIES = ["Helsinki", "Lisbon", "Ghent", "Heidenheim", "Porto", "Tampere", "Brussels", "Ulm"]
PROJECTS = [
    "A chatbot for youth services",
    "Video counselling for rural families",
    "Peer support app for young carers",
    "Digital inclusion café for seniors",
    "Case notes that clients can read",
    "Online street work on gaming platforms",
    "Telepresence for home care",
    "A data dashboard for homeless services",
]


@dataclass(frozen=True)
class ExampleSpec:
    event_id: str = "example"
    title: str = "Example event"
    date: str = "2025-03-27"
    start: str = "09:00"
    timezone: str = "Europe/Berlin"
    teams: int = 8
    audience: int = 60
    jury: int = 6
    presenters_per_team: int = 4
    rounds: int = 6
    round_minutes: int = 30
    keynotes: tuple[str, ...] = ("10:00", "11:00")
    keynote_minutes: int = 45
    keynote_share: float = 1 / 3
    preference_share: float = 0.5
    seats_factor: float = 1.5  # room capacity relative to an even split of the audience
    seed: int = 2025


def _name(rng: random.Random, country: str) -> str:
    first, last = COUNTRIES[country][3], COUNTRIES[country][4]
    return f"{rng.choice(first)} {rng.choice(last)}"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum())[:12] or "p"


def generate(spec: ExampleSpec) -> tuple[str, str]:
    """Return (programme TOML, roster CSV) for the spec; the same spec gives the same files."""
    rng = random.Random(spec.seed)
    countries = list(COUNTRIES)
    capacity = max(4, math.ceil(spec.audience / spec.teams * spec.seats_factor))
    jury_per_team = 2 if spec.jury * spec.rounds >= 2 * spec.teams else 0
    out = io.StringIO()
    out.write(f'''[event]
id = "{spec.event_id}"
title = "{spec.title}"
timezone = "{spec.timezone}"
language = "en"
roster = "roster.csv"            # relative to this file

[rotation]
start = "{spec.date}T{spec.start}"       # local time in event.timezone
round_minutes = {spec.round_minutes}
rounds = {spec.rounds}
changeover_minutes = 0
min_audience = 2                 # per team per round
jury_per_team = {jury_per_team}                # jury members who must see each team at least once

[jitsi]
domain = "meet.jit.si"
''')
    for i in range(1, spec.teams + 1):
        out.write(f'\n[[rooms]]\nid = "r{i}"\nname = "Room {i}"\ncapacity = {capacity}\n')
    out.write(
        f'\n[[rooms]]\nid = "keynote"\nname = "Keynote hall"\ncapacity = {max(50, spec.audience)}\n'
    )
    team_names = []
    for i in range(1, spec.teams + 1):
        city = CITIES[(i - 1) % len(CITIES)]
        name = f"Team {city}" if spec.teams <= len(CITIES) else f"Team {city} {i}"
        team_names.append(name)
        project = PROJECTS[(i - 1) % len(PROJECTS)]
        out.write(
            f'\n[[teams]]\nid = "t{i}"\nname = "{name}"\nproject = "{project}"\nroom = "r{i}"\n'
        )
    speakers = ["Nika Mendelev", "Jussi Rantanen", "Marta Alves", "Pieter Claes"]
    titles = [
        "Entrepreneurial thinking in digital social work",
        "Ethics of algorithms in child protection",
        "Digital outreach that works",
        "Data protection for practitioners",
    ]
    for i, at in enumerate(spec.keynotes, start=1):
        out.write(
            f'\n[[keynotes]]\nid = "k{i}"\ntitle = "{titles[(i - 1) % 4]}"\n'
            f'speaker = "{speakers[(i - 1) % 4]}"\nstart = "{spec.date}T{at}"\n'
            f'minutes = {spec.keynote_minutes}\nroom = "keynote"\nthreshold = 0.75\n'
        )

    roster = io.StringIO()
    writer = csv.writer(roster, lineterminator="\n")
    writer.writerow([c for c in COLUMNS if c != "ntfy"])
    used: set[str] = set()

    def person(
        role: str,
        country: str,
        team: str = "",
        prefs: str = "",
        keys: str = "",
        unavailable: str = "",
    ) -> None:
        name = _name(rng, country)
        base = _slug(name.split()[0]) + "-" + _slug(name.split()[-1])
        pid, n = base, 1
        while pid in used:
            n += 1
            pid = f"{base}{n}"
        used.add(pid)
        tz, language, institution = COUNTRIES[country][:3]
        writer.writerow(
            [
                pid,
                name,
                f"{pid}@example.org",
                role,
                team,
                institution,
                country,
                tz,
                language,
                prefs,
                keys,
                unavailable,
            ]
        )

    for i in range(1, spec.teams + 1):
        for j in range(spec.presenters_per_team):
            person("presenter", countries[(i + j) % len(countries)], team=f"t{i}")
    for j in range(spec.jury):
        person("jury", countries[j % len(countries)])
    keynote_ids = [f"k{i}" for i in range(1, len(spec.keynotes) + 1)]
    for j in range(spec.audience):
        country = countries[j % len(countries)]
        prefs = ""
        if rng.random() < spec.preference_share:
            k = rng.randint(1, min(3, spec.teams))
            prefs = " ".join(f"t{t}" for t in rng.sample(range(1, spec.teams + 1), k))
        keys = ""
        if keynote_ids and rng.random() < spec.keynote_share * len(keynote_ids):
            keys = keynote_ids[j % len(keynote_ids)]
        unavailable = ""
        if rng.random() < 0.05:
            unavailable = str(rng.randint(1, spec.rounds))
        person("audience", country, prefs=prefs, keys=keys, unavailable=unavailable)
    for j in range(2):
        person("organiser", countries[j + 1])
    return out.getvalue(), roster.getvalue()
