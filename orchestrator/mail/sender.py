"""Sending: one SMTP connection reused, at most `per_second` messages a second, transient
failures retried with back-off, a refused recipient failed at once while the others go out.
A message is recorded as sent only when the server accepted it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from orchestrator.mail.config import MailConfig
from orchestrator.mail.records import MailRecords
from schedules.model import Participant

log = logging.getLogger(__name__)
BACKOFF = (1.0, 5.0, 30.0)  # seconds before attempt 2, 3, 4


@dataclass(frozen=True)
class Job:
    kind: str  # record kind: "invitation", "reminder-15@<run>", "changed-v3"
    person: Participant
    build: Callable[[], EmailMessage]
    base_url: str = ""  # what the message's links are built on, kept in its record
    rehearsal: bool = False  # built while a rehearsal runs
    resend: bool = False  # send even if sent before (an invitation with a rehearsal's links)


@dataclass(frozen=True)
class Outcome:
    participant: str
    kind: str
    status: str  # sent | failed | skipped (already sent) | no-address
    message_id: str = ""
    error: str = ""


class Permanent(Exception):
    """The server refused this message for good (a 5xx): retrying cannot help."""


class MailSender:
    def __init__(
        self, config: MailConfig, records: MailRecords, backoff_scale: float = 1.0
    ) -> None:
        self.config = config
        self.records = records
        self.backoff = tuple(b * backoff_scale for b in BACKOFF)
        self._smtp: aiosmtplib.SMTP | None = None
        self._last = 0.0
        self._unreachable = ""  # once the server cannot be reached after every retry

    async def close(self) -> None:
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError):
                smtp.close()

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        config = self.config
        smtp = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            use_tls=config.security == "tls",
            start_tls=config.security == "starttls",
            tls_context=config.tls_context() if config.security != "none" else None,
            username=config.username or None,
            password=config.password.reveal() or None,
            timeout=config.timeout,
        )
        await smtp.connect()
        self._smtp = smtp
        return smtp

    async def _pace(self) -> None:
        gap = 1.0 / self.config.per_second - (time.monotonic() - self._last)
        if gap > 0:
            await asyncio.sleep(gap)
        self._last = time.monotonic()

    async def _send_once(self, message: EmailMessage) -> None:
        try:
            smtp = await self._connected()
            await self._pace()
            await smtp.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refusal = exc.recipients[0] if exc.recipients else None
            if refusal is not None and refusal.code >= 500:
                raise Permanent(
                    f"refused by the server: {refusal.code} {refusal.message}"
                ) from None
            raise
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500 and not isinstance(exc, aiosmtplib.SMTPServerDisconnected):
                raise Permanent(f"refused by the server: {exc.code} {exc.message}") from None
            await self.close()
            raise

    async def send_one(self, message: EmailMessage) -> str:
        """One message outside the records, once (the setup's test mail to the organisers):
        "" when the server took it, else why not, in words."""
        try:
            await self._send_once(message)
        except Permanent as exc:
            return str(exc)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return _describe(exc, self.config)
        finally:
            await self.close()
        return ""

    async def deliver(self, jobs: Iterable[Job], resend: bool = False) -> list[Outcome]:
        outcomes = []
        for job in jobs:
            outcomes.append(await self._deliver(job, resend))
        return outcomes

    async def _deliver(self, job: Job, resend: bool) -> Outcome:
        pid = job.person.id
        if not job.person.email:
            return Outcome(pid, job.kind, "no-address", error="no e-mail address in the roster")
        if not await self.records.claim(job.kind, pid, resend or job.resend):
            return Outcome(pid, job.kind, "skipped")
        try:
            message = job.build()
        except (ValueError, TypeError, KeyError) as exc:  # one bad record stops nobody else
            error = f"cannot build the message: {exc}"[:300]
            await self.records.finish(job.kind, pid, "failed", "", error, 0)
            return Outcome(pid, job.kind, "failed", error=error)
        message_id = str(message["Message-ID"])
        error = self._unreachable
        attempts = 0
        while not self._unreachable:
            attempts += 1
            try:
                await self._send_once(message)
            except Permanent as exc:
                error = str(exc)
                break
            except (aiosmtplib.SMTPException, OSError) as exc:
                await self.close()
                error = _describe(exc, self.config)
                if attempts > len(self.backoff):
                    if not isinstance(exc, aiosmtplib.SMTPResponseException):
                        self._unreachable = error  # the rest fail at once, no more waiting
                    break
                await asyncio.sleep(self.backoff[attempts - 1])
            else:
                await self.records.finish(
                    job.kind, pid, "sent", message_id, "", attempts, job.base_url, job.rehearsal
                )
                return Outcome(pid, job.kind, "sent", message_id)
        await self.records.finish(
            job.kind, pid, "failed", message_id, error, attempts, job.base_url, job.rehearsal
        )
        return Outcome(pid, job.kind, "failed", message_id, error)


def _describe(exc: Exception, config: MailConfig) -> str:
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"the server answered {exc.code} {exc.message}"
    reason = str(exc) or type(exc).__name__
    return f"cannot reach the mail server {config.host}:{config.port}: {reason}"
