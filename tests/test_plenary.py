"""The whole programme: keynotes for everyone after the rotation (the bundled example's closing
lecture and award ceremony) are planned for every person, `/go` sends even a presenter there
at its time, and every agenda lists them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
from markupsafe import escape

from orchestrator.appkeys import SERVICE
from orchestrator.language.i18n import translator
from orchestrator.views.page_view import page_view
from schedules.agenda import agenda
from schedules.clock import ClockState
from schedules.exports import agenda_ics
from schedules.planner import plan_rotation
from schedules.programme import check_programme, load_programme
from schedules.timeline import Timeline
from schedules.whereabouts import places, whereabouts
from tests.support.app import AUTH, EXAMPLE, Running
from tests.support.builders import BASE_TOML, write_event

EN = translator("en")  # the agenda's words in English

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
    assert programme.language_of(programme.participant_by_id[presenter]) == "de"
    items = agenda(programme, plan, presenter)
    # the plenaries by their titles in the person's language (`titles` in the programme)
    assert [i.summary(EN) for i in items[-2:]] == [
        "Abschlussvortrag: Soziale Arbeit nach den Plattformen",
        "Preisverleihung",
    ]
    calendar = icalendar.Calendar.from_ical(agenda_ics(programme, plan, presenter, t=EN))
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Abschlussvortrag: Soziale Arbeit nach den Plattformen" in summaries


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
    page = (await http.get(f"{running.base_url}/p/{live.token_of[presenter]}")).text
    t = translator(page_view(live, presenter, live.event_now())["language"])
    assert t("round_of", n=6, total=6) not in page and t("rounds_done") in page
    assert str(escape(t("rehearsal", speed="60"))) in page  # why "13:00 in 1 min" at 12:20


OPENING = (
    '\n[[keynotes]]\nid = "opening"\ntitle = "Welcome"\nstart = "2025-03-27T08:30"\n'
    'minutes = 30\nroom = "aula"\naudience = "everyone"\n'
)


def test_an_opening_before_the_rounds_starts_the_day(tmp_path: Path) -> None:
    programme = load_programme(write_event(tmp_path, toml=BASE_TOML + OPENING))
    plan = plan_rotation(programme)
    assert programme.starts == programme.keynote_by_id["opening"].start  # 07:30 UTC
    timeline = Timeline.build(plan, ClockState.real_time())
    assert timeline.starts == programme.starts
    presenter = plan.teams[0].members[0]
    day = places(plan, timeline, presenter)
    at = programme.starts + timedelta(minutes=10)
    now = whereabouts(day, at, timedelta(minutes=2), timedelta(0)).now
    assert now is not None and now.keynote == "opening"


def test_a_plenary_fits_in_a_break_between_rounds(tmp_path: Path) -> None:
    """Rounds at 09:00, 09:30 and 10:30 (a `starts` list): a plenary at 10:00 is fine."""
    toml = BASE_TOML.replace(
        'start = "2025-03-27T09:00"\nround_minutes = 30\nrounds = 3',
        'starts = ["2025-03-27T09:00", "2025-03-27T09:30", "2025-03-27T10:30"]\nround_minutes = 30',
    )
    toml += OPENING.replace("08:30", "10:00")
    programme, problems = check_programme(write_event(tmp_path, toml=toml), {})
    assert programme is not None and problems == []
    plan = plan_rotation(programme)
    opening = next(k for k in plan.keynotes if k.id == "opening")
    assert len(opening.audience) == len(programme.participants)
    assert not any(r.start < opening.end and opening.start < r.end for r in plan.rounds)
