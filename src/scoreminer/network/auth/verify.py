"""Decide whether a validator may use us: its signature under the protocol's scheme (401), then its stake (403)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoreminer.errors import StakeError
from scoreminer.network.auth import fiber
from scoreminer.network.auth.nonces import NonceStore
from scoreminer.network.auth.schemes import Verifier
from scoreminer.network.chain.metagraph import Metagraph


@dataclass(frozen=True)
class StakePolicy:
    """Who may send challenges: enough stake in the metagraph, or on the allow-list."""

    min_stake: float
    allowed: frozenset[str] = frozenset()
    enforced: bool = True  # BLACKLIST_ENABLED=false: any signer is served


def check_stake(validator: str, metagraph: Metagraph | None, policy: StakePolicy) -> None:
    """Allow-listed, or in the metagraph with enough stake; else StakeError."""
    if validator in policy.allowed or not policy.enforced:
        return
    node = metagraph.node(validator) if metagraph else None
    if node is None:
        raise StakeError("validator hotkey is not in the metagraph")
    if node.check_stake < policy.min_stake:
        raise StakeError(f"validator stake {node.check_stake:.2f} is below the minimum {policy.min_stake:g}")


def authorize(
    headers: Mapping[str, str],
    body: bytes,
    miner_hotkey: str,
    nonces: NonceStore,
    metagraph: Metagraph | None,
    policy: StakePolicy,
    verify: Verifier = fiber.verify_signature,
) -> str:
    """Signature first (401), then stake (403): the validator's hotkey when both pass."""
    validator = verify(headers, body, miner_hotkey, nonces)
    check_stake(validator, metagraph, policy)
    return validator
