"""Server-sent events for organisers' boards: the board's state whenever it changes, and the
journal (transitions, organiser actions, broadcasts) with the audit stream's ids, so a board
that reconnects with Last-Event-ID gets every entry it missed, then the current state."""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from typing import Any

from orchestrator.errors import StorageUnavailable
from orchestrator.event.live import Live
from orchestrator.event.meetings import Meetings
from orchestrator.event.service import Service
from orchestrator.metrics import Metrics
from orchestrator.presence.room_feed import JournalEntry, RoomFeed
from orchestrator.storage.auth_failures import FailedLogins, recent_failures
from orchestrator.storage.checkins import FLAGGED_KIND, CheckinStore
from orchestrator.storage.score_store import ScoreStore
from orchestrator.streams.page_streams import Client, stamped
from orchestrator.views.board_journal import current_run, fold_journal
from orchestrator.views.board_view import PresenceFeed, failed_login_alerts, snapshot
from orchestrator.views.scoring_view import scoring_panel

RECENT = 30  # journal lines a fresh board starts with (a burst of e-mails is one line)
FAILED_LOGINS_EVERY = 5  # looks (about a second each) between reads of the failed logins


def journal_lines(live: Live, entries: list[JournalEntry]) -> list[dict[str, Any]]:
    """The entries as the journal's lines, bursts folded into one (board_journal.fold_journal);
    a line's SSE id is its latest entry's, so a board that reconnects resumes after it."""
    return fold_journal(live, [(e.id, e.fields, e.at) for e in entries])


def _kind(entry: JournalEntry) -> str:
    return entry.fields.get("kind", "")


class BoardStreams:
    def __init__(
        self,
        service: Service,
        room_feed: RoomFeed,
        metrics: Metrics,
        feed_configured: bool,
        silence_seconds: float,
    ) -> None:
        self.service = service
        self.room_feed = room_feed
        self.metrics = metrics
        self.feed_configured = feed_configured
        self.silence_seconds = silence_seconds
        self.clients: weakref.WeakSet[Client] = weakref.WeakSet()
        self.delivery_failures = 0
        self.meetings: Meetings | None = None  # [bbb]: its problems are lines on the board
        self._last = ""
        self._wake = asyncio.Event()
        self.scored: set[tuple[str, str]] | None = None  # (juror, team); None: not read yet
        self.flagged: dict[tuple[str, str], set[str]] = {}  # check-ins not planned there
        self._flagged_read = False
        self.failed_logins: list[FailedLogins] = []  # read from Redis every few seconds
        room_feed.listeners.append(self._journal)
        room_feed.listeners.append(self._scores)
        room_feed.listeners.append(self._checkins)

    def state(self) -> dict[str, Any]:
        live = self.service.require_live()
        feed = PresenceFeed(
            self.feed_configured, self.room_feed.seconds_since_feed(), self.silence_seconds
        )
        now = live.event_now()
        state = snapshot(
            live,
            self.room_feed.occupancy(live),
            now,
            feed,
            self.delivery_failures,
            self.room_feed.marks(live),
            {k: len(people) for k, people in self.flagged.items()},
        )
        if live.programme.scoring is not None and self.scored is not None:
            panel = scoring_panel(live, self.scored, now)
            state["scoring"] = panel
            state["alerts"].extend(panel["alerts"])
        if self.meetings is not None:
            state["alerts"].extend(
                {"kind": "bbb", "severity": "critical", "message": text, "room": room}
                for room, text in sorted(self.meetings.problems.items())
            )
        state["ignored_events"] = self.room_feed.stored(live).ignored_json()
        state["alerts"].extend(failed_login_alerts((f.client, f.count) for f in self.failed_logins))
        return state

    async def load_failed_logins(self) -> None:
        """Who failed the organiser token lately (any process), for the alerts."""
        self.failed_logins = await recent_failures(self.room_feed.store)

    async def load_scores(self) -> None:
        """Who scored whom, read once; after that the audit stream's entries keep it."""
        if self.scored is None:
            stored = await ScoreStore(self.room_feed.store).scores()
            self.scored = {(s.juror, s.team) for s in stored}

    async def load_checkins(self) -> None:
        """The flagged door check-ins, read once; then the audit stream's entries keep them."""
        if not self._flagged_read:
            self._flagged_read = True
            for check in await CheckinStore(self.room_feed.store).flagged():
                self.flagged.setdefault((check.item, check.room), set()).add(check.participant)

    def _checkins(self, entries: list[JournalEntry]) -> None:
        for entry in entries:
            fields = entry.fields
            if self._flagged_read and fields.get("kind") == FLAGGED_KIND:
                key = (fields.get("item", ""), fields.get("room", ""))
                self.flagged.setdefault(key, set()).add(fields.get("participant", ""))

    def _scores(self, entries: list[JournalEntry]) -> None:
        if self.scored is None:
            return
        for entry in entries:
            if entry.fields.get("kind") == "score":
                self.scored.add((entry.fields["juror"], entry.fields["team"]))

    async def add(self, last_event_id: str) -> Client:
        """Missed journal entries first (from Redis), then the whole current state."""
        client = Client("board")
        self.room_feed.attach()
        try:
            await self.load_scores()
            await self.load_checkins()
            await self.load_failed_logins()
            await self.room_feed.poll()
            if last_event_id:
                missed = await self.room_feed.journal_since(last_event_id)
            else:
                missed = list(self.room_feed.journal)[-RECENT:]
        except BaseException:
            self.room_feed.detach()
            raise
        live = self.service.require_live()
        if not last_event_id:  # a fresh board: its bursts counted over all this process keeps
            missed = list(self.room_feed.journal)
        lines = journal_lines(live, current_run(missed, _kind))
        for line in lines[-RECENT if not last_event_id else -200 :]:
            client.send("log", json.dumps(line), line["last"])
        client.send("state", stamped(json.dumps(self.state())))
        self.clients.add(client)
        self.metrics.sse_clients.inc()
        return client

    def remove(self, client: Client) -> None:
        client.closed = True
        if client in self.clients:
            self.clients.discard(client)
            self.room_feed.detach()
            self.metrics.sse_clients.dec()

    def close_all(self) -> None:
        for client in list(self.clients):
            client.send("bye", "{}")
            client.closed = True

    def refresh(self) -> None:
        self._wake.set()

    def _journal(self, entries: list[JournalEntry]) -> None:
        """New entries: the lines they made or changed (a burst's line again, counted on)."""
        if not self.clients:
            return
        live = self.service.require_live()
        fresh = {e.id for e in entries}
        lines = journal_lines(live, current_run(list(self.room_feed.journal), _kind))
        changed = [(json.dumps(line), line["last"]) for line in lines if line["last"] in fresh]
        for client in list(self.clients):
            for body, last in changed:
                client.send("log", body, last)

    def _tick(self) -> None:
        if not self.clients:
            self._last = ""
            return
        state = self.state()
        key = json.dumps(state)
        if key != self._last:
            self._last = key
            body = stamped(key)  # the server's time rides along: boards count by its clock
            for client in list(self.clients):
                client.send("state", body)

    async def run(self) -> None:
        """Look again when woken (new events, clock, plan, transition) and at least every
        second, which also catches boundaries and the feed going silent."""
        looks = 0
        while True:
            self._wake.clear()
            if self.clients and looks % FAILED_LOGINS_EVERY == 0:
                with contextlib.suppress(StorageUnavailable):
                    await self.load_failed_logins()
            looks += 1
            self._tick()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)
