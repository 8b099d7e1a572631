"""Which invitations carry an address the real day cannot use. Each mail record keeps the
public address its links were built on and whether a rehearsal was running; an invitation
sent during a rehearsal or with a loopback address (`http://127.0.0.1:8080`) opens nothing
for people elsewhere, yet "nobody is mailed twice" would skip them on the real day. Those are
sent again by themselves once a public address is used; those that carry another public
address (the service moved) only when asked (`rota invite --resend-outdated`)."""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from orchestrator.storage.mail_store import Record
from schedules.schema import plural


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_url(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname or "")


@dataclass(frozen=True)
class Outdated:
    """Sent invitations whose links are not built on `base_url`, by participant id."""

    base_url: str
    rehearsal: dict[str, Record] = field(default_factory=dict)  # a rehearsal's or loopback
    moved: dict[str, Record] = field(default_factory=dict)  # another public address

    @property
    def resent_by_itself(self) -> set[str]:
        """A rehearsal's invitations, once the address used is one people can reach."""
        return set() if loopback_url(self.base_url) else set(self.rehearsal)

    def resend(self, asked: bool) -> set[str]:
        return self.resent_by_itself | (set(self.moved) if asked else set())

    def lines(self, asked: bool) -> list[str]:
        """What `rota invite` says before sending."""
        said = []
        if self.rehearsal:
            which = _carried(self.rehearsal.values())
            if self.resent_by_itself:
                said.append(
                    f"{plural(len(self.rehearsal), 'invitation')} went out during a rehearsal "
                    f"or with a loopback address ({which}): their links do not work for "
                    f"people elsewhere, so they are sent again with {self.base_url}"
                )
            else:
                said.append(
                    f"{plural(len(self.rehearsal), 'invitation')} {_carry(self.rehearsal)} a "
                    f"rehearsal or loopback address ({which}); {self.base_url} is one too, so "
                    "they stay as they are: for the real day run `rota invite` with "
                    "--base-url set to the public address, which sends them again by itself"
                )
        if self.moved:
            which = _carried(self.moved.values())
            if asked:
                said.append(
                    f"{plural(len(self.moved), 'invitation')} {_carry(self.moved)} another "
                    f"address ({which}): "
                    f"sent again with {self.base_url} (--resend-outdated)"
                )
            else:
                said.append(
                    f"{plural(len(self.moved), 'invitation')} {_carry(self.moved)} another "
                    f"address ({which}), "
                    f"not {self.base_url}: add --resend-outdated to send them again"
                )
        return said


def outdated(records: Iterable[Record], base_url: str) -> Outdated:
    """Sent invitations built on another address than `base_url`. Records from before
    addresses were kept say nothing (left alone)."""
    found = Outdated(base_url)
    for record in records:
        if record.kind != "invitation" or record.status != "sent" or not record.base_url:
            continue
        if record.base_url == base_url:
            continue
        if record.rehearsal or loopback_url(record.base_url):
            found.rehearsal[record.participant] = record
        else:
            found.moved[record.participant] = record
    return found


def _carry(records: dict[str, Record]) -> str:
    return "carries" if len(records) == 1 else "carry"


def _carried(records: Iterable[Record]) -> str:
    counts = Counter(r.base_url for r in records)
    shown = [address for address, _ in counts.most_common(2)]
    more = len(counts) - len(shown)
    return ", ".join(shown) + (f" and {plural(more, 'other')}" if more else "")
