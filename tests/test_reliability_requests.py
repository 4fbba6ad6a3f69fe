"""Auth abuse and bad payloads against the real server: refused before any fetch or model call."""

from __future__ import annotations

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from reliability_harness import good_clip, payload, reliability_miner, signed_post, temp_files
from reliability_log import record
from scoreminer.network.auth.fiber import make_nonce, signed_headers
from scoreminer.network.auth.hotkey import new_keypair

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


@pytest.fixture(scope="module")
def miner(tmp_path_factory, tiny_models):
    root = tmp_path_factory.mktemp("reliability-requests")
    with reliability_miner(root, tiny_models, {"good.mp4": good_clip(root)}) as m:
        yield m


def untouched(miner):
    """Snapshot of what a refused request must not change."""
    return miner["media"].total_requests, miner["service"].pipeline.detector.calls


def headers_for(miner, body: bytes, signer=None, **change) -> dict:
    signer = signer or miner["validators"]["rich"]
    headers = signed_headers(signer, change.pop("miner_hotkey", miner["hotkey"]), body, nonce=change.pop("nonce", None))
    headers.update(change)
    return headers


def raw_post(miner, body: bytes, headers: dict) -> httpx.Response:
    return httpx.post(f"{miner['url']}/soccer/challenge", content=body, headers=headers, timeout=60)


def body_of(miner) -> bytes:
    return json.dumps(payload(miner["media"].url("/video/good.mp4"))).encode()


AUTH_CASES = {
    "missing validator-hotkey": (
        lambda m, b: {k: v for k, v in headers_for(m, b).items() if k != "validator-hotkey"},
        401,
    ),
    "missing miner-hotkey": (lambda m, b: {k: v for k, v in headers_for(m, b).items() if k != "miner-hotkey"}, 401),
    "missing nonce": (lambda m, b: {k: v for k, v in headers_for(m, b).items() if k != "nonce"}, 401),
    "missing signature": (lambda m, b: {k: v for k, v in headers_for(m, b).items() if k != "signature"}, 401),
    "garbage signature": (lambda m, b: headers_for(m, b, signature="0x" + "ab" * 64), 401),
    "signature by another key": (
        lambda m, b: {
            **headers_for(m, b, signer=new_keypair()),
            "validator-hotkey": m["validators"]["rich"].ss58_address,
        },
        401,
    ),
    "wrong miner-hotkey": (lambda m, b: headers_for(m, b, miner_hotkey=new_keypair().ss58_address), 401),
    "stale nonce (-130 s)": (lambda m, b: headers_for(m, b, nonce=make_nonce(time.time_ns() - 130 * 10**9)), 401),
    "future nonce (+130 s)": (lambda m, b: headers_for(m, b, nonce=make_nonce(time.time_ns() + 130 * 10**9)), 401),
    "malformed nonce": (lambda m, b: headers_for(m, b, nonce="not-a-nonce"), 401),
    "unknown validator": (lambda m, b: headers_for(m, b, signer=m["validators"]["stranger"]), 403),
    "stake below threshold": (lambda m, b: headers_for(m, b, signer=m["validators"]["poor"]), 403),
}


@pytest.mark.parametrize("case", list(AUTH_CASES))
def test_auth_abuse_is_refused_without_fetching_or_inference(miner, case):
    build, expected = AUTH_CASES[case]
    before = untouched(miner)
    body = body_of(miner)
    response = raw_post(miner, body, build(miner, body))
    record("auth", case, str(expected), f"{response.status_code} {response.json()['error']}")
    assert response.status_code == expected
    assert untouched(miner) == before


def test_replayed_nonce_sequential_and_parallel(miner):
    body = body_of(miner)
    headers = headers_for(miner, body)
    assert raw_post(miner, body, headers).status_code == 200
    fetched = miner["media"].total_requests
    replay = raw_post(miner, body, headers)
    record("auth", "replayed nonce (sequential)", "401", f"{replay.status_code} {replay.json()['error']}")
    assert replay.status_code == 401 and miner["media"].total_requests == fetched

    fresh = headers_for(miner, body)
    with ThreadPoolExecutor(10) as pool:
        codes = sorted(r.status_code for r in pool.map(lambda _: raw_post(miner, body, fresh), range(10)))
    record("auth", "same signed request ×10 in parallel", "one 200, nine 401", str(codes))
    assert codes == [200] + [401] * 9
    assert miner["media"].total_requests == fetched + 1


BAD_BODIES = {
    "invalid JSON": b'{"challenge_id": "1", ',
    "JSON that is not an object": b"[1, 2, 3]",
    "missing video_url": json.dumps({"challenge_id": "1"}).encode(),
    "empty video_url": json.dumps({"challenge_id": "1", "video_url": ""}).encode(),
    "file:// URL": json.dumps({"challenge_id": "1", "video_url": "file:///etc/passwd"}).encode(),
    "ftp:// URL": json.dumps({"challenge_id": "1", "video_url": "ftp://127.0.0.1/clip.mp4"}).encode(),
    "data: URL": json.dumps({"challenge_id": "1", "video_url": "data:video/mp4;base64,AAAA"}).encode(),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bad_payloads_are_400_without_fetching(miner, case):
    before = untouched(miner)
    body = BAD_BODIES[case]
    response = raw_post(miner, body, headers_for(miner, body))
    record("payload", case, "400", f"{response.status_code} {response.json()['error'][:80]}")
    assert response.status_code == 400
    assert untouched(miner) == before


def test_extra_fields_are_ignored(miner):
    response = signed_post(miner, {**payload(miner["media"].url("/video/good.mp4")), "surprise": {"nested": [1]}})
    record("payload", "extra fields", "200, ignored", str(response.status_code))
    assert response.status_code == 200


def test_body_over_1_mib_is_refused_before_it_is_read_whole(miner):
    host, port = miner["url"].removeprefix("http://").split(":")
    declared = 50 * 2**20
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            (
                f"POST /soccer/challenge HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {declared}\r\n\r\n"
            ).encode()
            + b"{"
            + b" " * 65536
        )
        reply = sock.recv(4096).decode(errors="replace")
    record(
        "payload",
        "body over 1 MiB (50 MiB declared, 64 KiB sent)",
        "413 before the rest is sent",
        reply.splitlines()[0],
    )
    assert reply.startswith("HTTP/1.1 413")
    assert temp_files(miner) == []
