"""Join-link tokens, webhook verification and normalisation, presence: pure parts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from rooms.events import Kind, RoomEvent
from rooms.links import JitsiConfig, JitsiConfigError, Person, mint, room_url
from rooms.presence import Roster, attendance, intervals, merge
from rooms.webhooks import (
    JAAS_BODY,
    JaasBody,
    MalformedWebhook,
    WebhookRejected,
    bearer_ok,
    parse_event_sync,
    parse_jaas,
    verify_jaas,
)

FIXTURES = Path(__file__).parent / "fixtures" / "jitsi"
NOW = datetime(2025, 3, 27, 9, 0, tzinfo=UTC)
END = NOW + timedelta(minutes=30)
SECRET = "an-app-secret-of-at-least-32-bytes!"
PERSON = Person("ana-silva", "Ana Silva", "ana@example.org", "Polytechnic Institute of Porto")


def test_a_token_minted_ahead_opens_at_its_slot_less_the_grace_period() -> None:
    config = JitsiConfig.from_section(
        {"domain": "meet.example.org", "tokens": "hs256", "app_id": "rota"},
        {"ROTA_JITSI_SECRET": SECRET},
    )
    starts = NOW + timedelta(hours=1)  # the next place, minted now
    token = mint(config, PERSON, "r", moderator=False, now=NOW, ends=END, starts=starts)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["nbf"] == int((starts - timedelta(minutes=15)).timestamp())


def test_hs256_token_claims() -> None:
    config = JitsiConfig.from_section(
        {"domain": "meet.example.org", "tokens": "hs256", "app_id": "rota"},
        {"ROTA_JITSI_SECRET": SECRET},
    )
    token = mint(config, PERSON, "rota-bip-r3-abc", moderator=False, now=NOW, ends=END)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience="jitsi",
        options={"verify_exp": False, "verify_nbf": False},
    )
    assert claims["iss"] == "rota" and claims["sub"] == "meet.example.org"
    assert claims["room"] == "rota-bip-r3-abc"
    assert claims["nbf"] == int(NOW.timestamp()) - 30
    assert claims["exp"] == int((END + timedelta(minutes=15)).timestamp())
    assert claims["context"]["user"] == {
        "id": "ana-silva",
        "email": "ana@example.org",
        "name": "Ana Silva (Polytechnic Institute of Porto)",
        "avatar": "",
        "moderator": False,
    }
    assert (
        room_url(config, "rota-bip-r3-abc", token)
        == f"https://meet.example.org/rota-bip-r3-abc?jwt={token}"
    )
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token,
            "a-wrong-secret-that-is-also-32-bytes",
            algorithms=["HS256"],
            audience="jitsi",
            options={"verify_exp": False, "verify_nbf": False},
        )


def test_jaas_rs256_token_claims(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "jaas.pem").write_bytes(pem)
    app = "vpaas-magic-cookie-0123456789abcdef"
    config = JitsiConfig.from_section(
        {"tokens": "jaas", "app_id": app, "kid": f"{app}/4f4910", "private_key": "jaas.pem"},
        base=tmp_path,
    )
    token = mint(config, PERSON, "rota-bip-r3-abc", moderator=True, now=NOW, ends=END)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == f"{app}/4f4910"
    claims = jwt.decode(
        token,
        key.public_key(),
        algorithms=["RS256"],
        audience="jitsi",
        options={"verify_exp": False, "verify_nbf": False},
    )
    assert (claims["iss"], claims["sub"], claims["room"]) == ("chat", app, "rota-bip-r3-abc")
    assert claims["context"]["user"]["moderator"] == "true"
    assert claims["context"]["user"]["id"] == "ana-silva"
    assert room_url(config, "rota-bip-r3-abc", token).startswith(
        f"https://8x8.vc/{app}/rota-bip-r3-abc?jwt="
    )
    assert "PRIVATE" not in repr(config)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"tokens": "magic"}, "none, hs256 or jaas"),
        ({"tokens": "hs256", "app_id": "rota"}, "ROTA_JITSI_SECRET"),
        ({"tokens": "hs256", "app_id": "rota", "short": True}, "too short"),
        (
            {"tokens": "jaas", "app_id": "x", "kid": "x/y", "private_key": "/nope.pem"},
            "cannot read private_key",
        ),
    ],
)
def test_bad_jitsi_configuration(section: dict, message: str) -> None:
    environ = {"ROTA_JITSI_SECRET": "short"} if section.pop("short", False) else {}
    with pytest.raises(JitsiConfigError, match=message):
        JitsiConfig.from_section(section, environ)


def test_the_documented_jaas_signature_verifies_at_its_time() -> None:
    example = json.loads((FIXTURES / "jaas-signature-example.json").read_text())
    body = example["body"].encode()
    verify_jaas(example["header"], body, example["secret"], example["t"])
    verify_jaas(example["header"], body, example["secret"], example["t"] + 299)
    with pytest.raises(WebhookRejected, match="tolerance"):
        verify_jaas(example["header"], body, example["secret"], example["t"] + 301)
    with pytest.raises(WebhookRejected, match="does not match"):
        verify_jaas(example["header"], body + b" ", example["secret"], example["t"])
    with pytest.raises(WebhookRejected, match="does not match"):
        verify_jaas(example["header"], body, "whsec_other", example["t"])
    with pytest.raises(WebhookRejected):
        verify_jaas(None, body, example["secret"], example["t"])
    several = example["header"].replace("t=1632490060,", "t=1632490060,v0=x,v1=AAAA,")
    verify_jaas(several, body, example["secret"], example["t"])  # any v1 may match
    event = parse_jaas(JAAS_BODY.decode(body))
    assert event is not None and event.person == "auth0|5f903d7a77f3b4006eb8e67d"
    assert event.moderator is True and event.room == "sampleappromanticshiftsstripas"


def test_fixtures_normalise() -> None:
    joined = parse_jaas(JAAS_BODY.decode((FIXTURES / "jaas-participant-joined.json").read_bytes()))
    left = parse_jaas(JAAS_BODY.decode((FIXTURES / "jaas-participant-left.json").read_bytes()))
    assert joined is not None and left is not None
    assert (joined.kind, joined.room, joined.connection, joined.person) == (
        "joined",
        "testroom2",
        "3988218d",
        "uniqueUserIdentifier",
    )
    assert joined.at == pytest.approx(1600951818.143) and joined.moderator
    assert (left.kind, left.reason) == ("left", "left")
    created = parse_jaas(JAAS_BODY.decode((FIXTURES / "jaas-room-created.json").read_bytes()))
    assert created is not None and created.kind == "room_created"
    assert parse_jaas(JaasBody(eventType="RECORDING_STARTED")) is None
    with pytest.raises(MalformedWebhook):
        parse_jaas(JaasBody(eventType="PARTICIPANT_JOINED"))
    occupant = parse_event_sync(
        "occupant/joined", json.loads((FIXTURES / "event-sync-occupant-joined.json").read_bytes())
    )
    assert occupant[0].person == "00380324-a840-400d-880f-7ee0933b7556"
    gone = parse_event_sync(
        "occupant/left", json.loads((FIXTURES / "event-sync-occupant-left.json").read_bytes())
    )[0]
    destroyed = parse_event_sync(
        "room/destroyed", json.loads((FIXTURES / "event-sync-room-destroyed.json").read_bytes())
    )
    assert [e.kind for e in destroyed] == ["room_destroyed", "left"]
    assert destroyed[1].key == gone.key  # the reconciling leave deduplicates with the real one
    assert bearer_ok("Bearer abc", "abc") and not bearer_ok("Bearer abd", "abc")
    assert not bearer_ok(None, "abc") and not bearer_ok("Bearer ", "")


ROSTER = Roster(
    ids=frozenset({"ana", "ben", "cai"}),
    by_email={"ben@x.org": "ben"},
    by_name={"cai lopes": "cai"},
)
T0 = 1_000_000.0


def ev(kind: Kind, minute: float, person: str = "ana", connection: str = "c1", **extra):
    return RoomEvent(
        "jaas",
        kind,
        "k",
        T0 + minute * 60,
        key=extra.pop("key", f"{kind}-{person}-{connection}-{minute}"),
        person=person,
        connection=connection,
        **extra,
    )


def test_presence_hand_worked_case() -> None:
    """Keynote from minute 0 to 45, threshold 0.75 (33.75 minutes)."""
    events = [
        ev("joined", 0, "ana"),
        ev("left", 45, "ana"),  # 45 min: attended
        ev("joined", 5, "ben", "b1"),
        ev("left", 21, "ben", "b1", reason="unknown"),  # lost
        ev("joined", 20.5, "ben", "b2"),
        ev("left", 40, "ben", "b2"),  # back within 60 s
        ev("left", 30, "ana2", "d1", key="dup-left"),  # a leave whose join never came: dropped
        ev("joined", 10, "", "x1", name="Cai Lopes"),
        ev("left", 20, "", "x1"),  # by name
        ev("joined", 0, "", "r1", service=True),
        ev("left", 45, "", "r1", service=True),
        ev("joined", 3, "zed", "z1", name="Zed"),  # a guest that never left: closed at 60
    ]
    events += [ev("joined", 0, "ana")]  # a duplicate delivery of ana's join
    spans = intervals(events, ROSTER, open_until=lambda room, start: T0 + 60 * 60)
    by_person: dict[str, list] = {}
    for span in spans:
        by_person.setdefault(span.person, []).append(span)
    assert [(s.start - T0) / 60 for s in by_person["ben"]] == [5]
    assert (by_person["ben"][0].end - T0) / 60 == 40
    assert {"connection-lost", "reconnected"} <= by_person["ben"][0].flags
    assert "no-leave" in by_person["guest:Zed"][0].flags
    rows = attendance(
        by_person,
        ["ana", "ben", "cai"],
        {"ana": ("Ana", "A"), "ben": ("Ben", "B"), "cai": ("Cai Lopes", "C")},
        T0,
        T0 + 45 * 60,
        0.75,
        marked={},
    )
    table = {r.participant: (r.minutes, r.status, r.evidence) for r in rows}
    assert table == {
        "ana": (45.0, "attended", "webhook"),
        "ben": (35.0, "attended", "webhook"),  # 5→40: 35 min = 0.778
        "cai": (10.0, "partial", "webhook"),
        "guest:Zed": (42.0, "guest", "webhook"),
    }


def test_order_of_arrival_does_not_matter() -> None:
    events = [
        ev("joined", 0, "ana"),
        ev("left", 30, "ana"),
        ev("joined", 30.5, "ana", "c2"),
        ev("left", 40, "ana", "c2"),
    ]
    forward = intervals(events, ROSTER, open_until=lambda r, s: s)
    backward = intervals(list(reversed(events)), ROSTER, open_until=lambda r, s: s)
    assert forward == backward
    assert len(forward) == 1 and "reconnected" in forward[0].flags
    assert (forward[0].end - forward[0].start) / 60 == 40


def test_merge_keeps_gaps_of_a_minute_or_more() -> None:
    spans = intervals(
        [
            ev("joined", 0),
            ev("left", 10),
            ev("joined", 11.5, connection="c2"),
            ev("left", 20, connection="c2"),
        ],
        ROSTER,
        open_until=lambda r, s: s,
    )
    assert len(spans) == 2
    assert merge(spans) == spans
