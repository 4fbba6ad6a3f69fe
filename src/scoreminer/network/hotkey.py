"""Load the miner's hotkey from a bittensor wallet file."""

from __future__ import annotations

import json
from pathlib import Path

from substrateinterface import Keypair

from scoreminer.errors import HotkeyError


def load_hotkey(path: Path) -> Keypair:
    """The sr25519 keypair in a wallet hotkey file; HotkeyError names the problem and the fix."""
    if not path.is_file():
        raise HotkeyError(
            f"no hotkey file at {path}",
            "create it with `btcli wallet new_hotkey` or set WALLET_PATH / WALLET_NAME / HOTKEY_NAME",
        )
    try:
        data = json.loads(path.read_text())
        keypair = Keypair.create_from_seed(data["secretSeed"], ss58_format=42)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HotkeyError(
            f"hotkey file {path} is unreadable ({type(exc).__name__}: {exc})", "restore it from your wallet backup"
        ) from None
    stated = data.get("ss58Address")
    if stated and stated != keypair.ss58_address:
        raise HotkeyError(
            f"hotkey file {path} says ss58Address {stated} but its secretSeed gives {keypair.ss58_address}",
            "the file is corrupt; restore it from your wallet backup",
        )
    return keypair


def write_hotkey(path: Path, keypair: Keypair) -> Path:
    """Write a hotkey file in the bittensor wallet format (tests and throwaway demo keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "secretSeed": "0x" + seed_hex(keypair),
        "publicKey": "0x" + keypair.public_key.hex(),
        "accountId": "0x" + keypair.public_key.hex(),
        "ss58Address": keypair.ss58_address,
    }
    path.write_text(json.dumps(data))
    path.chmod(0o600)
    return path


def seed_hex(keypair: Keypair) -> str:
    """The keypair's 32-byte seed as hex without 0x (substrate-interface returns bytes or str)."""
    seed = keypair.seed_hex
    return seed.hex() if isinstance(seed, bytes) else seed.removeprefix("0x")


def new_keypair() -> Keypair:
    """A fresh random sr25519 keypair (throwaway validator keys, tests)."""
    return Keypair.create_from_mnemonic(Keypair.generate_mnemonic(), ss58_format=42)
