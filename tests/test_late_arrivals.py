"""A late arrival added through the API passes the roster's own validation, with the
roster's messages; a hostile one is refused with 400 and the participants' table, pages and
agendas keep working, across restarts too (a record stored before this check is skipped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.appkeys import STORE
from orchestrator.scoring.certificates import safe_filename
from tests.support.app import AUTH

LATE = {"id": "late-2", "name": "Lea Late", "email": "lea@example.org"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": "../../x<script>"}, "may hold only letters, digits, -, _ and ."),
        ({"email": "not an address"}, "malformed e-mail 'not an address'"),
        ({"timezone": "../../../etc/passwd"}, "unknown time zone '../../../etc/passwd'"),
        ({"language": "xx-evil"}, "unsupported language 'xx-evil'"),
        ({"ntfy": "topic/../x"}, "ntfy topic"),
        ({"name": ""}, "needs an `id` and a `name`"),
        ({"keynotes": ["k99"]}, "unknown keynote 'k99'"),
        ({"unavailable": [99]}, "unavailable round '99'"),
    ],
)
async def test_a_hostile_late_arrival_is_refused_with_the_roster_s_message(
    serve, http, redis_url, fields: dict[str, object], message: str
) -> None:
    running = await serve(redis_url=redis_url, start_at="now")
    base = running.base_url
    body = {"change": "late_arrival", "participant": {**LATE, **fields}}
    refused = await http.post(f"{base}/api/v1/replan", headers=AUTH, json=body)
    assert refused.status_code == 400, refused.text
    assert message in refused.json()["error"]
    for fmt in ("json", "csv", "xlsx"):
        table = await http.get(f"{base}/api/v1/participants?format={fmt}", headers=AUTH)
        assert table.status_code == 200


async def test_a_good_late_arrival_is_still_welcome(serve, http, redis_url) -> None:
    running = await serve(redis_url=redis_url, start_at="now")
    body = {"change": "late_arrival", "participant": {**LATE, "timezone": "Europe/Helsinki"}}
    added = await http.post(f"{running.base_url}/api/v1/replan", headers=AUTH, json=body)
    assert added.status_code == 200, added.text


async def test_a_hostile_record_stored_before_is_skipped_at_start(serve, http, redis_url) -> None:
    first = await serve(redis_url=redis_url)
    store = first.app[STORE]
    bad = {"id": "../../x<script>", "name": "X", "role": "audience", "timezone": "../../etc"}
    await store.save_extra_participant(bad["id"], bad)
    await first.stop()
    again = await serve(redis_url=redis_url)
    table = await http.get(f"{again.base_url}/api/v1/participants", headers=AUTH)
    assert table.status_code == 200
    assert bad["id"] not in {p["id"] for p in table.json()}


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("attendance-../../etc/x.pdf", "attendance-.._.._etc_x.pdf"),
        ("award-best-t1.pdf", "award-best-t1.pdf"),
        ("..", "_"),
        (".hidden.pdf", "_hidden.pdf"),
        ("a\\b:c\x00d.pdf", "a_b_c_d.pdf"),
    ],
)
def test_file_names_built_from_ids_are_safe(text: str, safe: str) -> None:
    assert safe_filename(text) == safe
    assert Path(safe).name == safe and not safe.startswith(".")
