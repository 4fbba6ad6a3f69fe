"""Request verification with real sr25519 keys: what passes and each way a request is refused."""

from __future__ import annotations

import json
import threading
import time

import pytest

from scoreminer.errors import AuthError, NonceError, StakeError
from scoreminer.network.auth.fiber import make_nonce, signed_headers, verify_signature
from scoreminer.network.auth.hotkey import new_keypair
from scoreminer.network.auth.nonces import NonceStore
from scoreminer.network.auth.verify import StakePolicy, authorize, check_stake
from scoreminer.network.chain.metagraph import Metagraph
from scoreminer.network.chain.nodes import MetagraphSnapshot, Node
from scoreminer.network.client import signed_request_parts

PAYLOAD = {
    "challenge_id": "7",
    "type": "gsr",
    "video_url": "http://127.0.0.1/clip.mp4",
    "created_at": "2025-01-01T00:00:00+00:00",
}


@pytest.fixture(scope="module")
def keys():
    return {"validator": new_keypair(), "miner": new_keypair(), "other": new_keypair()}


def verify(headers, body, keys, store=None):
    return verify_signature(headers, body, keys["miner"].ss58_address, NonceStore() if store is None else store)


@pytest.mark.parametrize("compact", [False, True], ids=["spaced-body", "compact-body-httpx-0.28"])
def test_good_signature_accepted_with_both_body_encodings(keys, compact):
    body, headers = signed_request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD, compact=compact)
    assert (b", " in body) is not compact
    assert verify(headers, body, keys) == keys["validator"].ss58_address


def test_signature_over_exact_raw_bytes_accepted(keys):
    body = b'{"odd":   "spacing"}'
    headers = signed_headers(keys["validator"], keys["miner"].ss58_address, body)
    assert verify(headers, body, keys) == keys["validator"].ss58_address


def refused(headers, body, keys, match, store=None):
    with pytest.raises(AuthError, match=match) as info:
        verify(headers, body, keys, store)
    assert info.value.http_status == 401


def test_tampered_body_refused(keys):
    body, headers = signed_request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    tampered = json.dumps({**PAYLOAD, "video_url": "http://evil/x.mp4"}).encode()
    refused(headers, tampered, keys, "signature does not match")


def test_wrong_miner_hotkey_refused(keys):
    body, headers = signed_request_parts(keys["validator"], keys["other"].ss58_address, PAYLOAD)
    refused(headers, body, keys, "not this miner")


def test_wrong_signer_refused(keys):
    body, headers = signed_request_parts(keys["other"], keys["miner"].ss58_address, PAYLOAD)
    headers["validator-hotkey"] = keys["validator"].ss58_address
    refused(headers, body, keys, "signature does not match")


def test_replayed_nonce_refused(keys):
    store = NonceStore()
    body, headers = signed_request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    verify(headers, body, keys, store)
    refused(headers, body, keys, "already used", store)


@pytest.mark.parametrize(("offset_s", "match"), [(-121, "too old"), (121, "in the future")])
def test_stale_and_future_nonces_refused(keys, offset_s, match):
    nonce = make_nonce(time.time_ns() + int(offset_s * 1e9))
    body = json.dumps(PAYLOAD).encode()
    headers = signed_headers(keys["validator"], keys["miner"].ss58_address, body, nonce=nonce)
    refused(headers, body, keys, match)


@pytest.mark.parametrize("nonce", ["abc", "12345", "_abcdefghij", "123_abc def", "1.5_abcdefghij"])
def test_malformed_nonce_refused(keys, nonce):
    body = json.dumps(PAYLOAD).encode()
    headers = signed_headers(keys["validator"], keys["miner"].ss58_address, body, nonce=nonce)
    refused(headers, body, keys, "malformed")


@pytest.mark.parametrize("header", ["validator-hotkey", "miner-hotkey", "nonce", "signature"])
def test_each_missing_header_refused(keys, header):
    body, headers = signed_request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    del headers[header]
    refused(headers, body, keys, f"missing header.*{header}")


@pytest.mark.parametrize(
    ("signature", "match"),
    [("0xzz", "not hex"), ("0x" + "00" * 10, "not 64 bytes"), ("0x" + "00" * 64, "does not match")],
)
def test_garbage_signatures_refused(keys, signature, match):
    body, headers = signed_request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    refused({**headers, "signature": signature}, body, keys, match)


def test_garbage_validator_hotkey_refused(keys):
    body, headers = signed_request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    refused({**headers, "validator-hotkey": "nope"}, body, keys, "not an ss58")


def test_nonce_store_stays_bounded_after_100k_distinct_nonces():
    store = NonceStore(capacity=10_000)
    start = time.time_ns()
    for i in range(100_000):
        store.check_and_remember(f"{start}_{i:010d}", now_ns=start)
    assert len(store) <= 10_000


def test_nonce_store_evicts_expired_entries():
    store = NonceStore(max_age_s=120)
    t0 = time.time_ns()
    for i in range(1000):
        store.check_and_remember(f"{t0}_{i:010d}", now_ns=t0)
    later = t0 + int(241e9)
    store.check_and_remember(f"{later}_x", now_ns=later)
    assert len(store) == 1


def test_nonce_store_accepts_a_nonce_once_under_concurrency():
    store = NonceStore()
    nonce = make_nonce()
    results: list[bool] = []

    def attempt():
        try:
            store.check_and_remember(nonce)
            results.append(True)
        except NonceError:
            results.append(False)

    threads = [threading.Thread(target=attempt) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1 and len(results) == 32


def metagraph_with(tmp_path, nodes: list[Node]) -> Metagraph:
    snapshot = MetagraphSnapshot(netuid=44, block=1, address="ws://x", nodes=nodes)
    graph = Metagraph("ws://x", 44, tmp_path / "nodes.json", fetcher=lambda a, n: snapshot)
    graph.refresh()
    return graph


def node(hotkey: str, stake: float, uid: int = 0) -> Node:
    return Node(
        uid=uid,
        hotkey=hotkey,
        coldkey=hotkey,
        netuid=44,
        active=True,
        stake=stake,
        validator_trust=0,
        validator_permit=True,
        incentive=0,
        emission=0,
        ip="1.2.3.4",
        port=7999,
        last_update=0,
    )


def test_stake_check_unknown_and_low_stake_get_403(tmp_path, keys):
    graph = metagraph_with(
        tmp_path, [node(keys["validator"].ss58_address, 5000), node(keys["other"].ss58_address, 10, 1)]
    )
    policy = StakePolicy(min_stake=1000)
    check_stake(keys["validator"].ss58_address, graph, policy)
    with pytest.raises(StakeError, match="below the minimum") as info:
        check_stake(keys["other"].ss58_address, graph, policy)
    assert info.value.http_status == 403
    with pytest.raises(StakeError, match="not in the metagraph"):
        check_stake(keys["miner"].ss58_address, graph, policy)


def test_allowlisted_hotkey_skips_metagraph_but_not_signature(tmp_path, keys):
    policy = StakePolicy(min_stake=1000, allowed=frozenset({keys["validator"].ss58_address}))
    body, headers = signed_request_parts(keys["validator"], keys["miner"].ss58_address, PAYLOAD)
    assert (
        authorize(headers, body, keys["miner"].ss58_address, NonceStore(), None, policy)
        == keys["validator"].ss58_address
    )
    _, other_headers = signed_request_parts(keys["other"], keys["miner"].ss58_address, PAYLOAD)
    forged = {**headers, "nonce": make_nonce(), "signature": other_headers["signature"]}
    with pytest.raises(AuthError):
        authorize(forged, body, keys["miner"].ss58_address, NonceStore(), None, policy)
