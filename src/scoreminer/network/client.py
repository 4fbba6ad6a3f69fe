"""The validator side of the protocol: sign a JSON payload and POST it to a miner."""

from __future__ import annotations

import json
from typing import Any

import httpx
from substrateinterface import Keypair

from scoreminer.network.auth.signing import signed_headers


def signed_request_parts(
    keypair: Keypair, miner_hotkey: str, payload: dict[str, Any], *, compact: bool = False
) -> tuple[bytes, dict[str, str]]:
    """Body and headers as fiber builds them: the signature covers `json.dumps(payload)`.

    With `compact=True` the body is sent compact while the signature still covers the spaced
    form, which is what a validator on httpx >= 0.28 does.
    """
    signed_body = json.dumps(payload).encode()
    body = json.dumps(payload, separators=(",", ":")).encode() if compact else signed_body
    return body, signed_headers(keypair, miner_hotkey, signed_body)


class SigningClient:
    """POST signed challenges to a miner over one keep-alive httpx client."""

    def __init__(
        self, keypair: Keypair, base_url: str, *, timeout: float = 240.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.keypair = keypair
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def post(self, path: str, payload: dict[str, Any], miner_hotkey: str, *, compact: bool = False) -> httpx.Response:
        body, headers = signed_request_parts(self.keypair, miner_hotkey, payload, compact=compact)
        return self._http.post(path, content=body, headers=headers)

    def get(self, path: str) -> httpx.Response:
        return self._http.get(path, headers={"validator-hotkey": self.keypair.ss58_address})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SigningClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
