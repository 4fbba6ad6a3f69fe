"""The validator side of both protocols: sign a JSON payload and POST it to a miner."""

from __future__ import annotations

from typing import Any

import httpx
from substrateinterface import Keypair

from scoreminer.network.auth import fiber
from scoreminer.network.auth.schemes import SCHEMES, Scheme


def signed_request_parts(
    keypair: Keypair, miner_hotkey: str, payload: dict[str, Any], *, compact: bool = False
) -> tuple[bytes, dict[str, str]]:
    """Body and headers of a Score Vision (fiber) request; see `fiber.request_parts`."""
    return fiber.request_parts(keypair, miner_hotkey, payload, compact=compact)


class SigningClient:
    """POST signed challenges to a miner over one keep-alive httpx client, signed as PROTOCOL's validators sign."""

    def __init__(
        self,
        keypair: Keypair,
        base_url: str,
        *,
        timeout: float = 240.0,
        transport: httpx.BaseTransport | None = None,
        protocol: str = "score-vision",
    ) -> None:
        self.keypair = keypair
        self.scheme: Scheme = SCHEMES[protocol]
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def post(self, path: str, payload: dict[str, Any], miner_hotkey: str, **variant: Any) -> httpx.Response:
        """`variant`: the scheme's encoding options (`compact=True` for fiber, `spaced=True` / `prefix=""` for
        Turbo Vision)."""
        body, headers = self.scheme.request_parts(self.keypair, miner_hotkey, payload, **variant)
        return self._http.post(path, content=body, headers=headers)

    def get(self, path: str) -> httpx.Response:
        return self._http.get(path, headers={"validator-hotkey": self.keypair.ss58_address})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SigningClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
