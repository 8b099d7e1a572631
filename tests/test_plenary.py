"""The whole programme: keynotes for everyone after the rotation (the bundled example's closing
lecture and award ceremony) are planned for every person, `/go` sends even a presenter there
at its time, and every agenda lists them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from orchestrator.appkeys import SERVICE
from schedules.agenda import agenda
from schedules.exports import agenda_ics
from schedules.planner import plan_rotation
from schedules.programme import load_programme
from tests.conftest import AUTH, EXAMPLE, Running

SPEED = 60.0


def test_the_closing_keynote_is_planned_for_everyone() -> None:
    programme = load_programme(EXAMPLE)
    plan = plan_rotation(programme)
    closing = next(k for k in plan.keynotes if k.id == "closing")
    assert closing.start >= plan.rounds[-1].end  # after the rotation: not "outside the event"
    assert set(closing.audience) == {p.id for p in programme.participants}
    assert programme.ends == programme.keynote_by_id["awards"].end


def test_every_agenda_lists_the_closing_keynote() -> None:
    programme = load_programme(EXAMPLE)
    plan = plan_rotation(programme)
    presenter = plan.teams[0].members[0]
    items = agenda(programme, plan, presenter)
    assert [i.summary for i in items[-2:]] == [
        "Closing lecture: social work after the platforms",
        "Award ceremony",
    ]
    calendar = icalendar.Calendar.from_ical(agenda_ics(programme, plan, presenter))
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Closing lecture: social work after the platforms" in summaries


async def test_go_sends_a_presenter_to_the_closing_keynote(serve, http, redis_url) -> None:
    """Rehearsal clock: 12:20 on the day is now; the closing lecture runs 12:15–13:00."""
    minutes_after_nine = 3 * 60 + 20
    start = datetime.now(UTC) - timedelta(minutes=minutes_after_nine) / SPEED
    running: Running = await serve(
        redis_url=redis_url, speed=SPEED, start_at=start.isoformat(timespec="milliseconds")
    )
    live = running.app[SERVICE].require_live()
    presenter = live.plan.teams[0].members[0]
    rooms = (await http.get(f"{running.base_url}/api/v1/rooms", headers=AUTH)).json()
    aula = next(r["url"] for r in rooms if r["id"] == "aula")
    response = await http.get(f"{running.base_url}/go/{live.token_of[presenter]}")
    assert response.status_code == 302
    assert response.headers["Location"].split("?")[0] == aula.split("?")[0]
