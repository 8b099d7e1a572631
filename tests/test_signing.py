"""Standard Webhooks signing for outbound notifications (groundwork for the notifications
issue): the reference library's test vector must verify."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator.notify.signing import new_secret, signature, verify

VECTOR = json.loads(
    (Path(__file__).parent / "fixtures" / "jitsi" / "standard-webhooks-vector.json").read_text()
)


def test_the_reference_vector_verifies() -> None:
    timestamp = int(VECTOR["webhook-timestamp"])
    body = VECTOR["body"].encode()
    assert (
        signature(VECTOR["secret"], VECTOR["webhook-id"], timestamp, body)
        == VECTOR["webhook-signature"]
    )
    assert verify(
        VECTOR["secret"],
        VECTOR["webhook-id"],
        timestamp,
        body,
        f"v1,bm90IGl0 {VECTOR['webhook-signature']}",
    )  # rotation: a list of them
    assert not verify(
        VECTOR["secret"], VECTOR["webhook-id"], timestamp + 1, body, VECTOR["webhook-signature"]
    )
    assert not verify(VECTOR["secret"], "msg_other", timestamp, body, VECTOR["webhook-signature"])


def test_new_secrets_are_random_and_usable() -> None:
    first, second = new_secret(), new_secret()
    assert first != second and first.startswith("whsec_")
    assert verify(first, "msg_1", 1, b"{}", signature(first, "msg_1", 1, b"{}"))
