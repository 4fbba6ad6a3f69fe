"""Peak resident memory of this process while a block runs (sampled on a thread)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psutil


class PeakMemory:
    peak_rss_mb: float = 0.0


@contextmanager
def peak_rss(interval_s: float = 0.02) -> Iterator[PeakMemory]:
    process, result, stop = psutil.Process(), PeakMemory(), threading.Event()

    def sample() -> None:
        while True:
            result.peak_rss_mb = max(result.peak_rss_mb, process.memory_info().rss / 2**20)
            if stop.wait(interval_s):
                return

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()
