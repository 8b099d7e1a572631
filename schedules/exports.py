"""The plan as a text table, CSV, and a person's agenda as iCalendar (RFC 5545)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar

from schedules.agenda import AgendaItem, Words, agenda
from schedules.model import Programme
from schedules.plan import Plan
from schedules.tabular import csv_text


def plan_json(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), indent=2, ensure_ascii=False)


def plan_csv(plan: Plan) -> str:
    rows: list[list[str | int]] = [["round", "start", "end", "room", "team", "participant"]]
    for rnd in plan.rounds:
        for slot in rnd.rooms:
            for pid in slot.audience:
                rows.append([rnd.index, _iso(rnd.start), _iso(rnd.end), slot.room, slot.team, pid])
    for keynote in plan.keynotes:
        for pid in keynote.audience:
            rows.append(
                [
                    "",
                    _iso(keynote.start),
                    _iso(keynote.end),
                    keynote.room,
                    f"keynote:{keynote.id}",
                    pid,
                ]
            )
    return csv_text(rows)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def plan_table(programme: Programme, plan: Plan) -> str:
    """A row per round, a column per room, audience counts; then the quality figures."""
    tz = programme.event.tz
    rooms = [t.room for t in plan.teams]
    width = max([6, *(len(r) for r in rooms)])
    lines = [f"{plan.event.title} — plan v{plan.version} (times {programme.event.timezone})", ""]
    lines.append(f"{'round':<7}{'time':<13}" + "".join(f"{r:>{width + 1}}" for r in rooms))
    for rnd in plan.rounds:
        counts = {s.room: len(s.audience) for s in rnd.rooms}
        times = f"{rnd.start.astimezone(tz):%H:%M}–{rnd.end.astimezone(tz):%H:%M}"
        lines.append(
            f"{rnd.index:<7}{times:<13}"
            + "".join(f"{counts.get(r, '-'):>{width + 1}}" for r in rooms)
        )
    stats = plan.stats
    lines += [
        "",
        "audience per round "  # each round's rooms: min/mean/max of their audiences
        + "; ".join(
            f"round {r['round']}: {r['min']}/{r['mean']}/{r['max']}" for r in stats["rounds"]
        )
        + "  (min/mean/max over its rooms)",
    ]
    below = [
        f"round {r['round']}: {', '.join(r['below_min_audience'])}"
        for r in stats["rounds"]
        if r["below_min_audience"]
    ]
    if below:
        lines.append(f"below min_audience  {'; '.join(below)}")
    prefs = stats["preferences"]
    lines.append(
        f"preferences        {prefs['people']} people; first {prefs['first']['met']}/"
        f"{prefs['first']['asked']}, second {prefs['second']['met']}/{prefs['second']['asked']}, "
        f"third {prefs['third']['met']}/{prefs['third']['asked']}; "
        f"{prefs['met']} met of an upper bound of {prefs['upper_bound']} (gap {prefs['gap']})"
    )
    lines.extend(optimality_lines(stats))
    jury = stats["jury"]
    if jury["per_team"]:
        cover = jury["coverage"]
        state = "ok" if not jury["teams_below"] else f"below: {', '.join(jury['teams_below'])}"
        if not jury["possible"]:
            state = "not possible with this many jury members"
        lines.append(
            f"jury coverage      need {jury['per_team']} per team; min "
            f"{min(cover.values(), default=0)}, max {max(cover.values(), default=0)}; "
            f"{state}"
        )
    lines.append(
        f"mixing             {stats['mixing']['institution_share']:.0%} of the "
        "institutions a room could hold"
    )
    return "\n".join(lines) + "\n"


def optimality_lines(stats: dict[str, Any]) -> list[str]:
    """What the plan is, as `rota plan` and `rota check` print it: "optimal (proven)" or how
    many wishes short of the best possible it may be, and which bound says so."""
    best = stats.get("optimality")
    if not best:
        return []
    lines = [f"optimality         {best['text']} — bound from {best['why']}"]
    if best.get("note") and best["status"] != "optimal":
        lines.append(f"                   ({best['note']})")
    return lines


def optimality_summary(stats: dict[str, Any]) -> str:
    """One line: "70 wishes met: optimal (proven)", as `rota check` prints it."""
    best = stats.get("optimality")
    if not best:
        return "no figures"
    return f"{best['met']} wishes met: {best['text']}"


ALARM_MINUTES = 10  # each entry's reminder, before it begins


def agenda_ics(
    programme: Programme, plan: Plan, participant: str, link: str = "", *, t: Words
) -> bytes:
    """The person's rounds and keynotes, in their own time zone and language (`t`: their
    translator): summaries, descriptions and a reminder ALARM_MINUTES before each. With their
    personal `link`, every item carries it as URL and LOCATION (one click from the calendar
    to the right room). UIDs are stable and SEQUENCE is the plan's version, so a re-sent
    agenda updates the calendar's entries instead of adding new ones."""
    person = programme.participant_by_id[participant]
    tz = programme.tz_of(person)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Rota//rota agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{programme.event.title} — {person.name}")
    calendar.add("x-wr-timezone", tz.key)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for item in agenda(programme, plan, participant):
        if item.kind == "away":
            continue
        event = icalendar.Event()
        event.add("uid", agenda_uid(programme.event.id, participant, item))
        event.add("sequence", plan.version)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start.astimezone(tz))
        event.add("dtend", item.end.astimezone(tz))
        summary = item.summary(t)
        event.add("summary", summary)
        details = [f"{item.team_name}: {item.project}"] if item.project else []
        if item.link:  # a room on another platform: the room's own link, for everyone to see
            details.append(f"{item.room_name}: {item.link}")
        own = [t("ics_link", link=link)] if link else []
        if item.onsite:  # on campus: the place, not a video link
            event.add("location", item.where)
            details = [item.where, *details, *own]
        elif link:
            event.add("url", link)
            event.add("location", link)
            details = [item.room_name, *details, *own]
        elif item.link:
            event.add("url", item.link)
            event.add("location", item.link)
        else:
            event.add("location", item.room_name)
        if details:
            event.add("description", "\n".join(details))
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(minutes=-ALARM_MINUTES))
        alarm.add("description", t("ics_alarm", what=summary, minutes=ALARM_MINUTES))
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def agenda_uid(event: str, participant: str, item: AgendaItem) -> str:
    key = f"k-{item.keynote}" if item.kind == "keynote" else f"r{item.round}"
    return f"{event}-{participant}-{key}@rota"
