"""Per-frame terms besides the fit: objects projected inside the pitch, keypoint-to-player scale."""

from __future__ import annotations

import cv2
import numpy as np

from scoreminer.pitch import keypoints
from scoreminer.scoring.boxes import kept_boxes

OUTLINE = (0, 5, 29, 24)  # the four pitch corners in the template's order
MAX_SCALE_RATIO = 1.5


def share_inside(frame: dict, homography: np.ndarray, width: int, height: int) -> float:
    """Share of kept boxes whose centre, mapped by the frame's fit, falls inside the pitch outline."""
    # As published, the fit maps into the frame-scaled template while the outline is in cm; kept as is.
    outline = keypoints()[list(OUTLINE)].reshape(-1, 1, 2).astype(np.int32)
    boxes = kept_boxes(frame.get("objects", []), width, height)
    if not boxes:
        return 0.0
    centres = box_centres(boxes).astype(np.float32)
    mapped = cv2.perspectiveTransform(centres.reshape(-1, 1, 2), homography).reshape(-1, 2)
    inside = sum(cv2.pointPolygonTest(outline, (float(x), float(y)), False) >= 0 for x, y in mapped)
    return inside / len(boxes)


def scale_ratio(points: np.ndarray, frame: dict, width: int, height: int) -> float:
    """Mean pairwise keypoint distance over mean pairwise player distance, capped at 1.5 (1 when undefined)."""
    x, y = points[:, 0], points[:, 1]
    visible = points[~np.all(points == 0, axis=1) & (x >= 0) & (x < width) & (y >= 0) & (y < height)]
    centres = box_centres(kept_boxes(frame.get("objects", []), width, height))
    if len(visible) < 2 or len(centres) < 2:
        return 1.0
    return min(_mean_pairwise(visible) / (_mean_pairwise(centres) + 1e-6), MAX_SCALE_RATIO)


def box_centres(boxes: list[dict]) -> np.ndarray:
    """(N, 2) centres of answer boxes."""
    return np.array([[(o["bbox"][0] + o["bbox"][2]) / 2, (o["bbox"][1] + o["bbox"][3]) / 2] for o in boxes], np.float64)


def _mean_pairwise(points: np.ndarray) -> float:
    i, j = np.triu_indices(len(points), 1)
    return float(np.mean(np.linalg.norm(points[i] - points[j], axis=1)))
