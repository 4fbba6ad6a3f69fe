"""The seams between the pipeline and any model: plain callables over batches of frames."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from scoreminer.inference.types import Detections


class Detector(Protocol):
    """Frames (BGR, HxWx3) → one Detections per frame, boxes in source pixels."""

    def __call__(self, frames: Sequence[np.ndarray]) -> list[Detections]: ...


class KeypointModel(Protocol):
    """Frames → one 32×3 array (x, y, confidence) per frame, in source pixels."""

    def __call__(self, frames: Sequence[np.ndarray]) -> list[np.ndarray]: ...


class Tracker(Protocol):
    """Detections of consecutive processed frames → the same detections with stable track ids."""

    def update(self, detections: Detections) -> Detections: ...


class TrackerFactory(Protocol):
    def __call__(self, frame_rate: float) -> Tracker: ...
