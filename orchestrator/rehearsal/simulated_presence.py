"""Simulated presence for rehearsals (`rota demo`, `rota serve --simulate-presence`): people
join and leave the video rooms roughly as planned, and the service hears about it through
its own front door — signed JaaS webhooks over HTTP — so the board, the presenter pages and
the attendance reports can be rehearsed without a single real participant.

The crowd is believable, not perfect: most people arrive within a few minutes of the start,
some never come, a few sit in the wrong room, and one team is late for round 2, so the board
has something to warn about. Everything is decided by a seeded hash: the same rehearsal
plays the same way in every process (duplicates are dropped by the webhook's key)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from orchestrator.event.live import Live
from orchestrator.event.service import Service
from orchestrator.presence.sources import CONFIRM_AFTER, reports_presence
from orchestrator.rehearsal.seeded import chance
from orchestrator.rehearsal.simulated_jury import Judgement, judgements
from rooms.webhooks import jaas_signature

log = logging.getLogger(__name__)
SIMULATED_APP = "vpaas-magic-cookie-rehearsal"


@dataclass(frozen=True)
class Visit:
    person: str
    room: str  # Rota's room id
    start: datetime  # event time
    end: datetime
    key: str


def visits(live: Live, seed: int = 0) -> list[Visit]:
    """Who will be where, by the current plan and clock."""
    found: list[Visit] = []
    rooms = [r.id for r in live.programme.rooms]
    late_team = live.plan.teams[0].id if live.plan.teams else ""
    for person in live.programme.participants:
        for place in live.days.get(person.id, []):
            length = place.end - place.start
            what = place.keynote or f"r{place.round}"
            presenter = place.kind == "room" and live.plan.team_of(person.id) is not None
            if presenter:
                late = place.round == 2 and place.team == late_team
                arrive = timedelta(minutes=6 if late else 0.5 * chance(seed, person.id, what))
                room = place.room
            else:
                if chance(seed, person.id, what, "absent") < 0.08:
                    continue
                arrive = timedelta(minutes=4 * chance(seed, person.id, what, "arrive"))
                room = place.room
                if place.kind == "room" and chance(seed, person.id, what, "lost") < 0.04:
                    room = rooms[int(chance(seed, person.id, what, "where") * len(rooms))]
            leave = length - timedelta(minutes=1.5 * chance(seed, person.id, what, "leave"))
            found.append(Visit(person.id, room, place.start + arrive, place.start + leave, what))
    return found


def webhook(live: Live, visit: Visit, kind: str, at: datetime) -> dict[str, Any]:
    person = live.programme.participant_by_id[visit.person]
    run = live.clock.anchor_wall.timestamp()  # each rehearsal run has its own connections
    connection = hashlib.sha256(f"{visit.person}|{visit.key}|{run}".encode()).hexdigest()[:12]
    data = {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "participantId": connection,
        "participantJid": f"{connection}@rehearsal",
    }
    if kind == "PARTICIPANT_LEFT":
        data["disconnectReason"] = "left"
    return {
        "idempotencyKey": f"rehearsal-{kind}-{connection}",
        "customerId": "rehearsal",
        "appId": SIMULATED_APP,
        "eventType": kind,
        "sessionId": f"rehearsal-{visit.room}",
        "timestamp": int(live.clock.wall_time(at).timestamp() * 1000),
        "fqn": f"{SIMULATED_APP}/{live.room_names[visit.room]}",
        "data": data,
    }


def due(
    live: Live, after: datetime, until: datetime, seed: int = 0, planned: list[Visit] | None = None
) -> list[dict[str, Any]]:
    """The webhooks whose moment (event time) lies in (after, until], in time order;
    `planned` is `visits(live, seed)` when the caller already has it."""
    found: list[tuple[datetime, dict[str, Any]]] = []
    for visit in visits(live, seed) if planned is None else planned:
        if not reports_presence(live, visit.room):
            continue  # a plain link reports nobody: see `link_steps`
        for kind, at in (("PARTICIPANT_JOINED", visit.start), ("PARTICIPANT_LEFT", visit.end)):
            if after < at <= until:
                found.append((at, webhook(live, visit, kind, at)))
    return [body for _, body in sorted(found, key=lambda pair: pair[0])]


CONFIRMING = 0.75  # the share of people in a link room who press "I'm here"


def link_steps(
    live: Live, after: datetime, until: datetime, seed: int = 0, planned: list[Visit] | None = None
) -> list[tuple[str, str]]:
    """What people in rooms on plain links do in (after, until], in time order: follow their
    link (`/go`: presence "sent") on arriving, and most press "I'm here" a minute later
    (`here`: "confirmed"). As (path, token) pairs."""
    found: list[tuple[datetime, tuple[str, str]]] = []
    for visit in visits(live, seed) if planned is None else planned:
        token = live.token_of.get(visit.person)
        if token is None or reports_presence(live, visit.room):
            continue
        planned_place = live.stay(visit.person, visit.start).now
        if planned_place is None or planned_place.room != visit.room:
            continue  # lost in someone else's room: their link would not take them there
        confirm = visit.start + CONFIRM_AFTER
        steps = [(visit.start, ("go", token))]
        if chance(seed, visit.person, visit.key, "confirm") < CONFIRMING and confirm < visit.end:
            steps.append((confirm, ("here", token)))
        found.extend((at, step) for at, step in steps if after < at <= until)
    return [step for _, step in sorted(found, key=lambda pair: pair[0])]


class SimulatedPresence:
    def __init__(self, service: Service, base_url: str, secret: str, seed: int = 0) -> None:
        self.service = service
        self.base_url = base_url
        self.url = f"{base_url}/webhooks/jaas"
        self.secret = secret
        self.seed = seed

    async def run(self) -> None:
        live = self.service.require_live()
        # people already in their rooms when the rehearsal is opened count too
        last = live.event_now() - timedelta(hours=1)
        planned: tuple[Live, list[Visit]] | None = None  # visits change only with Live
        judged: tuple[Live, list[Judgement]] | None = None
        async with httpx.AsyncClient(timeout=httpx.Timeout(5.0)) as client:
            while True:
                live = self.service.require_live()
                if planned is None or planned[0] is not live:
                    planned = (live, visits(live, self.seed))
                if judged is None or judged[0] is not live:
                    judged = (live, judgements(live, self.seed))
                now = live.event_now()
                for body in due(live, last, now, self.seed, planned[1]):
                    raw = json.dumps(body, separators=(",", ":")).encode()
                    stamp = int(datetime.now().timestamp())
                    try:
                        await client.post(
                            self.url,
                            content=raw,
                            headers={
                                "Content-Type": "application/json",
                                "X-Jaas-Signature": jaas_signature(self.secret, raw, stamp),
                            },
                        )
                    except httpx.HTTPError as exc:
                        log.debug("simulated webhook not delivered: %s", exc)
                await self.follow_links(client, link_steps(live, last, now, self.seed, planned[1]))
                await self.judge(client, live, [j for j in judged[1] if last < j.at <= now])
                last = now
                await asyncio.sleep(0.5)

    async def follow_links(self, client: httpx.AsyncClient, steps: list[tuple[str, str]]) -> None:
        """People in link rooms, through their own front doors: `/go` and "I'm here"."""
        for path, token in steps:
            try:
                if path == "go":
                    await client.get(f"{self.base_url}/go/{token}", follow_redirects=False)
                else:
                    await client.post(f"{self.base_url}/p/{token}/here", json={})
            except httpx.HTTPError as exc:
                log.debug("simulated %s not delivered: %s", path, exc)

    async def judge(self, client: httpx.AsyncClient, live: Live, due: list[Judgement]) -> None:
        """Simulated jurors' scores and audience ratings, through their own pages' endpoint."""
        for item in due:
            token = live.token_of.get(item.person)
            if token is None:
                continue
            try:
                answer = await client.post(f"{self.base_url}/p/{token}/{item.path}", json=item.body)
                if answer.status_code != 200:
                    log.debug("simulated %s refused: %s", item.path, answer.text)
            except httpx.HTTPError as exc:
                log.debug("simulated score not delivered: %s", exc)
