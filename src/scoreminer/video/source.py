"""Decode a video on a background thread into a bounded queue, with true 0-based frame numbers."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoreminer.errors import VideoError
from scoreminer.video.info import open_capture

_END = object()
PREFETCH_MAX_BYTES = 512 * 2**20


@dataclass(frozen=True)
class DecodeReport:
    """How decoding ended: frames decoded, and whether the file stopped short of its claimed length."""

    decoded: int
    claimed: int
    truncated: bool


class FrameSource:
    """Iterate `(frame_number, frame)` for every `stride`-th frame; the decoder runs ahead by at most `prefetch`.

    Frames in between are grabbed (decoded, counted) but never converted to pixels: at stride 2 half of the
    YUV→BGR conversions and copies are skipped. Use as a context manager: leaving early stops the decoder.
    """

    def __init__(self, path: Path, prefetch: int = 64, max_bytes: int = PREFETCH_MAX_BYTES, stride: int = 1) -> None:
        self._capture, self.info = open_capture(path)
        self.stride = stride
        self.decode_s = 0.0  # time the decoder thread spent in grab/retrieve
        # Bound the queue by bytes too: 64 frames of 4K video would be 1.6 GB.
        frame_bytes = self.info.width * self.info.height * 3
        self._queue: queue.Queue = queue.Queue(maxsize=max(2, min(prefetch, max_bytes // frame_bytes)))
        self._stop = threading.Event()
        self._decoded = 0
        self.wait_s = 0.0  # time the consumer spent blocked on the decoder
        self._thread = threading.Thread(target=self._decode, name="frame-decoder", daemon=True)
        self._thread.start()

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[tuple[int, np.ndarray]]:
        while True:
            started = time.perf_counter()
            item = self._queue.get()
            self.wait_s += time.perf_counter() - started
            if item is _END:
                break
            yield item
        if self._decoded == 0:
            raise VideoError(
                f"{self.info.path} has no decodable frames", "the file is empty or its codec is unsupported"
            )

    @property
    def report(self) -> DecodeReport:
        claimed = self.info.frame_count
        return DecodeReport(self._decoded, claimed, truncated=0 < self._decoded < claimed)

    def close(self) -> None:
        """Stop the decoder and wait for it; safe to call twice."""
        self._stop.set()
        while self._thread.is_alive():
            self._drain()
            self._thread.join(timeout=0.05)
        self._capture.release()

    def _drain(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass

    def _decode(self) -> None:
        try:
            while not self._stop.is_set():
                started = time.perf_counter()
                number = self._decoded
                ok = self._capture.grab()
                frame = None
                if ok and number % self.stride == 0:
                    ok, frame = self._capture.retrieve()
                self.decode_s += time.perf_counter() - started
                if not ok:
                    break
                self._decoded += 1
                if frame is not None:
                    self._put((number, frame))
        finally:
            self._put(_END)

    def _put(self, item: object) -> None:
        # Blocks while the consumer is behind; close() drains so this never hangs on exit.
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        if item is _END:
            try:
                self._queue.put_nowait(item)
            except queue.Full:
                pass
