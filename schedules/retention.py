"""[privacy]: who is responsible for the participants' data, why it is kept, and how long
after the event's end (then the leader purges it, orchestrator/privacy/purge.py). Pure: read from
the programme's checked section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from schedules.message_sections import mail_address_problem
from schedules.model import Programme
from schedules.record_sections import PRIVACY
from schedules.schema import Context, validate


@dataclass(frozen=True)
class PrivacyPolicy:
    controller: str
    contact: str
    purpose: str
    retention_days: int

    @property
    def contact_href(self) -> str:
        """The contact as a link: mailto: for an e-mail address, else the web page."""
        return self.contact if mail_address_problem(self.contact) else f"mailto:{self.contact}"

    def purge_at(self, event_end: datetime) -> datetime:
        return event_end + timedelta(days=self.retention_days)


def privacy_policy(programme: Programme) -> PrivacyPolicy | None:
    """The programme's [privacy], or None when it has none (`rota check` refuses a wrong
    one, so a wrong one is never served)."""
    section = programme.sections.get("privacy")
    if section is None:
        return None
    values, problems = validate(PRIVACY, section, Context())
    if problems:
        return None
    return PrivacyPolicy(
        controller=values["controller"].strip(),
        contact=values["contact"].strip(),
        purpose=values["purpose"].strip(),
        retention_days=values["retention_days"],
    )
