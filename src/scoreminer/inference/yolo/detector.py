"""The player/ball detector behind the Detector seam."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scoreminer.inference.types import Detections
from scoreminer.inference.yolo.loader import RunOptions, forward_seconds, load_yolo, predict, warm_up
from scoreminer.inference.yolo.shared import can_share, run_shared


class YoloDetector:
    """Boxes, classes and confidences from an ultralytics detect model."""

    def __init__(self, path: Path, options: RunOptions, model: Any = None) -> None:
        self.path = path
        self.options = options
        self.model = model if model is not None else load_yolo(path, "detect")
        self.forward_s = 0.0  # the forward passes alone, summed over calls

    def warm_up(self, shape: tuple[int, int] = (720, 1280)) -> None:
        warm_up(self.model, self.options, shape)

    def __call__(self, frames: Sequence[np.ndarray]) -> list[Detections]:
        if self.options.shared and can_share(self.model, frames):
            found, seconds = run_shared(self.model, frames, self.options.confidence, "detect")  # type: ignore[arg-type]
            self.forward_s += seconds
            return [_from_tensor(det) for det in found]
        results = predict(self.model, frames, self.options)
        self.forward_s += forward_seconds(results)
        return [_to_detections(r) for r in results]


def _from_tensor(det) -> Detections:
    if len(det) == 0:
        return Detections.empty()
    rows = det.cpu().numpy()
    return Detections.of(rows[:, :4], rows[:, 5], rows[:, 4])


def _to_detections(result) -> Detections:
    boxes = result.boxes
    if boxes is None or len(boxes) == 0:
        return Detections.empty()
    return Detections.of(boxes.xyxy.cpu().numpy(), boxes.cls.cpu().numpy(), boxes.conf.cpu().numpy())
