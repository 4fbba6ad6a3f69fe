"""`sync-metagraph`: fetch the subnet's nodes, save the snapshot, say where our hotkey stands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scoreminer.errors import ChainError, HotkeyError
from scoreminer.network.auth.hotkey import load_hotkey
from scoreminer.network.chain.fetch import fetch_snapshot
from scoreminer.network.chain.nodes import MetagraphSnapshot, Node
from scoreminer.network.chain.snapshot import load_snapshot, save_snapshot
from scoreminer.settings import Settings


@dataclass(frozen=True)
class SyncResult:
    """What was fetched, where it was saved, and our own node (if registered)."""

    snapshot: MetagraphSnapshot
    saved_to: Path
    our_hotkey: str | None
    our_node: Node | None
    port: int
    fallback: str | None = None  # why the saved snapshot is shown instead of a fresh one

    @property
    def axon_matches(self) -> bool:
        return bool(self.our_node and self.our_node.port == self.port and self.our_node.ip != "0.0.0.0")

    def to_dict(self) -> dict:
        return {
            "netuid": self.snapshot.netuid,
            "block": self.snapshot.block,
            "address": self.snapshot.address,
            "saved_to": str(self.saved_to),
            "stake_check_uses": self.snapshot.stake_figure,
            "our_hotkey": self.our_hotkey,
            "registered": self.our_node is not None,
            "our_uid": self.our_node.uid if self.our_node else None,
            "axon_matches_port": self.axon_matches,
            "stale": self.fallback is not None,
            "fallback": self.fallback,
            "nodes": [n.model_dump() for n in self.snapshot.nodes],
        }


def sync_metagraph(settings: Settings) -> SyncResult:
    """Fetch NETUID's nodes from the chain and save them to NODES_SNAPSHOT; on a chain failure, the saved snapshot."""
    netuid = settings.require_netuid()
    fallback = None
    try:
        snapshot = fetch_snapshot(settings.chain_address, netuid, timeout=settings.chain_timeout_s)
        save_snapshot(settings.nodes_snapshot, snapshot)
    except ChainError as exc:
        snapshot = _saved_for(settings.nodes_snapshot, netuid, exc)
        fallback = f"{exc.problem}; showing the saved snapshot {settings.nodes_snapshot} ({snapshot.age_s:.0f} s old)"
    try:
        hotkey: str | None = load_hotkey(settings.hotkey_path).ss58_address
    except HotkeyError:
        hotkey = None
    node = snapshot.by_hotkey().get(hotkey) if hotkey else None
    return SyncResult(
        snapshot=snapshot,
        saved_to=settings.nodes_snapshot,
        our_hotkey=hotkey,
        our_node=node,
        port=settings.port,
        fallback=fallback,
    )


def _saved_for(path: Path, netuid: int, cause: ChainError) -> MetagraphSnapshot:
    try:
        snapshot = load_snapshot(path)
    except ChainError:
        raise cause from None
    if snapshot.netuid != netuid:
        raise cause
    return snapshot
