"""What both signing schemes share: headers read with or without an `X-` prefix, sr25519 keys and signatures."""

from __future__ import annotations

from collections.abc import Mapping

from substrateinterface import Keypair

from scoreminer.errors import AuthError


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by its plain name or with an `X-` prefix (validators send one or the other, some both), in any
    letter case (HTTP header names are case-insensitive; a plain dict is not)."""
    lowered = {key.lower(): value for key, value in headers.items()}
    return lowered.get(name.lower()) or lowered.get(f"x-{name.lower()}") or None


def require_headers(headers: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """Every named header (plain or `X-`), or AuthError listing the missing ones."""
    found = {name: header(headers, name) for name in names}
    missing = [name for name, value in found.items() if not value]
    if missing:
        raise AuthError(f"missing header(s): {', '.join(missing)}")
    return {name: str(value) for name, value in found.items()}


def public_key(ss58: str) -> Keypair:
    """The verifying half of an ss58 address; AuthError when it is not one."""
    try:
        return Keypair(ss58_address=ss58, ss58_format=42)
    except (ValueError, TypeError, IndexError):
        raise AuthError("validator-hotkey is not an ss58 address") from None


def signature_bytes(text: str) -> bytes:
    """`0x`-hex (or bare hex) of a 64-byte sr25519 signature; AuthError otherwise."""
    try:
        signature = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        raise AuthError("signature is not hex") from None
    if len(signature) != 64:
        raise AuthError("signature is not 64 bytes")
    return signature


def verifies(public: Keypair, message: str, signature: bytes) -> bool:
    try:
        return bool(public.verify(message, signature))
    except (ValueError, TypeError):
        return False


def check_signed(public: Keypair, messages: set[str], signature: bytes) -> None:
    """AuthError unless the signature signs one of the accepted messages."""
    if not any(verifies(public, message, signature) for message in messages):
        raise AuthError("signature does not match")
