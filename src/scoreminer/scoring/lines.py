"""The painted lines the validator finds in a frame, and how close the answer's keypoints sit to them."""

from __future__ import annotations

import cv2
import numpy as np

Segment = tuple[int, int, int, int]
GRASS_LOW, GRASS_HIGH = (35, 40, 40), (85, 255, 255)
BORDER_PX = 3
DENSITY_RADIUS, DENSITY_MAX = 80, 80
# The logistic that turns a mean normalised distance into 0..1: half credit at 2 % of the frame.
ON_LINE_MIDPOINT, ON_LINE_STEEPNESS = 0.02, 0.0037


def grass_mask(frame: np.ndarray) -> np.ndarray:
    """Green pixels in HSV, opened with a 5 × 5 kernel."""
    grass = cv2.inRange(cv2.cvtColor(frame, cv2.COLOR_BGR2HSV), GRASS_LOW, GRASS_HIGH)
    return cv2.morphologyEx(grass, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))


def detect_lines(frame: np.ndarray) -> list[Segment]:
    """White line segments on grass: top-hat, Canny, probabilistic Hough, grass and density filters."""
    height, width = frame.shape[:2]
    grass = grass_mask(frame)
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    tophat = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31)))
    _, white = cv2.threshold(tophat, 30, 255, cv2.THRESH_BINARY)
    edges = cv2.Canny(cv2.GaussianBlur(cv2.bitwise_and(white, grass), (5, 5), 0), 30, 100)
    found = cv2.HoughLinesP(edges, 1, np.pi / 360, 30, minLineLength=10, maxLineGap=15)
    if found is None:
        return []
    on_grass = [
        (int(s[0]), int(s[1]), int(s[2]), int(s[3])) for s in found.reshape(-1, 4) if _all_on_mask(s, grass, 30)
    ]
    mask = np.zeros((height, width), np.uint8)
    for x1, y1, x2, y2 in on_grass:
        cv2.line(mask, (x1, y1), (x2, y2), 255, 2)
    mask[:BORDER_PX], mask[-BORDER_PX:], mask[:, :BORDER_PX], mask[:, -BORDER_PX:] = 0, 0, 0, 0
    kept = [s for s in on_grass if mask[(s[1] + s[3]) // 2, (s[0] + s[2]) // 2] > 0]
    return _thin_dense(kept)


def on_line_score(points: np.ndarray, segments: list[Segment], width: int, height: int) -> float:
    """0..1 from the mean distance (in frame-normalised units) of each keypoint to its nearest segment."""
    if len(points) == 0:
        return 0.5
    if not segments:
        return 0.0
    scale = np.array([width, height], np.float64)
    distances = segment_distances(points / scale, np.asarray(segments, np.float64) / np.tile(scale, 2))
    mean = float(np.mean(distances.min(axis=1)))
    return float(1.0 / (1.0 + np.exp((mean - ON_LINE_MIDPOINT) / ON_LINE_STEEPNESS)))


def segment_distances(points: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """(P, S) distances from each point to each segment (x1, y1, x2, y2)."""
    a, b = segments[None, :, :2], segments[None, :, 2:]
    p = points[:, None, :]
    ab = b - a
    length2 = np.maximum((ab**2).sum(-1), 1e-12)
    t = np.clip(((p - a) * ab).sum(-1) / length2, 0.0, 1.0)
    return np.linalg.norm(p - (a + t[..., None] * ab), axis=-1)


def _all_on_mask(segment: np.ndarray, mask: np.ndarray, samples: int) -> bool:
    x1, y1, x2, y2 = (int(v) for v in segment)
    t = np.linspace(0, 1, samples)
    xs = (x1 + (x2 - x1) * t).astype(int)
    ys = (y1 + (y2 - y1) * t).astype(int)
    return bool(np.all(mask[ys, xs] > 0))


def _thin_dense(segments: list[Segment]) -> list[Segment]:
    if not segments:
        return []
    a = np.asarray(segments, np.float64)
    mx, my = (a[:, 0] + a[:, 2]) / 2, (a[:, 1] + a[:, 3]) / 2
    near = (np.abs(mx[:, None] - mx) < DENSITY_RADIUS) & (np.abs(my[:, None] - my) < DENSITY_RADIUS)
    return [s for s, n in zip(segments, near.sum(1), strict=False) if n <= DENSITY_MAX]
