"""Where the setup keeps its draft: `setup/` in the data folder (the form as typed, the
programme it makes, the participant list as uploaded, a version number), and where publishing
puts the day: `programme.toml` and `roster.csv` in the data folder itself, the files `rota
check` and `rota serve --data-dir DIR` read.

Every change of the draft counts the version up; a page carries the version it showed, so a
publish from a tab that is behind is refused (409), not written over what another tab did."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from orchestrator.errors import Conflict
from orchestrator.setup.day_form import DayForm, programme_toml

DRAFT = "programme.toml"  # in setup/, beside the uploaded list it names
PUBLISHED = "programme.toml"  # in the data folder
PUBLISHED_ROSTER = "roster.csv"
LIST_NAME = "participants"  # + the upload's own suffix
SUFFIXES = (".xlsx", ".ods", ".csv")


FORM_SECTIONS = {"event", "rotation", "bbb", "rooms", "teams", "keynotes"}  # [jitsi] kept
_HEADER = re.compile(r"""^\s*\[\[?\s*["']?([A-Za-z0-9_-]+)""")


def kept_sections(text: str) -> str:
    """The sections of a published programme the form does not write ([mail], [privacy],
    [scoring], [[notify]], [roster], …), as written there (comments kept): added to the
    draft, so publishing again keeps what was added by hand."""
    kept: list[str] = []
    keep = False
    in_string = False
    for line in text.splitlines():
        header = None if in_string else _HEADER.match(line)
        if header and not re.match(r"^\s*[A-Za-z0-9_\-\"'.]+\s*=", line):
            keep = header.group(1) not in FORM_SECTIONS
            if keep:
                kept.append("")
        if keep:
            kept.append(line)
        if line.count('"""') % 2 or line.count("'''") % 2:
            in_string = not in_string
    return "\n".join(kept).strip("\n") + "\n" if kept else ""


@dataclass(frozen=True)
class State:
    version: int
    published: int  # the version last published, 0 if none
    roster: str  # the uploaded list's file name in setup/, "" if none


def _write(path: Path, data: bytes) -> None:
    """Written whole or not at all: a new file renamed over the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(name, 0o600)  # the list holds personal data
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


class DraftFolder:
    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir
        self.setup = data_dir / "setup"

    @property
    def draft(self) -> Path:
        return self.setup / DRAFT

    @property
    def published(self) -> Path:
        return self.root / PUBLISHED

    @property
    def published_roster(self) -> Path:
        return self.root / PUBLISHED_ROSTER

    def state(self) -> State:
        try:
            raw = json.loads((self.setup / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        return State(
            int(raw.get("version", 0)), int(raw.get("published", 0)), raw.get("roster", "")
        )

    def _save_state(self, state: State) -> None:
        record = {"version": state.version, "published": state.published, "roster": state.roster}
        _write(self.setup / "state.json", json.dumps(record).encode())

    def kept(self) -> str:
        """The hand-written sections of the published programme (before the first publish:
        of the programme served when the setup began from the board)."""
        for source in (self.published, self.setup / "based_on.toml"):
            try:
                return kept_sections(source.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
        return ""

    def keep_from(self, programme: bytes) -> None:
        _write(self.setup / "based_on.toml", programme)

    def day(self) -> DayForm:
        try:
            return DayForm.from_json((self.setup / "day.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return DayForm()

    def save_day(self, day: DayForm) -> tuple[str, dict[int, str]]:
        """Keep the form as typed and the programme it makes; the new version."""
        state = self.state()
        _write(self.setup / "day.json", day.to_json().encode())
        text, where = programme_toml(day, state.roster, self.kept())
        _write(self.draft, text.encode())
        self._save_state(State(state.version + 1, state.published, state.roster))
        return text, where

    def save_list(self, suffix: str, data: bytes) -> Path:
        """The participant list as uploaded (its older copies in other formats removed)."""
        state = self.state()
        name = LIST_NAME + suffix
        for other in SUFFIXES:
            if other != suffix:
                (self.setup / (LIST_NAME + other)).unlink(missing_ok=True)
        _write(self.setup / name, data)
        self._save_state(State(state.version, state.published, name))
        self.save_day(self.day())  # the draft now names the list
        return self.setup / name

    def lines(self) -> tuple[str, dict[int, str]]:
        """The draft programme (written again from the form) and its lines' fields."""
        text, where = programme_toml(self.day(), self.state().roster, self.kept())
        if not self.draft.exists() or self.draft.read_text(encoding="utf-8") != text:
            _write(self.draft, text.encode())
        return text, where

    def publish(self, seen: int, roster_csv: str) -> int:
        """Write the day for `rota serve`: the draft with the normalised roster beside it.
        Refused when the page was showing an older version than the draft's."""
        state = self.state()
        if seen != state.version:
            raise Conflict(
                f"this page showed version {seen} of the draft, but it is at version "
                f"{state.version} now (changed in another tab or window)"
            )
        text, _ = programme_toml(self.day(), PUBLISHED_ROSTER, self.kept())
        _write(self.published_roster, roster_csv.encode())
        _write(self.published, text.encode())
        self._save_state(State(state.version + 1, state.version + 1, state.roster))
        return state.version + 1
