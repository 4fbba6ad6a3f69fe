"""The live metagraph: last good snapshot, refreshed from the chain on an interval in the background."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from scoreminer.errors import ChainError
from scoreminer.network.chain.fetch import fetch_snapshot
from scoreminer.network.chain.nodes import MetagraphSnapshot, Node
from scoreminer.network.chain.snapshot import load_snapshot, save_snapshot

log = logging.getLogger(__name__)
Fetcher = Callable[[str, int], MetagraphSnapshot]


class Metagraph:
    """Holds the last good snapshot; a failed refresh keeps it and records the error."""

    def __init__(self, address: str, netuid: int, snapshot_path: Path, fetcher: Fetcher = fetch_snapshot) -> None:
        self.address = address
        self.netuid = netuid
        self.snapshot_path = snapshot_path
        self._fetch = fetcher
        self._snapshot: MetagraphSnapshot | None = None
        self._by_hotkey: dict[str, Node] = {}
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def snapshot(self) -> MetagraphSnapshot | None:
        return self._snapshot

    @property
    def node_count(self) -> int:
        return len(self._snapshot.nodes) if self._snapshot else 0

    @property
    def age_s(self) -> float | None:
        return self._snapshot.age_s if self._snapshot else None

    def node(self, hotkey: str) -> Node | None:
        return self._by_hotkey.get(hotkey)

    def load_saved(self) -> bool:
        """Adopt the saved snapshot if it is for this netuid; False (with last_error) otherwise."""
        try:
            snapshot = load_snapshot(self.snapshot_path)
        except ChainError as exc:
            self.last_error = str(exc)
            return False
        if snapshot.netuid != self.netuid:
            self.last_error = f"snapshot {self.snapshot_path} is for netuid {snapshot.netuid}, not {self.netuid}"
            return False
        self._adopt(snapshot)
        return True

    def refresh(self) -> MetagraphSnapshot:
        """Fetch from the chain and save; on ChainError the previous snapshot stays in force."""
        try:
            snapshot = self._fetch(self.address, self.netuid)
        except ChainError as exc:
            self.last_error = str(exc)
            raise
        save_snapshot(self.snapshot_path, snapshot)
        self._adopt(snapshot)
        self.last_error = None
        return snapshot

    def start_refreshing(self, interval_s: float, first_delay_s: float = 0.0) -> None:
        """Refresh after `first_delay_s`, then every `interval_s`, on a daemon thread."""
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, args=(interval_s, first_delay_s), name="metagraph-refresh", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def _loop(self, interval_s: float, first_delay_s: float) -> None:
        if self._stop.wait(first_delay_s):
            return
        while not self._stop.is_set():
            try:
                snapshot = self.refresh()
                log.info("metagraph: %d nodes at block %d", len(snapshot.nodes), snapshot.block)
            except ChainError as exc:
                log.warning("metagraph refresh failed, keeping the last snapshot: %s", exc)
            except Exception:  # a bug here must not kill the refresher thread
                log.exception("metagraph refresh crashed")
            self._stop.wait(interval_s)

    def _adopt(self, snapshot: MetagraphSnapshot) -> None:
        # Swap whole references so readers on other threads never see a half-built map.
        self._by_hotkey = snapshot.by_hotkey()
        self._snapshot = snapshot
