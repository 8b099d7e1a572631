"""The short vocabularies of roster cells, in the words people use in the six page languages:
a yes or no mark, a mode (on site or online), a role (`Lecturer`, `Student`, `Jury` …). Pure:
each function answers for one value."""

from __future__ import annotations

from typing import Literal

from schedules.words import norm

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
