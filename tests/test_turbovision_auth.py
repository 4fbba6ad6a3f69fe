"""Turbo Vision's signing, verified with real sr25519 keys: what its central validator sends passes, and each
way a request can be wrong is refused (401)."""

from __future__ import annotations

import json
import time

import pytest

from scoreminer.errors import AuthError
from scoreminer.network.auth import turbovision
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.network.auth.nonces import TIMESTAMP_NONCE, NonceStore
from scoreminer.network.auth.schemes import SCHEMES

PAYLOAD = {"challenge_id": "7", "video_url": "http://127.0.0.1/clip.mp4", "image_url": None, "frames": None}


@pytest.fixture(scope="module")
def keys():
    return {"validator": new_keypair(), "miner": new_keypair(), "other": new_keypair()}


def verify(headers, body, keys, store=None):
    store = NonceStore(form=TIMESTAMP_NONCE) if store is None else store
    return turbovision.verify_signature(headers, body, keys["miner"].ss58_address, store)


def refused(headers, body, keys, match, store=None):
    with pytest.raises(AuthError, match=match) as info:
        verify(headers, body, keys, store)
    assert info.value.http_status == 401


def test_the_validators_message_is_the_nonce_then_the_blake2b_hex_of_the_body(keys):
    body, headers = turbovision.request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    assert body == json.dumps(PAYLOAD, separators=(",", ":")).encode()
    nonce = headers["X-Nonce"]
    assert nonce.isdigit() and abs(int(nonce) - time.time_ns()) < 5e9
    digest = turbovision.digest(body)
    assert len(digest) == 64
    signature = bytes.fromhex(headers["X-Signature"].removeprefix("0x"))
    assert keys["validator"].verify(f"{nonce}{digest}", signature)


@pytest.mark.parametrize("prefix", ["X-", ""], ids=["x-prefixed", "plain"])
def test_a_request_signed_as_the_validator_signs_is_accepted_with_either_header_names(keys, prefix):
    body, headers = turbovision.request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD, prefix=prefix)
    assert all(name.startswith(prefix) for name in headers if name != "Content-Type")
    assert verify(headers, body, keys) == keys["validator"].ss58_address


def test_spaced_body_of_an_older_httpx_under_the_compact_signature_is_accepted(keys):
    body, headers = turbovision.request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD, spaced=True)
    assert b", " in body
    assert verify(headers, body, keys) == keys["validator"].ss58_address


def test_a_body_with_a_null_image_url_signed_without_it_is_accepted(keys):
    # The validator signs model_dump_json(exclude={"image_url"}); a body that still carries the null is the same object.
    signed = {k: v for k, v in PAYLOAD.items() if k != "image_url"}
    headers = turbovision.signed_headers(keys["validator"], keys["miner"].ss58_address, turbovision.compact(signed))
    assert verify(headers, turbovision.compact(PAYLOAD), keys) == keys["validator"].ss58_address


def test_a_changed_body_is_refused(keys):
    body, headers = turbovision.request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    refused(headers, body.replace(b"clip.mp4", b"evil.mp4"), keys, "signature does not match")


def test_a_non_null_image_url_cannot_be_slipped_into_a_body_signed_without_it(keys):
    signed = {k: v for k, v in PAYLOAD.items() if k != "image_url"}
    headers = turbovision.signed_headers(keys["validator"], keys["miner"].ss58_address, turbovision.compact(signed))
    tampered = turbovision.compact({**PAYLOAD, "image_url": "http://evil/x.png"})
    refused(headers, tampered, keys, "signature does not match")


@pytest.mark.parametrize(("offset_s", "match"), [(-121, "too old"), (121, "in the future")])
def test_stale_and_future_nonces_are_refused(keys, offset_s, match):
    body = turbovision.compact(PAYLOAD)
    nonce = turbovision.make_nonce(time.time_ns() + int(offset_s * 1e9))
    headers = turbovision.signed_headers(keys["validator"], keys["miner"].ss58_address, body, nonce=nonce)
    refused(headers, body, keys, match)


def test_a_replayed_nonce_is_refused(keys):
    store = NonceStore(form=TIMESTAMP_NONCE)
    body, headers = turbovision.request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    verify(headers, body, keys, store)
    refused(headers, body, keys, "already used", store)


def test_the_same_nanosecond_from_two_validators_is_no_replay(keys):
    store = NonceStore(form=TIMESTAMP_NONCE)
    body, nonce = turbovision.compact(PAYLOAD), turbovision.make_nonce()
    for signer in (keys["validator"], keys["other"]):
        headers = turbovision.signed_headers(signer, keys["miner"].ss58_address, body, nonce=nonce)
        assert verify(headers, body, keys, store) == signer.ss58_address


def test_a_request_for_another_miner_is_refused(keys):
    body, headers = turbovision.request_parts(keys["validator"], keys["other"].ss58_address, PAYLOAD)
    refused(headers, body, keys, "not this miner")


@pytest.mark.parametrize("name", ["Validator-Hotkey", "Miner-Hotkey", "Nonce", "Signature"])
def test_each_missing_header_is_refused(keys, name):
    body, headers = turbovision.request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    del headers[f"X-{name}"]
    refused(headers, body, keys, f"missing header.*{name.lower()}")


@pytest.mark.parametrize("nonce", ["abc", "123_abcdefghij", "1.5", ""])
def test_malformed_nonces_are_refused(keys, nonce):
    body = turbovision.compact(PAYLOAD)
    headers = turbovision.signed_headers(keys["validator"], keys["miner"].ss58_address, body, nonce=nonce or "x")
    headers["X-Nonce"] = nonce
    refused(headers, body, keys, "malformed|missing")


def test_a_fiber_signed_request_does_not_pass_as_turbovision(keys):
    body, headers = SCHEMES["score-vision"].request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    refused(headers, body, keys, "malformed|signature")
