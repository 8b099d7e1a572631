"""The invitation as people will get it, before anyone gets it: one preview per language the
participants read (composed by mail/compose.py, exactly what `rota invite` sends), and a
test mail of it to the organisers' own address, outside the mail records (nobody is marked
invited by it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from orchestrator.event.live import Live
from orchestrator.mail.compose import compose
from orchestrator.mail.config import MailConfig
from orchestrator.mail.records import MailRecords
from orchestrator.mail.sender import MailSender
from orchestrator.storage.store import Store


@dataclass(frozen=True)
class Preview:
    language: str
    person: str  # whose invitation is shown (their name)
    subject: str
    text: str


def previews(live: Live, base_url: str, config: MailConfig) -> list[Preview]:
    found: list[Preview] = []
    done: set[str] = set()
    people = sorted(live.programme.participants, key=lambda p: p.name.casefold())
    for person in people:
        language = live.programme.language_of(person)
        if not person.email or person.id not in live.token_of or language in done:
            continue
        done.add(language)
        message = compose("invitation", live, person, base_url, config, datetime.now(UTC))
        body = message.get_body(("plain",))
        text = str(body.get_content()) if body is not None else ""
        found.append(Preview(language, person.name, str(message["Subject"]), text))
    return sorted(found, key=lambda p: p.language)


async def test_mail(live: Live, store: Store, base_url: str, config: MailConfig) -> str:
    """The first invitation, sent to the organisers' address with "[test]" before its
    subject; "" when the server took it, else why not."""
    person = next(
        (p for p in live.programme.participants if p.email and p.id in live.token_of), None
    )
    if person is None:
        return "nobody in the list has an e-mail address"
    message = compose("invitation", live, person, base_url, config, datetime.now(UTC))
    subject = str(message["Subject"])
    del message["To"], message["Subject"]
    message["To"] = config.contact
    message["Subject"] = f"[test] {subject}"
    return await MailSender(config, MailRecords(store)).send_one(message)
