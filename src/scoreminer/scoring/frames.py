"""Which frames the validator scores: those that look like a wide view of the pitch.

The validator scores a frame 0.3 × green share + 0.7 × painted-line length / 4500 px (capped at 1),
takes 0.29 off close-ups (green on all four borders), and asks CLIP to confirm the frames at 0.7 or
above. CLIP is not run here: a frame at 0.7 or above counts as a pitch frame.
"""

from __future__ import annotations

import cv2
import numpy as np

from scoreminer.scoring.lines import GRASS_HIGH, GRASS_LOW

PITCH_THRESHOLD = 0.7
LINE_LENGTH_FOR_FULL_PX = 4500.0
CLOSE_UP_PENALTY, CLOSE_UP_GREEN, BORDER_BAND = 0.29, 0.8, 0.025


def pitch_likeness(frame: np.ndarray) -> float:
    """0..1: how much a frame looks like a broadcast view of the pitch, by the validator's recipe."""
    green = cv2.inRange(cv2.cvtColor(frame, cv2.COLOR_BGR2HSV), GRASS_LOW, GRASS_HIGH)
    cleaned = cv2.morphologyEx(green, cv2.MORPH_OPEN, np.ones((10, 10), np.uint8))
    _drop_non_grass_blobs(green, cleaned)
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(cv2.bitwise_and(gray, gray, mask=cleaned), 50, 150)
    lines = cv2.HoughLinesP(edges, 1, np.pi / 360, threshold=50, minLineLength=50, maxLineGap=8)
    # OpenCV 4 returns (N, 1, 4), OpenCV 5 (N, 4).
    segs = None if lines is None else lines.reshape(-1, 4).astype(np.float64)
    if segs is not None and _looks_like_goal_net(segs):
        segs = None
    length = 0.0 if segs is None else float(np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1]).sum())
    score = min(1.0, 0.3 * np.count_nonzero(cleaned) / cleaned.size + 0.7 * length / LINE_LENGTH_FOR_FULL_PX)
    if _is_close_up(green):
        score -= CLOSE_UP_PENALTY
    return max(float(score), 0.0)


def is_pitch_frame(frame: np.ndarray) -> bool:
    """Judged as the validator judges it: on the frame written to a JPEG file and read back (OpenCV's default
    quality 95), whose compression noise adds edges and so line length to the score."""
    return pitch_likeness(as_stored(frame)) >= PITCH_THRESHOLD


def as_stored(frame: np.ndarray) -> np.ndarray:
    """The frame after the validator's JPEG round trip."""
    ok, encoded = cv2.imencode(".jpg", frame)
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR) if ok else None
    return frame if decoded is None else np.asarray(decoded)


def _drop_non_grass_blobs(green: np.ndarray, cleaned: np.ndarray) -> None:
    contours, _ = cv2.findContours(cleaned, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for contour in contours:
        if cv2.contourArea(contour) <= 5000:
            continue
        blob = np.zeros_like(green)
        cv2.drawContours(blob, [contour], -1, 255, thickness=cv2.FILLED)
        inside = blob > 0
        if int(np.count_nonzero(green[inside])) / max(1, int(np.count_nonzero(inside))) < 0.5:
            cv2.drawContours(cleaned, [contour], -1, 0, -1)


def _is_close_up(green: np.ndarray) -> bool:
    h, w = green.shape
    bh, bw = int(h * BORDER_BAND), int(w * BORDER_BAND)
    bands = (green[:bh], green[-bh:], green[:, :bw], green[:, -bw:])
    return all(np.count_nonzero(b) / b.size > CLOSE_UP_GREEN for b in bands)


def _looks_like_goal_net(lines: np.ndarray) -> bool:
    if len(lines) < 15:
        return False
    dx, dy = np.abs(lines[:, 2] - lines[:, 0]), np.abs(lines[:, 3] - lines[:, 1])
    angle = np.degrees(np.arctan2(dy, dx))
    length = np.hypot(dx, dy)
    grid = np.sum(angle < 10) > 15 and np.sum(angle > 80) > 15
    return bool(grid and (length.mean() < 50 or length.std() < 10))
