"""Verify a signed validator request (fiber 2.x) and decide whether the validator may use us."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from substrateinterface import Keypair

from scoreminer.errors import AuthError, NonceError, StakeError
from scoreminer.network.auth.nonces import NonceStore
from scoreminer.network.auth.signing import accepted_body_hashes, signed_message
from scoreminer.network.chain.metagraph import Metagraph

REQUIRED_HEADERS = ("validator-hotkey", "miner-hotkey", "nonce", "signature")


@dataclass(frozen=True)
class StakePolicy:
    """Who may send challenges: enough stake in the metagraph, or on the allow-list."""

    min_stake: float
    allowed: frozenset[str] = frozenset()


def verify_signature(headers: Mapping[str, str], body: bytes, miner_hotkey: str, nonces: NonceStore) -> str:
    """The validator's ss58 hotkey if the request is signed for us with a fresh nonce; else AuthError."""
    missing = [h for h in REQUIRED_HEADERS if not headers.get(h)]
    if missing:
        raise AuthError(f"missing header(s): {', '.join(missing)}")
    validator, nonce = headers["validator-hotkey"], headers["nonce"]
    if headers["miner-hotkey"] != miner_hotkey:
        raise AuthError("miner-hotkey is not this miner's hotkey")
    signature = _signature_bytes(headers["signature"])
    try:
        public = Keypair(ss58_address=validator, ss58_format=42)
    except (ValueError, TypeError, IndexError):
        raise AuthError("validator-hotkey is not an ss58 address") from None
    if not any(
        _verifies(public, signed_message(nonce, miner_hotkey, h), signature) for h in accepted_body_hashes(body)
    ):
        raise AuthError("signature does not match")
    try:
        nonces.check_and_remember(nonce)
    except NonceError as exc:
        raise AuthError(str(exc)) from None
    return validator


def check_stake(validator: str, metagraph: Metagraph | None, policy: StakePolicy) -> None:
    """Allow-listed, or in the metagraph with enough stake; else StakeError."""
    if validator in policy.allowed:
        return
    node = metagraph.node(validator) if metagraph else None
    if node is None:
        raise StakeError("validator hotkey is not in the metagraph")
    if node.check_stake < policy.min_stake:
        raise StakeError(f"validator stake {node.check_stake:.2f} is below the minimum {policy.min_stake:g}")


def _signature_bytes(text: str) -> bytes:
    try:
        signature = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        raise AuthError("signature is not hex") from None
    if len(signature) != 64:
        raise AuthError("signature is not 64 bytes")
    return signature


def _verifies(public: Keypair, message: str, signature: bytes) -> bool:
    try:
        return bool(public.verify(message, signature))
    except (ValueError, TypeError):
        return False


def authorize(
    headers: Mapping[str, str],
    body: bytes,
    miner_hotkey: str,
    nonces: NonceStore,
    metagraph: Metagraph | None,
    policy: StakePolicy,
) -> str:
    """Signature first (401), then stake (403): the validator's hotkey when both pass."""
    validator = verify_signature(headers, body, miner_hotkey, nonces)
    check_stake(validator, metagraph, policy)
    return validator
