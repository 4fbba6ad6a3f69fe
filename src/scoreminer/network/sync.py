"""`sync-metagraph`: fetch the subnet's nodes, save the snapshot, say where our hotkey stands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scoreminer.errors import HotkeyError
from scoreminer.network.fetch import fetch_snapshot
from scoreminer.network.hotkey import load_hotkey
from scoreminer.network.nodes import MetagraphSnapshot, Node
from scoreminer.network.snapshot import save_snapshot
from scoreminer.settings import Settings


@dataclass(frozen=True)
class SyncResult:
    """What was fetched, where it was saved, and our own node (if registered)."""

    snapshot: MetagraphSnapshot
    saved_to: Path
    our_hotkey: str | None
    our_node: Node | None
    port: int

    @property
    def axon_matches(self) -> bool:
        return bool(self.our_node and self.our_node.port == self.port and self.our_node.ip != "0.0.0.0")

    def to_dict(self) -> dict:
        return {
            "netuid": self.snapshot.netuid, "block": self.snapshot.block, "address": self.snapshot.address,
            "saved_to": str(self.saved_to), "stake_check_uses": self.snapshot.stake_figure,
            "our_hotkey": self.our_hotkey, "registered": self.our_node is not None,
            "our_uid": self.our_node.uid if self.our_node else None, "axon_matches_port": self.axon_matches,
            "nodes": [n.model_dump() for n in self.snapshot.nodes],
        }


def sync_metagraph(settings: Settings, netuid: int | None = None, address: str | None = None) -> SyncResult:
    """Fetch NETUID's nodes from the chain, save them to NODES_SNAPSHOT and find our hotkey."""
    netuid = netuid if netuid is not None else settings.require_netuid()
    snapshot = fetch_snapshot(address or settings.chain_address, netuid)
    saved = save_snapshot(settings.nodes_snapshot, snapshot)
    try:
        hotkey: str | None = load_hotkey(settings.hotkey_path).ss58_address
    except HotkeyError:
        hotkey = None
    node = snapshot.by_hotkey().get(hotkey) if hotkey else None
    return SyncResult(snapshot=snapshot, saved_to=saved, our_hotkey=hotkey, our_node=node, port=settings.port)
