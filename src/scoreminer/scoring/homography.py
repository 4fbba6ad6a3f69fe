"""The validator's per-frame homography: answer keypoints → pitch template scaled to the frame."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scoreminer.pitch import LENGTH, WIDTH, keypoints
from scoreminer.scoring.keypoint_filter import MIN_POINTS, usable_indices

RANSAC_RATIO, RANSAC_MIN_PX = 0.01, 12.0


def scaled_template(width: int, height: int) -> np.ndarray:
    """The 32 template points scaled as the validator scales them (x by width/7000, y by height/12000)."""
    # The validator divides by the pitch width for x and by its length for y: reproduced as published.
    return keypoints() * np.array([width / WIDTH, height / LENGTH])


def ransac_threshold(width: int) -> float:
    """1 % of the frame width, at least 12 px."""
    return max(width * RANSAC_RATIO, RANSAC_MIN_PX)


@dataclass(frozen=True)
class FrameFit:
    """One frame's fit: image → scaled template, its inlier ratio and mean reprojection error."""

    homography: np.ndarray
    inlier_ratio: float
    reprojection_px: float

    @property
    def score(self) -> float:
        """(100 × inlier ratio + max(0, 100 − error)) / 2, in 0..100."""
        return (min(self.inlier_ratio * 100, 100.0) + max(0.0, 100.0 - self.reprojection_px)) / 2


def fit_frame(points: np.ndarray, width: int, height: int) -> FrameFit | None:
    """The validator's RANSAC fit, or None below 4 usable keypoints or when OpenCV finds none."""
    used = usable_indices(points, width, height)
    if len(used) < MIN_POINTS:
        return None
    source = points[used].astype(np.float32)
    target = scaled_template(width, height)[used].astype(np.float32)
    homography, mask = cv2.findHomography(source, target, cv2.RANSAC, ransac_threshold(width))
    if homography is None or mask is None:
        return None
    projected = cv2.perspectiveTransform(source.reshape(-1, 1, 2), homography).reshape(-1, 2)
    error = float(np.mean(np.linalg.norm(projected - target, axis=1)))
    return FrameFit(homography, float(mask.sum()) / mask.size, error)
