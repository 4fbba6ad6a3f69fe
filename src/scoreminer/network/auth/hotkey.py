"""Load the miner's hotkey from a bittensor wallet file."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from substrateinterface import Keypair

from scoreminer.errors import HotkeyError


def load_hotkey(path: Path) -> Keypair:
    """The sr25519 keypair in a wallet hotkey file; HotkeyError names the problem and the fix."""
    if not path.is_file():
        raise HotkeyError(
            f"no hotkey file at {path}",
            "create it with `scoreminer hotkey new NAME` (or `btcli wallet new_hotkey`) "
            "or set WALLET_PATH / WALLET_NAME / HOTKEY_NAME",
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


@dataclass(frozen=True)
class NewHotkey:
    """A hotkey just written: where, its address, and the mnemonic to back up (shown once)."""

    path: Path
    ss58_address: str
    mnemonic: str
    created_folders: list[Path]  # the folders that did not exist before, outermost first


def write_hotkey(path: Path, keypair: Keypair, mnemonic: str | None = None) -> Path:
    """Write a hotkey file in the bittensor wallet format (readable by btcli and by load_hotkey)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "accountId": "0x" + keypair.public_key.hex(),
        "publicKey": "0x" + keypair.public_key.hex(),
        "privateKey": "0x" + keypair.private_key.hex(),
        "secretPhrase": mnemonic,
        "secretSeed": "0x" + seed_hex(keypair),
        "ss58Address": keypair.ss58_address,
    }
    # Created 0600 from the start: the secret is never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps({k: v for k, v in data.items() if v is not None}))
    path.chmod(0o600)
    return path


def create_hotkey(path: Path) -> NewHotkey:
    """A new sr25519 hotkey at `path` from a fresh 12-word mnemonic; HotkeyError if a file is already there."""
    if path.exists():
        raise HotkeyError(f"{path} already exists", "pick another name; scoreminer never overwrites a key")
    mnemonic = Keypair.generate_mnemonic()
    keypair = Keypair.create_from_mnemonic(mnemonic, ss58_format=42)
    missing = [folder for folder in reversed(path.parents) if not folder.exists()]
    write_hotkey(path, keypair, mnemonic)
    return NewHotkey(path, keypair.ss58_address, mnemonic, missing)


def seed_hex(keypair: Keypair) -> str:
    """The keypair's 32-byte seed as hex without 0x (substrate-interface returns bytes or str)."""
    seed = keypair.seed_hex
    return seed.hex() if isinstance(seed, bytes) else seed.removeprefix("0x")


def new_keypair() -> Keypair:
    """A fresh random sr25519 keypair (throwaway validator keys, tests)."""
    return Keypair.create_from_mnemonic(Keypair.generate_mnemonic(), ss58_format=42)
