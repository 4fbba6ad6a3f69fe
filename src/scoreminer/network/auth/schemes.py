"""The signing scheme each protocol uses, by PROTOCOL name: how to verify a request and how to sign one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scoreminer.network.auth import fiber, turbovision
from scoreminer.network.auth.nonces import FIBER_NONCE, TIMESTAMP_NONCE, NonceFormat, NonceStore

Verifier = Callable[[Mapping[str, str], bytes, str, NonceStore], str]
RequestParts = Callable[..., tuple[bytes, dict[str, str]]]  # (keypair, miner_hotkey, payload, **variant)


@dataclass(frozen=True)
class Scheme:
    """One protocol's signing: verification (miner side), request building (validator side), its nonces."""

    name: str
    verify: Verifier
    request_parts: RequestParts
    nonce_format: NonceFormat

    def nonce_store(self) -> NonceStore:
        return NonceStore(form=self.nonce_format)


SCHEMES = {
    "score-vision": Scheme("fiber", fiber.verify_signature, fiber.request_parts, FIBER_NONCE),
    "turbovision-private": Scheme(
        "turbovision", turbovision.verify_signature, turbovision.request_parts, TIMESTAMP_NONCE
    ),
}
