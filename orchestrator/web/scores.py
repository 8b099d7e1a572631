"""Scores from the jury's pages, ratings from the audience's, and the results API.

`/p/{token}/scores`: GET the juror's form data (their duties, what they scored, what they owe),
POST a score. `/p/{token}/feedback`: the same for an audience member's ratings. The personal
token in the path is the credential; bodies must be JSON, so a cross-site form cannot post."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from orchestrator.api.models import Award, parse
from orchestrator.appkeys import SERVICE, STORE
from orchestrator.errors import NotFound, Refused
from orchestrator.event.live import Live
from orchestrator.language.i18n import translator
from orchestrator.scoring.jury import Jury, closes, windows
from orchestrator.storage.score_store import ScoreStore
from orchestrator.web.auth import organiser
from orchestrator.web.body import read_json
from schedules.model import Participant
from schedules.scoring import COMMENT_LIMIT, FEEDBACK_LIMIT, RATING_MAX, RATING_MIN, ScoreRefused

NO_STORE = {"Cache-Control": "no-store"}


def jury_of(request: web.Request) -> Jury:
    return Jury(ScoreStore(request.app[STORE]))


def _person(request: web.Request) -> tuple[Live, Participant | None]:
    live = request.app[SERVICE].require_live()
    return live, live.participant(request.match_info["token"])


def _local(live: Live, person: Participant, moment: Any) -> str:
    return str(moment.astimezone(live.programme.tz_of(person)).strftime("%H:%M"))


async def form_state(request: web.Request, live: Live, person: Participant) -> dict[str, Any]:
    """What the juror's (or audience member's) form shows, in their language."""
    scoring = live.programme.scoring
    assert scoring is not None
    t = translator(live.programme.language_of(person))
    now = live.event_now()
    ends = closes(live)
    store = ScoreStore(request.app[STORE])
    jury = person.role == "jury"
    if jury:
        mine = {s.team: s for s in await store.scores() if s.juror == person.id}
    else:
        mine_feedback = {f.team: f for f in await store.feedback() if f.person == person.id}
    rows: list[dict[str, Any]] = []
    here = live.stay(person.id, now).now
    for window in windows(live, person.id):
        team = live.programme.team_by_id[window.duty.team]
        saved: dict[str, object] | None
        if jury:
            given = mine.get(team.id)
            saved = {"values": dict(given.values), "comment": given.comment} if given else None
        else:
            rating = mine_feedback.get(team.id)
            saved = {"rating": rating.rating, "line": rating.line} if rating else None
        if now < window.opens:
            state = "later"
        elif here is not None and here.kind == "room" and here.team == team.id:
            state = "now"
        elif saved is None and now >= window.ended:
            state = "owed"
        else:
            state = "open"
        rows.append(
            {
                "team": team.id,
                "name": team.name,
                "project": team.project,
                "round": window.duty.round,
                "opens_local": _local(live, person, window.opens),
                "state": state,
                "saved": saved,
            }
        )
    order = {"now": 0, "owed": 1, "open": 2, "later": 3}
    rows.sort(key=lambda r: (order[r["state"]], r["round"]))
    return {
        "kind": "score" if jury else "feedback",
        "open": now < ends,
        "closes_local": _local(live, person, ends),
        "criteria": [
            {"id": c.id, "name": c.name, "description": c.description, "min": c.min, "max": c.max}
            for c in scoring.criteria
        ]
        if jury
        else [],
        "rating": {"min": RATING_MIN, "max": RATING_MAX},
        "limit": COMMENT_LIMIT if jury else FEEDBACK_LIMIT,
        "teams": rows,
        "labels": {
            key: t(key)
            for key in (
                "score_heading" if jury else "feedback_heading",
                "comment" if jury else "one_line",
                "save",
                "saved",
                "draft_kept",
                "owed",
                "scoring_closed",
                "in_room_now",
                "rating",
                "not_saved",
                "sending",
                "later",
                "change",
            )
        }
        | {"closes": t("scoring_closes", time=_local(live, person, ends))},
    }


def _eligible(live: Live, person: Participant) -> bool:
    scoring = live.programme.scoring
    if scoring is None:
        return False
    return person.role == "jury" or (person.role == "audience" and scoring.audience_feedback)


def _who(request: web.Request) -> tuple[Live, Participant]:
    live, person = _person(request)
    if person is None:
        raise NotFound("unknown personal link")
    return live, person


async def state(request: web.Request) -> web.Response:
    live, person = _who(request)
    if not _eligible(live, person):
        raise ScoreRefused(403, "nothing for you to score")
    return web.json_response(await form_state(request, live, person), headers=NO_STORE)


class NotJson(Refused):
    status = 415


def json_only(request: web.Request) -> None:
    """A cross-site HTML form cannot send JSON: with this, the token is the only credential
    a submission needs."""
    if request.content_type != "application/json":
        raise NotJson("send it as application/json")


async def submit(request: web.Request) -> web.Response:
    live, person = _who(request)
    json_only(request)
    score = await jury_of(request).submit(live, person, await read_json(request))
    return web.json_response({"ok": True, "score": score.to_dict()}, headers=NO_STORE)


async def rate(request: web.Request) -> web.Response:
    live, person = _who(request)
    json_only(request)
    item = await jury_of(request).rate(live, person, await read_json(request))
    return web.json_response({"ok": True, "team": item.team}, headers=NO_STORE)


async def results_json(request: web.Request) -> dict[str, Any]:
    """The results with the awards' assigned winners, as the API and the page show them."""
    live = request.app[SERVICE].require_live()
    jury = jury_of(request)
    found = await jury.results(live)
    assigned = await jury.store.awards()
    data = found.to_dict()
    names = {t.id: t.name for t in live.programme.teams}
    people = live.programme.participant_by_id
    for row in data["teams"]:
        row["name"] = names.get(row["team"], row["team"])
    for row in data["jurors"]:
        person = people.get(row["juror"])
        row["name"] = person.name if person else row["juror"]
    data["criteria"] = [
        {"id": c.id, "name": c.name, "min": c.min, "max": c.max, "weight": c.weight}
        for c in (live.programme.scoring.criteria if live.programme.scoring else ())
    ]
    data["awards"] = [
        {
            "id": a.id,
            "name": a.name,
            "description": a.description,
            "criterion": a.criterion,
            "suggested": data["suggestions"].get(a.id, []),
            "winners": assigned.get(a.id, {}).get("teams", []),
        }
        for a in live.programme.awards
    ]
    return data


@organiser
async def api_results(request: web.Request) -> web.Response:
    live = request.app[SERVICE].require_live()
    if live.programme.scoring is None:
        raise NotFound("this event has no scoring")
    return web.json_response(await results_json(request), headers=NO_STORE)


async def assign_award(request: web.Request, award: str, body: dict[str, Any]) -> dict[str, Any]:
    """Shared by the API and the results page: store, notify, broadcast when asked."""
    live = request.app[SERVICE].require_live()
    parsed = parse(Award, body)
    done = await jury_of(request).assign(live, award, parsed.teams, parsed.broadcast)
    if parsed.broadcast:
        await request.app[SERVICE].broadcast(done["message"])
    return done


@organiser
async def api_award(request: web.Request) -> web.Response:
    done = await assign_award(request, request.match_info["id"], await read_json(request))
    return web.json_response(done)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/p/{token}/scores", state),
        web.post("/p/{token}/scores", submit),
        web.get("/p/{token}/feedback", state),
        web.post("/p/{token}/feedback", rate),
        web.get("/api/v1/results", api_results),
        web.post("/api/v1/awards/{id}", api_award),
    ]


def scoring_section(live: Live, person: Participant) -> str:
    """Which form the person's page carries: "score" (jury), "feedback" (audience, when the
    programme collects it) or "" (none)."""
    if not _eligible(live, person):
        return ""
    return "score" if person.role == "jury" else "feedback"


async def audience_said(
    request: web.Request, live: Live, person: Participant, now: Any
) -> dict[str, Any] | None:
    """A presenting team's audience ratings, shown on its page only once the day is over."""
    scoring = live.programme.scoring
    if scoring is None or not scoring.audience_feedback or not person.team:
        return None
    if now < live.timeline.ends:
        return None
    mine = [f for f in await ScoreStore(request.app[STORE]).feedback() if f.team == person.team]
    if not mine:
        return None
    return {
        "count": len(mine),
        "mean": round(sum(f.rating for f in mine) / len(mine), 1),
        "lines": [f.line for f in mine if f.line],
    }
