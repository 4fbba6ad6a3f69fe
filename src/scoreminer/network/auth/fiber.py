"""Score Vision's signing scheme, fiber 2.x plain HTTP (no encryption): both sides of it.

Headers `validator-hotkey`, `miner-hotkey`, `nonce` (`<time_ns>_<10 letters/digits>`), `signature`: sr25519 over
`{nonce}:{miner_hotkey}:{sha256_hex(body)}`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
import time
from collections.abc import Mapping
from typing import Any

from substrateinterface import Keypair

from scoreminer.errors import AuthError, NonceError
from scoreminer.network.auth.nonces import NonceStore
from scoreminer.network.auth.sr25519 import check_signed, public_key, require_headers, signature_bytes

NONCE_ALPHABET = string.ascii_letters + string.digits
REQUIRED_HEADERS = ("validator-hotkey", "miner-hotkey", "nonce", "signature")


def make_nonce(now_ns: int | None = None) -> str:
    """`{time_ns}_{10 random letters/digits}`, as fiber's validator does."""
    suffix = "".join(secrets.choice(NONCE_ALPHABET) for _ in range(10))
    return f"{now_ns if now_ns is not None else time.time_ns()}_{suffix}"


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def accepted_body_hashes(body: bytes) -> set[str]:
    """The raw body's hash and, for JSON, the hash of `json.dumps(json.loads(body))`.

    fiber hashes `json.dumps(payload)` but httpx >= 0.28 sends compact JSON; both forms prove
    the validator signed the object we act on.
    """
    hashes = {body_hash(body)}
    try:
        hashes.add(body_hash(json.dumps(json.loads(body)).encode()))
    except (ValueError, UnicodeDecodeError, RecursionError):
        pass
    return hashes


def signed_message(nonce: str, miner_hotkey: str, digest: str) -> str:
    return f"{nonce}:{miner_hotkey}:{digest}"


def signed_headers(keypair: Keypair, miner_hotkey: str, body: bytes, nonce: str | None = None) -> dict[str, str]:
    """The headers a fiber validator sends with `body`, signed by `keypair`."""
    nonce = nonce or make_nonce()
    signature = keypair.sign(signed_message(nonce, miner_hotkey, body_hash(body)))
    return {
        "validator-hotkey": keypair.ss58_address,
        "miner-hotkey": miner_hotkey,
        "nonce": nonce,
        "signature": "0x" + signature.hex(),
        "Content-Type": "application/json",
    }


def request_parts(
    keypair: Keypair, miner_hotkey: str, payload: dict[str, Any], *, compact: bool = False
) -> tuple[bytes, dict[str, str]]:
    """Body and headers as fiber builds them: the signature covers `json.dumps(payload)`.

    With `compact=True` the body is sent compact while the signature still covers the spaced
    form, which is what a validator on httpx >= 0.28 does.
    """
    signed_body = json.dumps(payload).encode()
    body = json.dumps(payload, separators=(",", ":")).encode() if compact else signed_body
    return body, signed_headers(keypair, miner_hotkey, signed_body)


def verify_signature(headers: Mapping[str, str], body: bytes, miner_hotkey: str, nonces: NonceStore) -> str:
    """The validator's ss58 hotkey if the request is signed for us with a fresh nonce; else AuthError."""
    found = require_headers(headers, REQUIRED_HEADERS)
    validator, nonce = found["validator-hotkey"], found["nonce"]
    if found["miner-hotkey"] != miner_hotkey:
        raise AuthError("miner-hotkey is not this miner's hotkey")
    signature = signature_bytes(found["signature"])
    messages = {signed_message(nonce, miner_hotkey, h) for h in accepted_body_hashes(body)}
    check_signed(public_key(validator), messages, signature)
    try:
        nonces.check_and_remember(nonce, signer=validator)
    except NonceError as exc:
        raise AuthError(str(exc)) from None
    return validator
