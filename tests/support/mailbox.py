"""A real SMTP server on loopback for the e-mail tests: aiosmtpd with STARTTLS required, its
certificate issued in the test by a throwaway CA (trustme), refusing chosen recipients."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import ssl
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import trustme
from aiosmtpd.controller import Controller

from orchestrator.appkeys import SERVICE
from orchestrator.language.i18n import translator
from tests.support.app import AUTH, Running, free_port
from tests.support.clock import eventually


@dataclass
class Inbox:
    port: int
    ca_file: Path
    refuse: set[str] = field(default_factory=set)
    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            found = list(self.received)
        return [email.message_from_bytes(raw, policy=email.policy.default) for _, raw in found]

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def section(self, **extra: object) -> str:
        values = {
            "host": '"127.0.0.1"',
            "port": str(self.port),
            "security": '"starttls"',
            "from": '"Rota at the BIP <rota@example.org>"',
            "reply_to": '"organisers@example.org"',
            "per_second": "500",
            "ca_file": f'"{self.ca_file}"',
        }
        values.update({k: str(v) for k, v in extra.items()})
        return "[mail]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())


def mail_server(folder: Path) -> Iterator[Inbox]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = folder / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    inbox = Inbox(free_port(), ca_file)
    controller = Controller(
        inbox, hostname="127.0.0.1", port=inbox.port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def body_text(message: EmailMessage, subtype: str = "plain") -> str:
    """The message's plain (or `subtype`) body."""
    part = message.get_body((subtype,))
    assert part is not None
    return str(part.get_content())


ROTA = str(Path(sys.executable).parent / "rota")
FAST = {"mail_backoff_scale": 0.01, "lease_seconds": 1.0}


async def rota(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        ROTA,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "ROTA_MAIL_BACKOFF_SCALE": "0.01"},
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def invite(programme: Path, base_url: str, data: Path, *extra: str) -> tuple[int, str, str]:
    return await rota(
        "invite", str(programme), "--base-url", base_url, "--data-dir", str(data), *extra
    )


async def mail_marker(running: Running, inbox: Inbox) -> EmailMessage:
    """The positive marker to wait for before asserting that nothing else was mailed: one
    more invitation, queued now, arrived. A service's mail queue is first in, first out and
    taken by one worker (orchestrator/mail/worker.py), so whatever was queued before it has
    been sent or skipped by the time it arrives. It goes to the last person with an address:
    mail queued in bulk is queued in the roster's order, so a stray copy for that person
    (which would pass for the marker) arrives after all the others."""
    live = running.app[SERVICE].require_live()
    person = [p for p in live.programme.participants if p.email][-1]
    t = translator(live.programme.language_of(person))
    subject = t("mail_invite_subject", event=live.programme.event.title)
    before = inbox.count()
    async with httpx.AsyncClient(base_url=running.base_url, headers=AUTH) as api:
        queued = await api.post("/api/v1/invitations", json={"only": [person.id], "resend": True})
    assert queued.status_code == 202, queued.text

    def arrived() -> EmailMessage | None:
        return next(
            (
                m
                for m in inbox.messages()[before:]
                if m["To"].addresses[0].addr_spec == person.email
                # (a long subject is folded after "Subject:": it reads back with a space)
                and m["Subject"].strip() == subject
            ),
            None,
        )

    found: EmailMessage = await eventually(arrived, seconds=30)
    return found


def ids(messages: list[EmailMessage]) -> list[str]:
    """What tells messages apart (parsed twice, one message is two equal-looking objects)."""
    return [str(m["Message-ID"]) for m in messages]
