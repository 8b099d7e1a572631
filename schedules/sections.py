"""Every section a programme may hold, one schema each (see schedules/schema.py), declared by
group: the day (day_sections.py), the video platforms (platform_sections.py), messages
(message_sections.py), what the event leaves behind (record_sections.py).

To add a section: declare its `Table` in its group's module (fields, and rules for what needs
several keys, the environment or a file) and add it to `SECTIONS` here; `rota check` then
refuses unknown keys and bad values in it with their lines, and the package that uses the
section reads the checked values (`Programme.sections[name]`) or calls `section_problems` for
the same verdict outside a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schedules.day_sections import EVENT, KEYNOTES, ROOMS, ROSTER, ROTATION, TEAMS
from schedules.message_sections import MAIL, NOTIFY
from schedules.platform_sections import BBB, JITSI
from schedules.record_sections import AWARDS, CERTIFICATES, PRIVACY, SCORING
from schedules.schema import Context, Table, validate

SECTIONS: dict[str, Table] = {
    t.name: t
    for t in (
        EVENT,
        ROTATION,
        ROOMS,
        TEAMS,
        KEYNOTES,
        JITSI,
        BBB,
        NOTIFY,
        MAIL,
        SCORING,
        AWARDS,
        PRIVACY,
        CERTIFICATES,
        ROSTER,
    )
}


def section_problems(name: str, table: Mapping[str, Any] | None, context: Context) -> list[str]:
    """The same verdict as `rota check` on one table, without lines (for code that builds a
    section's configuration from a mapping rather than a file)."""
    schema = SECTIONS[name]
    _, problems = validate(schema, table or {}, context)
    return [message for _, message in problems]
