"""The sections of what the event leaves behind: [scoring] and [[awards]] (read by
schedules/scoring.py), [certificates] (read by orchestrator/scoring/certificates.py) and
[privacy] (how long personal data is kept, read by schedules/retention.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from schedules.message_sections import mail_address_problem, url_problem
from schedules.schema import ID, Context, Field, Table, key_path

SCORING = Table(
    "scoring",
    {
        "criteria": Field(list, items=dict),
        "closes_minutes_after": Field(
            int, default=30, minimum=0, bound="`closes_minutes_after` cannot be negative"
        ),
        "audience_feedback": Field(bool, default=False),
    },
)
CRITERIA = Table(
    "scoring.criteria",
    {
        "id": ID,
        "name": Field(str),
        "description": Field(str, default=""),
        "min": Field(float, default=0.0),
        "max": Field(float, default=10.0),
        "weight": Field(float, default=1.0),
    },
    array=True,
)
AWARDS = Table(
    "awards",
    {
        "id": ID,
        "name": Field(str),
        "description": Field(str, default=""),
        "criterion": Field(str, default=""),
    },
    array=True,
)


# --- [privacy] (read by schedules/retention.py) --------------------------------------------


def _privacy_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    for key in ("controller", "contact"):
        if not values[key].strip():
            yield key, f"`{key}` cannot be empty: participants are shown it"
    contact = values["contact"].strip()
    if contact and mail_address_problem(contact) and url_problem(contact):
        yield "contact", f"`contact` must be an e-mail address or an http(s) URL, not {contact!r}"


PRIVACY = Table(
    "privacy",
    {
        "controller": Field(str, required=True),  # who is responsible for the data
        "contact": Field(str, required=True),  # an e-mail address or a web page
        "purpose": Field(str, default=""),
        "retention_days": Field(
            int,
            required=True,
            minimum=1,
            bound="`retention_days` is a number of days after the event's end, at least 1, "
            "not {value}",
        ),
    },
    rules=(_privacy_rules,),
)


# --- [certificates] (read by orchestrator/scoring/certificates.py) --------------------------------

MAX_LOGOS = 3
MAX_SIGNATURES = 3
MAX_IMAGE_BYTES = 2_000_000  # a logo, signature or emblem: a print-quality PNG is far smaller
SIGNATURE_KEYS = ("name", "title", "image")


def image_problem(name: str, context: Context) -> str:
    """Why the image file `name` (beside the programme) cannot go on a certificate, or ""."""
    path = key_path(name, context)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    if size > MAX_IMAGE_BYTES:
        return f"{path} is {size // 1000} kB: at most {MAX_IMAGE_BYTES // 1_000_000} MB"
    text = head.lstrip().lower()
    if not (
        head.startswith(b"\x89PNG\r\n\x1a\n")
        or head.startswith(b"\xff\xd8\xff")
        or (text.startswith((b"<svg", b"<?xml")) and b"<svg" in head.lower())
    ):
        return f"{path} is not a PNG, JPEG or SVG image"
    return ""


def _certificate_rules(values: Mapping[str, Any], context: Context) -> Iterator[tuple[str, str]]:
    logos = values["logos"]
    if len(logos) > MAX_LOGOS:
        yield "logos", f"at most {MAX_LOGOS} logos, not {len(logos)}"
    for problem in [image_problem(name, context) for name in logos]:
        if problem and context.base is not None:
            yield "logos", f"logo: {problem}"
    signatures = values["signatures"]
    if len(signatures) > MAX_SIGNATURES:
        yield "signatures", f"at most {MAX_SIGNATURES} signature lines, not {len(signatures)}"
    for i, signature in enumerate(signatures, start=1):
        unknown = sorted(set(signature) - set(SIGNATURE_KEYS))
        if unknown:
            yield "signatures", f"signature {i}: unknown key {unknown[0]!r} (name, title, image)"
        if not isinstance(signature.get("name"), str) or not signature["name"].strip():
            yield "signatures", f"signature {i} needs a `name` (who signs)"
        for key in ("title", "image"):
            if key in signature and not isinstance(signature[key], str):
                yield "signatures", f"signature {i}: `{key}` must be text"
        image = signature.get("image")
        problem = image_problem(image, context) if isinstance(image, str) and image else ""
        if problem and context.base is not None:
            yield "signatures", f"signature {i}: {problem}"
    if values["funding"] and not values["emblem"]:
        yield (
            "funding",
            "a funding line goes with its emblem: set `emblem` to the funder's emblem file "
            "(docs/scoring.md says where the EU's official one is)",
        )
    problem = image_problem(values["emblem"], context) if values["emblem"] else ""
    if problem and context.base is not None:
        yield "emblem", f"emblem: {problem}"


CERTIFICATES = Table(
    "certificates",
    {
        "issuer": Field(str, required=True),  # who issues them: the institution or project
        "place": Field(str, default=""),  # where they are issued ("Lisboa")
        "logos": Field(list, default=[], items=str),  # image files beside the programme
        "signatures": Field(list, default=[], items=dict),  # {name, title, image}
        "funding": Field(str, default=""),  # "Co-funded by the European Union"
        "emblem": Field(str, default=""),  # the funder's emblem, supplied by the organiser
        "attendance_minutes": Field(
            int,
            default=0,
            minimum=0,
            maximum=1440,
            bound="`attendance_minutes` is the minutes a person must attend in all, 0 to "
            "1440, not {value}",
        ),
    },
    rules=(_certificate_rules,),
)
