"""The fiber 2.x request-signing protocol (plain HTTP, no encryption): both sides share this module."""

from __future__ import annotations

import hashlib
import json
import secrets
import string
import time

from substrateinterface import Keypair

NONCE_ALPHABET = string.ascii_letters + string.digits


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
