"""Line fitting: move a pitch fit until the template's painted lines lie on the white lines in the picture.

A small pose model places keypoints tens of pixels off; the lines themselves are visible in the frame.
Starting from the keypoints' homography, a robust least-squares fit on a distance field of the frame's
white-on-grass pixels pulls the projected lines onto them (coarse to fine). The result is kept only when
the picture confirms it: more of the projected lines on white pixels than before, and no large jump.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.ndimage import map_coordinates
from scipy.optimize import least_squares

from scoreminer.pitch import keypoints, line_polylines

SCALE = 0.5  # the distance field is built at half resolution: 4× cheaper, still sub-pixel after the fit
STAGES = (40.0, 15.0, 6.0)  # clip radius of the distance field per stage, full-resolution px
ON_LINE_PX = 3.0  # a projected line sample within this of a white pixel counts as on the line
MIN_SAMPLES = 40  # projected line samples inside the frame needed to judge a fit
MIN_ON_LINE = 0.45  # share of those samples a kept fit must put on white pixels
SETTLED_ON_LINE = 0.9  # a start this well on the lines is kept as it is when refining it does no better
MAX_SHIFT_PX = 60.0  # a refined fit may move the keypoints by at most this (median), else it is a jump
LINE_SAMPLES = np.vstack(line_polylines(16))
TEMPLATE = keypoints()
# Wider than the validator's own grass range (scoring/lines.py): here it only has to tell pitch from stands,
# and randomised or graded footage drifts outside the validator's hues.
GRASS_LOW, GRASS_HIGH = np.array([30, 40, 30]), np.array([90, 255, 255])


@dataclass(frozen=True)
class LineFit:
    """A refined template→image homography and the share of its projected lines that sit on white pixels."""

    homography: np.ndarray
    on_line: float


def white_distance(frame: np.ndarray) -> np.ndarray:
    """Distance (full-resolution px) from each pixel of a half-size grid to the nearest white-on-grass pixel."""
    small = cv2.resize(frame, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    tophat = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (11, 11)))
    grass = cv2.inRange(cv2.cvtColor(small, cv2.COLOR_BGR2HSV), GRASS_LOW, GRASS_HIGH)
    # On the pitch most of a neighbourhood is grass; a crowd has green specks but never that much.
    on_pitch = cv2.boxFilter(grass, cv2.CV_32F, (15, 15)) > 0.5 * 255
    white = (tophat > 20) & on_pitch
    if not white.any():  # no line anywhere: every sample is "far"
        return np.full(white.shape, 1e4, np.float32)
    return cv2.distanceTransform((~white).astype(np.uint8), cv2.DIST_L2, 3) / SCALE


def refine(
    homography: np.ndarray, distance: np.ndarray, width: int, height: int, max_shift_px: float = MAX_SHIFT_PX
) -> LineFit | None:
    """The fit moved onto the lines of a frame (its `white_distance`), or None when the frame does not confirm it
    (or moved it further than `max_shift_px`, median)."""
    homography = _facing(homography)
    before = on_line_share(homography, distance, width, height)
    if before is None:
        return None
    anchors = _anchors(homography, width, height)
    if anchors is None:
        return None
    corners = _project(homography, anchors)[0].ravel()
    params = corners
    for clip in STAGES:
        field = cv2.GaussianBlur(np.minimum(distance, clip), (0, 0), max(1.0, clip * SCALE / 6))
        params = least_squares(
            _residuals,
            params,
            args=(anchors, field, clip, width, height),
            diff_step=1e-3,
            loss="soft_l1",
            f_scale=clip / 3,
            max_nfev=40,
        ).x
    refined = cv2.getPerspectiveTransform(anchors.astype(np.float32), params.reshape(4, 2).astype(np.float32))
    after = on_line_share(refined, distance, width, height)
    if after is not None and after >= max(before, MIN_ON_LINE):
        if _shift(homography, refined, width, height) <= max_shift_px:
            return LineFit(refined, after)
    if before >= SETTLED_ON_LINE:  # already on the lines: the fit only wandered, the start stands
        return LineFit(homography, before)
    return None


def on_line_share(homography: np.ndarray, distance: np.ndarray, width: int, height: int) -> float | None:
    """Share of the template's line samples inside the frame that land on white pixels; None if too few."""
    points, inside = _visible(homography, width, height)
    if inside.sum() < MIN_SAMPLES:
        return None
    d = distance[(points[inside, 1] * SCALE).astype(int), (points[inside, 0] * SCALE).astype(int)]
    return float(np.mean(d <= ON_LINE_PX))


def _residuals(params, anchors, field, clip, width, height) -> np.ndarray:
    h = cv2.getPerspectiveTransform(anchors.astype(np.float32), params.reshape(4, 2).astype(np.float32))
    points, inside = _visible(h, width, height)
    out = np.full(len(points), clip)
    out[inside] = map_coordinates(field, [points[inside, 1] * SCALE, points[inside, 0] * SCALE], order=1)
    return out


def _anchors(homography: np.ndarray, width: int, height: int) -> np.ndarray | None:
    """Four pitch points seen near the corners of where the pitch's lines show: the fit's parameters are their
    image positions (the frame's own corners may be sky or stands for a low camera)."""
    points, inside = _visible(homography, width, height)
    if inside.sum() < 4:
        return None
    low, high = points[inside].min(axis=0), points[inside].max(axis=0)
    if np.any(high - low < 40):
        return None
    inset = np.array([[0.15, 0.15], [0.85, 0.15], [0.85, 0.85], [0.15, 0.85]])
    image = low + inset * (high - low)
    try:
        pitch, _ = _project(np.linalg.inv(homography), image)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(pitch)):
        return None
    return pitch if np.all(_project(homography, pitch)[1] > 0) else None


def _facing(homography: np.ndarray) -> np.ndarray:
    """The same fit, signed so the pitch in front of the camera has positive depth (its centre, as a proxy)."""
    centre = homography @ np.array([TEMPLATE[:, 0].mean(), TEMPLATE[:, 1].mean(), 1.0])
    return homography if centre[2] > 0 else -homography


def _visible(homography: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    points, depth = _project(homography, LINE_SAMPLES)
    x, y = points[:, 0], points[:, 1]
    inside = (depth > 0) & (x >= 0) & (y >= 0) & (x < width - 1) & (y < height - 1)
    return np.nan_to_num(points), inside


def _project(homography: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mapped = np.hstack([points, np.ones((len(points), 1))]) @ homography.T
    depth = mapped[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        return mapped[:, :2] / mapped[:, 2:3], depth


def _shift(a: np.ndarray, b: np.ndarray, width: int, height: int) -> float:
    pa, da = _project(a, TEMPLATE)
    pb, db = _project(b, TEMPLATE)
    inside = (da > 0) & (db > 0) & (pa[:, 0] >= 0) & (pa[:, 0] < width) & (pa[:, 1] >= 0) & (pa[:, 1] < height)
    if not inside.any():
        return np.inf
    return float(np.median(np.linalg.norm(pa[inside] - pb[inside], axis=1)))
