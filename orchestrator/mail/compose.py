"""One e-mail for one person, in their language, with times in their own zone (zone named):
plain text and HTML (everything people typed is escaped), and their agenda as an .ics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any, Literal

import jinja2
from babel.dates import format_date

from orchestrator.event.links_table import personal_urls
from orchestrator.event.live import Live
from orchestrator.language.i18n import babel_locale, translator
from orchestrator.mail.config import MailConfig
from schedules.campus import campus_address
from schedules.exports import agenda_ics
from schedules.model import Participant
from schedules.text import clean

Kind = Literal["invitation", "reminder", "changed"]

_HTML = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
<p>{{ hello }}</p>
<p>{{ intro }}</p>
{% if first %}<p><strong>{{ first }}</strong></p>{% endif %}
<p>{{ link_words }}<br><a href="{{ link }}">{{ link }}</a></p>
<p>{{ page_words }} <a href="{{ page }}">{{ page }}</a><br>{{ page_does }}</p>
{% if rooms %}<p>{{ rooms_words }}</p><ul>{% for name, url in rooms %}
<li>{{ name }}: <a href="{{ url }}">{{ url }}</a></li>{% endfor %}</ul>{% endif %}
{% if sign_in %}<p><strong>{{ sign_in }}</strong></p>{% endif %}
<p>{{ agenda_words }}</p>
<p>{{ private }}</p>
<p>{{ contact }}</p>
<p><small>{{ privacy_words }} <a href="{{ privacy }}">{{ privacy }}</a></small></p>
<p>{{ regards }}<br>{{ event }}</p>
</body></html>
"""
)


@dataclass(frozen=True)
class First:
    place: str
    date: str
    time: str
    zone: str


def first_item(live: Live, person: Participant, language: str) -> First | None:
    """Their first place and its date and time in their own zone (at live times)."""
    day = live.days.get(person.id, [])
    if not day:
        return None
    place = day[0]
    tz = live.programme.tz_of(person)
    local = place.start.astimezone(tz)
    name = live.programme.room_name(place.room)
    if address := campus_address(live.programme, person, place.room):
        name = f"{name}, {address}"
    if place.kind == "keynote":
        keynote = live.programme.keynote_by_id.get(place.keynote)
        name = f"{keynote.title_in(language)} ({name})" if keynote else name
    else:
        team = live.programme.team_by_id.get(place.team)
        name = f"{name} — {team.name}" if team else name
    return First(
        name,
        format_date(local.date(), "long", locale=babel_locale(language)),
        f"{local:%H:%M}",
        tz.key,
    )


def linked_rooms(live: Live, participant: str) -> list[tuple[str, str]]:
    """The person's rooms on other platforms (name, link), in the order of their day."""
    found: dict[str, str] = {}
    for place in live.days.get(participant, []):
        link = live.declared_link(place.room)
        if link:
            found.setdefault(live.programme.room_name(place.room), link)
    return list(found.items())


NAME_IN_HEADER = 200  # characters of a name in To: (a header line has a limit; the body has all)


def header_text(text: str, limit: int = 998) -> str:
    """Text safe in a mail header whatever people typed: no line break or control character
    (they would end the header or be refused), no bidirectional override, one line, bounded."""
    return " ".join(clean(text).split())[:limit]


def sign_in_words(live: Live, person: Participant, language: str) -> str:
    """A presenter whose room is on public meet.jit.si must sign in there to start it."""
    team = live.programme.team_by_id.get(person.team)
    if person.role != "presenter" or team is None or not live.needs_sign_in(team.room):
        return ""
    return translator(language)("sign_in")


def _rooms_text(words: dict[str, Any]) -> str:
    return "\n".join([words["rooms_words"], *(f"{name}: {url}" for name, url in words["rooms"])])


def compose(
    kind: Kind,
    live: Live,
    person: Participant,
    base_url: str,
    config: MailConfig,
    now: datetime,
) -> EmailMessage:
    language = live.programme.language_of(person)
    t = translator(language)
    event = live.programme.event.title
    link, page, _ = personal_urls(base_url, live.token_of[person.id])
    first = first_item(live, person, language)
    first_words = t("mail_first", **first.__dict__) if first else ""
    if kind == "invitation":
        subject = t("mail_invite_subject", event=event)
        intro = t("mail_invite_intro", event=event)
    elif kind == "reminder":
        subject = t(
            "mail_reminder_subject",
            event=event,
            time=first.time if first else "",
            zone=first.zone if first else "",
        )
        intro = t("mail_reminder_intro", event=event)
    else:
        subject = t("mail_changed_subject", event=event)
        intro = t("mail_changed_intro", event=event)
    words: dict[str, Any] = {
        "hello": t("mail_hello", name=clean(person.name)),
        "intro": intro,
        "first": first_words,
        "link_words": t("mail_link"),
        "link": link,
        "page_words": t("mail_page"),
        "page": page,
        "page_does": t("mail_page_does"),
        "rooms_words": t("mail_rooms"),
        "rooms": linked_rooms(live, person.id),
        "sign_in": sign_in_words(live, person, language),
        "agenda_words": t("mail_agenda"),
        "private": t("mail_private"),
        "contact": t("mail_contact", contact=config.contact),
        "privacy_words": t("mail_privacy"),
        "privacy": f"{page}/privacy",
        "regards": t("mail_regards"),
    }
    text = "\n\n".join(
        [
            words["hello"],
            words["intro"],
            *([first_words] if first_words else []),
            f"{words['link_words']}\n{link}",
            f"{words['page_words']} {page}\n{words['page_does']}",
            *([_rooms_text(words)] if words["rooms"] else []),
            *([words["sign_in"]] if words["sign_in"] else []),
            words["agenda_words"],
            words["private"],
            words["contact"],
            f"{words['privacy_words']} {words['privacy']}",
            f"{words['regards']}\n{event}",
        ]
    )
    message = EmailMessage()
    message["Subject"] = header_text(subject)
    message["From"] = config.sender
    message["To"] = formataddr((header_text(person.name, NAME_IN_HEADER), person.email))
    if config.reply_to:
        message["Reply-To"] = config.reply_to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("rota", domain=config.domain)
    message.set_content(text + "\n")
    message.add_alternative(
        _HTML.render(lang=language, subject=subject, event=event, **words), subtype="html"
    )
    message.add_attachment(
        agenda_ics(live.programme, live.plan, person.id, link, t=t),
        maintype="text",
        subtype="calendar",
        filename=f"{live.programme.event.id}.ics",
        params={"method": "PUBLISH", "charset": "utf-8"},  # else read as ASCII
    )
    message["Content-Language"] = language  # after the content: set_content clears Content-*
    return message
