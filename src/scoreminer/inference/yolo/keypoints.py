"""The pitch keypoint model behind the KeypointModel seam."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scoreminer.contract.score_vision import KEYPOINT_COUNT
from scoreminer.inference.types import empty_keypoints
from scoreminer.inference.yolo.loader import RunOptions, forward_seconds, load_yolo, predict, warm_up
from scoreminer.inference.yolo.shared import can_share, run_shared


class YoloKeypoints:
    """32 pitch keypoints per frame from an ultralytics pose model (the most confident pitch)."""

    def __init__(self, path: Path, options: RunOptions, model: Any = None) -> None:
        self.path = path
        self.options = options
        self.model = model if model is not None else load_yolo(path, "pose")
        self.forward_s = 0.0  # the forward passes alone, summed over calls
        shape = getattr(self.model.model, "kpt_shape", None)
        if shape is not None and int(shape[0]) != KEYPOINT_COUNT:
            from scoreminer.errors import ModelLoadError

            raise ModelLoadError(f"{path} predicts {shape[0]} keypoints, not {KEYPOINT_COUNT}", "use the pitch model")

    def warm_up(self, shape: tuple[int, int] = (720, 1280)) -> None:
        warm_up(self.model, self.options, shape)

    def __call__(self, frames: Sequence[np.ndarray]) -> list[np.ndarray]:
        if self.options.shared and can_share(self.model, frames):
            found, seconds = run_shared(self.model, frames, self.options.confidence, "pose")  # type: ignore[arg-type]
            self.forward_s += seconds
            return [_best_row(det) for det in found]
        results = predict(self.model, frames, self.options)
        self.forward_s += forward_seconds(results)
        return [_best_pitch(r) for r in results]


def _best_row(det) -> np.ndarray:
    """The most confident pitch of one frame's N×(6+32×3) rows."""
    if len(det) == 0:
        return empty_keypoints()
    return det[int(det[:, 4].argmax()), 6:].view(-1, 3).cpu().numpy().astype(np.float32)


def _best_pitch(result) -> np.ndarray:
    if result.keypoints is None or len(result.keypoints) == 0:
        return empty_keypoints()
    best = int(result.boxes.conf.argmax()) if result.boxes is not None and len(result.boxes) else 0
    points = result.keypoints.data[best].cpu().numpy().astype(np.float32)
    if points.shape[1] == 2:  # a model without visibility scores
        points = np.concatenate([points, np.ones((len(points), 1), np.float32)], axis=1)
    return points
