"""The gettext catalogs people's words come from (orchestrator/locale/), and their checks.

One catalog per language, `locale/<lang>/LC_MESSAGES/rota.po`, made from the template
`locale/rota.pot`: every entry's msgctxt is the key the code asks for (`t("day_starts")`), its
msgid the English text, its msgstr the language's; placeholders are Python's `{name}`
(flag python-brace-format); a plural entry (msgid_plural, msgstr[0..]) counts with `{n}`.
Translators open the .po files in Poedit or Weblate; `make` compiles them into .mo files
(generated, never committed). When a .mo is missing or older than its .po the .po is read
instead: a fresh clone or an installed copy works before anything is compiled.

    python -m orchestrator.language.catalogs check     # file:line: problem, for every catalog
    python -m orchestrator.language.catalogs compile   # the .mo files; refuses while a check fails
    python -m orchestrator.language.catalogs update    # new template entries into every catalog
"""

from __future__ import annotations

import gettext
import string
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from schedules.model import LANGUAGES

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "rota"
Text = str | tuple[str, ...]  # a message, or a plural's forms in the catalog's order


@dataclass(frozen=True)
class Words:
    """One language's messages by key, and its plural rule (the count → the form's index)."""

    language: str
    messages: dict[str, Text]
    plural: Callable[[int], int]


def po_path(language: str, root: Path = LOCALE_DIR) -> Path:
    return root / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def load(language: str, root: Path = LOCALE_DIR) -> Words:
    """The compiled catalog when it is current, else the .po itself."""
    po = po_path(language, root)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as f:
            catalog = read_mo(f)
    else:
        catalog = read(po, language)
    messages: dict[str, Text] = {}
    for message in catalog:
        if not message.context:
            continue
        forms = message.string
        text: Text = tuple(forms) if isinstance(forms, tuple | list) else str(forms or "")
        if text and all(text):  # an untranslated entry falls back to English
            messages[message.context] = text
    return Words(language, messages, gettext.c2py(_plural_expression(catalog)))


def _plural_expression(catalog: Catalog) -> str:
    # "nplurals=2; plural=(n != 1);" → "(n != 1)"
    return catalog.plural_forms.split("plural=", 1)[1].rstrip(";").strip()


def placeholders(text: str) -> set[str]:
    """The `{names}` in a text; a broken one (a lone brace) raises ValueError."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _forms(message: Message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, tuple | list) else [str(value or "")]


def _ids(message: Message) -> list[str]:
    value = message.id
    return list(value) if isinstance(value, tuple | list) else [str(value)]


def problems(root: Path = LOCALE_DIR, languages: tuple[str, ...] = LANGUAGES) -> Iterator[str]:
    """Every way a catalog falls short of the template, as `file:line: problem`: a message
    missing or empty, one the template no longer has, an English text that is not the
    template's, placeholders that differ from the English, a plural without all its forms."""
    template_path = root / f"{DOMAIN}.pot"
    template = {m.context: m for m in read(template_path) if m.context}
    for language in languages:
        path = po_path(language, root)
        if not path.exists():
            yield f"{path}:1: no catalog for {language!r} (make it: pybabel init -D {DOMAIN} "
            f"-i {template_path} -d {root} -l {language})"
            continue
        catalog = read(path, language)
        seen: set[str] = set()
        for message in catalog:
            key = message.context
            if not message.id:
                continue
            where = f"{path}:{message.lineno}"
            if not key:
                yield f"{where}: an entry without msgctxt (the key the code asks for)"
                continue
            seen.add(key)
            source = template.get(key)
            if source is None:
                yield f"{where}: {key!r} is not in {template_path.name}"
                continue
            if _ids(message) != _ids(source):
                yield f"{where}: {key!r}: the English text is not the template's (update it)"
            yield from _form_problems(where, key, message, catalog.num_plurals)
        for key, source in template.items():
            if key not in seen:
                yield f"{path}:1: {key!r} is missing (in {template_path.name} line {source.lineno})"


def _form_problems(where: str, key: str, message: Message, plurals: int) -> Iterator[str]:
    forms = _forms(message)
    plural = isinstance(message.id, tuple | list)
    if plural and len(forms) != plurals:
        yield f"{where}: {key!r} has {len(forms)} plural forms, the language needs {plurals}"
    try:
        wanted = set().union(*(placeholders(text) for text in _ids(message)))
    except ValueError as broken:
        yield f"{where}: {key!r}: a broken placeholder in the English: {broken}"
        return
    for index, form in enumerate(forms):
        label = f"msgstr[{index}]" if plural else "msgstr"
        if not form:
            yield f"{where}: {key!r} {label} is empty (not translated)"
            continue
        try:
            found = placeholders(form)
        except ValueError as broken:
            yield f"{where}: {key!r} {label}: a broken placeholder: {broken}"
            continue
        if found - wanted or (not plural and wanted - found):
            yield (
                f"{where}: {key!r} {label} has the placeholders {sorted(found)}, "
                f"the English {sorted(wanted)}"
            )


def compile_all(root: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for language in LANGUAGES:
        path = po_path(language, root)
        catalog = read(path, language)
        with path.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
        written.append(path.with_suffix(".mo"))
    return written


def update(root: Path = LOCALE_DIR) -> None:
    """The template's new and changed entries into every catalog (left to translate)."""
    template = read(root / f"{DOMAIN}.pot")
    for language in LANGUAGES:
        path = po_path(language, root)
        catalog = read(path, language)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, ignore_obsolete=True)


def main(argv: list[str]) -> int:
    """`check|compile|update [LOCALE_DIR]`: 1 with every problem on stderr, else 0."""
    command = argv[0] if argv else "check"
    if command not in {"check", "compile", "update"} or len(argv) > 2:
        print(
            "usage: python -m orchestrator.language.catalogs check|compile|update [DIR]",
            file=sys.stderr,
        )
        return 2
    root = Path(argv[1]) if len(argv) > 1 else LOCALE_DIR
    if command == "update":
        update(root)
    found = list(problems(root))
    for line in found:
        print(line, file=sys.stderr)
    if found:
        return 1
    if command == "compile":
        for path in compile_all(root):
            print(f"compiled {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
