"""The keypoints the validator actually uses from an answer frame."""

from __future__ import annotations

import numpy as np

MIN_SPACING_PX = 25.0
MIN_POINTS = 4


def as_points(keypoints: list | np.ndarray) -> np.ndarray:
    """An answer's keypoint list as a (N, 2) float array."""
    return np.asarray(keypoints, np.float64).reshape(-1, 2)


def nonzero_indices(points: np.ndarray) -> np.ndarray:
    """Indices of keypoints that are not [0, 0] (the 'not found' marker)."""
    return np.flatnonzero(~np.all(points == 0, axis=1))


def usable_indices(points: np.ndarray, width: int, height: int, spacing: float = MIN_SPACING_PX) -> np.ndarray:
    """Not [0, 0], inside the frame, and at least `spacing` px from every earlier kept keypoint."""
    x, y = points[:, 0], points[:, 1]
    candidates = nonzero_indices(points)
    candidates = candidates[
        (x[candidates] >= 0) & (x[candidates] < width) & (y[candidates] >= 0) & (y[candidates] < height)
    ]
    return _spaced(points, candidates, spacing)


def spaced_indices(points: np.ndarray, spacing: float = MIN_SPACING_PX) -> np.ndarray:
    """Not [0, 0] and at least `spacing` px from every earlier kept keypoint, wherever they lie."""
    return _spaced(points, nonzero_indices(points), spacing)


def _spaced(points: np.ndarray, candidates: np.ndarray, spacing: float) -> np.ndarray:
    kept: list[int] = []
    for i in candidates:
        if all(np.hypot(*(points[i] - points[j])) >= spacing for j in kept):
            kept.append(int(i))
    return np.asarray(kept, int)
