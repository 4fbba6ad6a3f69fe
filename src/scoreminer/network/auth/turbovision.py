"""Turbo Vision's signing scheme, as its central validator signs a private-track challenge: both sides of it.

Headers `Validator-Hotkey`, `Nonce` (integer nanoseconds as text), `Signature` (`0x` + hex sr25519) and
`Miner-Hotkey`, each also sent with an `X-` prefix; the signed text is the nonce immediately followed by the
blake2b-256 hex digest of the body. The miner hotkey is not in the signed text, so it is checked as a header.

The validator hashes pydantic's compact `model_dump_json` of its request but sends httpx's `json=` of the
same dict: identical bytes with the httpx it locks (0.28.1), spaced JSON with an older one. Accepted digests:
the raw body, its compact re-serialisation, and that without a null `image_url` (the field the validator
leaves out of what it signs). Each proves the validator signed the object acted on; the nonce stops replays.

The miner template in the validator's repository checks fiber's `nonce:miner_hotkey:hash` message instead,
which the central validator does not send: a miner that used it would refuse every real challenge.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from typing import Any

from substrateinterface import Keypair

from scoreminer.errors import AuthError, NonceError
from scoreminer.network.auth.nonces import NonceStore
from scoreminer.network.auth.sr25519 import check_signed, public_key, require_headers, signature_bytes

REQUIRED_HEADERS = ("validator-hotkey", "miner-hotkey", "nonce", "signature")


def make_nonce(now_ns: int | None = None) -> str:
    return str(now_ns if now_ns is not None else time.time_ns())


def digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=32).hexdigest()


def compact(payload: Any) -> bytes:
    """JSON as pydantic and httpx >= 0.28 write it: no spaces, UTF-8 kept."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def accepted_digests(body: bytes) -> set[str]:
    """Digests of the forms a validator may have signed for this body (see the module docstring)."""
    digests = {digest(body)}
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return digests
    digests.add(digest(compact(payload)))
    if isinstance(payload, dict) and "image_url" in payload and payload["image_url"] is None:
        digests.add(digest(compact({k: v for k, v in payload.items() if k != "image_url"})))
    return digests


def signed_headers(
    keypair: Keypair, miner_hotkey: str, signed_body: bytes, nonce: str | None = None, prefix: str = "X-"
) -> dict[str, str]:
    """The headers the central validator sends, signed by `keypair` over `signed_body`."""
    nonce = nonce or make_nonce()
    signature = keypair.sign(f"{nonce}{digest(signed_body)}".encode())
    return {
        f"{prefix}Validator-Hotkey": keypair.ss58_address,
        f"{prefix}Miner-Hotkey": miner_hotkey,
        f"{prefix}Nonce": nonce,
        f"{prefix}Signature": "0x" + signature.hex(),
        "Content-Type": "application/json",
    }


def request_parts(
    keypair: Keypair, miner_hotkey: str, payload: dict[str, Any], *, spaced: bool = False, prefix: str = "X-"
) -> tuple[bytes, dict[str, str]]:
    """Body and headers as the central validator builds them: the signature covers the compact JSON.

    `spaced=True` sends `json.dumps(payload)` under that same signature, as a validator on httpx < 0.28 does.
    """
    signed = compact(payload)
    body = json.dumps(payload).encode() if spaced else signed
    return body, signed_headers(keypair, miner_hotkey, signed, prefix=prefix)


def verify_signature(headers: Mapping[str, str], body: bytes, miner_hotkey: str, nonces: NonceStore) -> str:
    """The validator's ss58 hotkey if the request is signed with a fresh nonce and names this miner; else AuthError."""
    found = require_headers(headers, REQUIRED_HEADERS)
    validator, nonce = found["validator-hotkey"], found["nonce"]
    if found["miner-hotkey"] != miner_hotkey:
        raise AuthError("miner-hotkey is not this miner's hotkey")
    signature = signature_bytes(found["signature"])
    check_signed(public_key(validator), {f"{nonce}{d}" for d in accepted_digests(body)}, signature)
    try:
        nonces.check_and_remember(nonce, signer=validator)
    except NonceError as exc:
        raise AuthError(str(exc)) from None
    return validator
