"""Fakes behind the real seams: they read the frame number stamped in each synthetic frame."""

from __future__ import annotations

import numpy as np

from scoreminer.inference.types import Detections
from synthetic_video import SyntheticClip, read_frame_number


class FakeDetector:
    """Returns the clip's true boxes for each frame it is shown."""

    def __init__(self, clip: SyntheticClip, extra=None) -> None:
        self.clip = clip
        self.extra = extra or {}
        self.batches: list[list[int]] = []

    def __call__(self, frames: list[np.ndarray]) -> list[Detections]:
        numbers = [read_frame_number(f) for f in frames]
        self.batches.append(numbers)
        out = []
        for n in numbers:
            truth = self.clip.truth(n) + self.extra.get(n, [])
            out.append(Detections.of([box for _, _, box in truth], [c for _, c, _ in truth], [0.9] * len(truth)))
        return out


def true_keypoints(n: int) -> np.ndarray:
    """Keypoint i moves linearly; keypoint 0 is unseen on frames 3, 9, 15, …"""
    i = np.arange(32)
    points = np.stack([20 + 18 * i + 0.7 * n, 40 + 2.0 * i + 0.3 * n, np.full(32, 0.9)], axis=1).astype(np.float32)
    if n % 6 == 3:
        points[0] = 0
    return points


class FakeKeypoints:
    def __call__(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        return [true_keypoints(read_frame_number(f)) for f in frames]


class ExplodingDetector:
    """Raises on the n-th call: an exception inside the pipeline."""

    def __init__(self, inner, after: int = 1) -> None:
        self.inner, self.after, self.calls = inner, after, 0

    def __call__(self, frames):
        self.calls += 1
        if self.calls > self.after:
            raise RuntimeError("injected failure")
        return self.inner(frames)
