"""Keypoint registration: fit the pitch template to the model's keypoints and answer with its projection.

A pose model confuses look-alike points (a box corner at the other end of the pitch); one such label
costs half the validator's per-frame score. A RANSAC homography from the template to the confident
keypoints rejects them, and projecting the whole template gives 32 mutually consistent points. A fit
is trusted only when it is well conditioned (enough inliers, spread in two directions on the pitch
and in the image, the pitch in front of the camera); fits are smoothed within a shot, interpolated
across stride gaps, and frames without a trusted fit keep the raw confident keypoints.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

import cv2
import numpy as np

from scoreminer.inference import line_fit
from scoreminer.inference.types import FrameResult
from scoreminer.pitch import keypoints as template_cm

MIN_INLIERS = 5
RANSAC_PX = 8.0
RANSAC_ITERATIONS = 300  # plenty for ≤ 32 points with at least half inliers; keeps a fit well under 1 ms
MIN_PITCH_SPREAD = 0.08  # least ratio of the inliers' two principal spreads on the pitch (not on one line)
MIN_IMAGE_SPREAD_PX = 12.0  # least minor principal spread of the inliers in the image
LOOSE_RANSAC_PX = 30.0  # a starting fit for line fitting may be this rough: the lines correct it
AGREE_PX = 40.0  # a line fit must stay this close (median) to the model's confident keypoints
CONFIRM_ON_LINE = 0.2  # a keypoint fit the lines could not refine is kept only if this share of its lines is on white
TRACKED_ON_LINE = 0.6  # a fit carried from the previous frame is kept on the lines alone when this many agree
CUT_SHARE = 0.08  # a fit that moves the picture by more than this share of the diagonal starts a new shot
SMOOTH_FRAMES = 4.0  # width of the time smoothing of fits, in video frames, whatever the stride
# Fits further apart than this are never blended: a cut can hide in a longer gap, and whether two fits
# 2.6 s apart look "one shot" (CUT_SHARE) was measured to be tipped by a backend's last bits (torch 0.112,
# OpenVINO 0.078 of the diagonal across a wide-to-tight cut), which flipped a goal in the answer.
MAX_BRIDGE_FRAMES = 25
# A cut between the gantry's wide and tight cameras (side by side, both on the ball) is close to a zoom about
# the picture's centre: after registration is lost, the last fit is tried zoomed by these factors for up to
# LOST_FRAMES, and kept only when the lines confirm it well (ZOOMED_ON_LINE).
ZOOMS = (1.0, 0.5, 0.7, 1.4, 2.0)
ZOOMED_ON_LINE = 0.85
LOST_FRAMES = 50
SURE_ON_LINE = 0.85  # a fit this well on the lines becomes the start for the frames after it
TEMPLATE = template_cm()


@dataclass(frozen=True)
class Registration:
    """A trusted fit: template (cm) → image (px), with its inlier count."""

    homography: np.ndarray
    inliers: int


def register(
    points: np.ndarray,
    width: int,
    height: int,
    min_confidence: float,
    ransac_px: float = RANSAC_PX,
    min_inliers: int = MIN_INLIERS,
) -> Registration | None:
    """A trusted template→image homography from one frame's (32, 3) keypoints, or None."""
    x, y, conf = points[:, 0], points[:, 1], points[:, 2]
    idx = np.flatnonzero((conf >= min_confidence) & (x > 0) & (y > 0) & (x < width) & (y < height))
    if len(idx) < min_inliers:
        return None
    src, dst = TEMPLATE[idx].astype(np.float32), points[idx, :2].astype(np.float32)
    homography, mask = cv2.findHomography(src, dst, cv2.RANSAC, ransac_px, maxIters=RANSAC_ITERATIONS, confidence=0.99)
    if homography is None or mask is None or int(mask.sum()) < min_inliers:
        return None
    keep = mask.ravel().astype(bool)
    refined, _ = cv2.findHomography(src[keep], dst[keep], 0)
    homography = normalise(refined if refined is not None else homography)
    if not _well_conditioned(homography, src[keep], dst[keep]):
        return None
    return Registration(homography, int(keep.sum()))


def project(homography: np.ndarray, width: int, height: int) -> np.ndarray:
    """(32, 3) keypoints: the template through `homography`, confidence 1 inside the frame, else zeros."""
    ones = np.hstack([TEMPLATE, np.ones((len(TEMPLATE), 1))])
    mapped = ones @ homography.T
    w = mapped[:, 2]
    xy = mapped[:, :2] / np.where(np.abs(w) < 1e-9, 1e-9, w)[:, None]
    inside = (w > 0) & (xy[:, 0] > 0) & (xy[:, 1] > 0) & (xy[:, 0] < width) & (xy[:, 1] < height)
    out = np.zeros((len(TEMPLATE), 3), np.float32)
    out[inside, :2] = xy[inside]
    out[inside, 2] = 1.0
    return out


def normalise(homography: np.ndarray) -> np.ndarray:
    """Scale to unit Frobenius norm with a positive last entry, so fits can be averaged and blended."""
    h = homography / np.linalg.norm(homography)
    return h if h[2, 2] >= 0 else -h


def blend(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """The homography a fraction `t` of the way from `a` to `b`."""
    return normalise(a + (b - a) * t)


def picture_shift(a: np.ndarray, b: np.ndarray, width: int, height: int) -> float:
    """How far two fits move the pitch in the picture, as a share of the frame diagonal."""
    pa, pb = _apply(a, TEMPLATE), _apply(b, TEMPLATE)
    inside = np.all(np.isfinite(pa) & np.isfinite(pb), axis=1)
    inside &= (pa[:, 0] > -width) & (pa[:, 0] < 2 * width) & (pa[:, 1] > -height) & (pa[:, 1] < 2 * height)
    if not inside.any():
        return np.inf
    return float(np.median(np.linalg.norm(pa[inside] - pb[inside], axis=1)) / np.hypot(width, height))


def _apply(homography: np.ndarray, points: np.ndarray) -> np.ndarray:
    mapped = np.hstack([points, np.ones((len(points), 1))]) @ homography.T
    w = mapped[:, 2:3]
    return np.where(w > 1e-9, mapped[:, :2] / np.where(w > 1e-9, w, 1.0), np.nan)


def _well_conditioned(homography: np.ndarray, src: np.ndarray, dst: np.ndarray) -> bool:
    if not np.all(np.isfinite(homography)):
        return False
    pitch = np.linalg.svd(src - src.mean(0), compute_uv=False)
    image = np.linalg.svd(dst - dst.mean(0), compute_uv=False) / np.sqrt(len(dst))
    if pitch[0] <= 0 or pitch[1] / pitch[0] < MIN_PITCH_SPREAD or image[1] < MIN_IMAGE_SPREAD_PX:
        return False
    w = np.hstack([src, np.ones((len(src), 1))]) @ homography[2]
    return bool(np.all(w > 0))


class Registrar:
    """Collects fits of processed frames as they come, then rewrites every frame's keypoints at the end."""

    def __init__(self, width: int, height: int, min_confidence: float, line_fit_every: int = 0) -> None:
        self.size = (width, height)
        self.min_confidence = min_confidence
        self.line_fit_every = line_fit_every
        self.fits: dict[int, Registration] = {}
        self._observed = 0
        self._track: list[tuple[int, np.ndarray]] = []  # the last two consecutive line fits: the camera's motion
        self._last_good: tuple[int, np.ndarray] | None = None  # frame number and fit of the last line fit

    def observe(self, result: FrameResult, frame: np.ndarray | None = None) -> None:
        """Fit one processed frame (runs on the post-processing thread, beside inference).

        With line fitting, every Nth processed frame's fit is refined on the picture's lines and the frames
        between keep no fit of their own: they are blended from the refined ones, not averaged with worse fits."""
        index, self._observed = self._observed, self._observed + 1
        if self.line_fit_every and frame is not None:
            if index % self.line_fit_every == 0:
                fit = self._line_fit(result.keypoints, frame, result.frame_number)
                if fit is not None:
                    self.fits[result.frame_number] = fit
            return
        fit = register(result.keypoints, *self.size, self.min_confidence)
        if fit is not None:
            self.fits[result.frame_number] = fit

    def _line_fit(self, points: np.ndarray, frame: np.ndarray, number: int) -> Registration | None:
        """The best of two starts moved onto the white lines: the keypoints' fit (a loose one when RANSAC at
        8 px finds none) and the previous fitted frame's, which within a shot is only a small pan away; when
        neither holds, the last fit zoomed (a cut to the other gantry camera)."""
        fit = register(points, *self.size, self.min_confidence)
        start = fit or register(points, *self.size, self.min_confidence, ransac_px=LOOSE_RANSAC_PX, min_inliers=4)
        tracked = self._tracked(number)
        lost = self._last_good is not None and number - self._last_good[0] <= LOST_FRAMES
        if start is None and not tracked and not lost:
            return None
        distance = line_fit.white_distance(frame)
        moved = []
        if start is not None:
            m = line_fit.refine(start.homography, distance, *self.size)
            if m is not None and self._agrees(m.homography, points):
                moved.append(m)
        for h in tracked:
            # the camera pans on between samples: a longer step may move the picture further
            gap = number - self._track[-1][0]
            m = line_fit.refine(h, distance, *self.size, line_fit.MAX_SHIFT_PX * max(1.0, gap / 3))
            if m is not None and (m.on_line >= TRACKED_ON_LINE or self._agrees(m.homography, points)):
                moved.append(m)
        if not moved and lost and fit is None:
            moved = self._zoomed(distance, points)
        if not moved:
            return fit if fit is not None and self._confirmed(fit.homography, distance) else None
        best = max(moved, key=lambda m: m.on_line)
        if best.on_line >= SURE_ON_LINE:  # a marginal fit is answered, but the next frames do not start from it
            recent = self._track[-1:] if self._track and number - self._track[-1][0] <= MAX_BRIDGE_FRAMES else []
            self._track = [*recent, (number, best.homography)]
            self._last_good = (number, best.homography)
        return Registration(normalise(best.homography), 0 if start is None else start.inliers)

    def _tracked(self, number: int) -> list[np.ndarray]:
        """Starts from the last line fit: as it was, and moved on at the camera's speed over the last two fits
        (a fast pan leaves the first too far behind at a long stride, or after a frame the lines missed; a
        change of pace leaves the second)."""
        if not self._track or number - self._track[-1][0] > LOST_FRAMES:
            return []
        f1, h1 = self._track[-1]
        if len(self._track) < 2:
            return [h1]
        f0, h0 = self._track[-2]
        motion = normalise(h1 @ np.linalg.inv(h0))  # image to image over f1 - f0 frames
        steps = (number - f1) / max(f1 - f0, 1)
        whole = int(steps)
        before = normalise(np.linalg.matrix_power(motion, whole) @ h1)
        return [h1, blend(before, normalise(motion @ before), steps - whole)]

    def _zoomed(self, distance: np.ndarray, points: np.ndarray) -> list[line_fit.LineFit]:
        """The last fit zoomed about the picture's centre by each of ZOOMS, refined, where the lines confirm it
        (and the confident keypoints, when there are enough, do not contradict it)."""
        assert self._last_good is not None
        width, height = self.size
        centre = np.array([[1, 0, width / 2], [0, 1, height / 2], [0, 0, 1]])
        found = []
        for zoom in ZOOMS:
            scaled = centre @ np.diag([zoom, zoom, 1.0]) @ np.linalg.inv(centre) @ self._last_good[1]
            m = line_fit.refine(scaled, distance, width, height)
            if m is None or m.on_line < ZOOMED_ON_LINE:
                continue
            confident = int(((points[:, 2] >= self.min_confidence) & (points[:, 0] > 0)).sum())
            if confident >= 3 and not self._agrees(m.homography, points):
                continue
            found.append(m)
        return found

    def apply(self, results: list[FrameResult]) -> list[FrameResult]:
        """Every frame with a trusted (smoothed or interpolated) fit answers with the projected template."""
        processed = [r.frame_number for r in results if r.processed]
        final = self._smoothed(processed)
        anchors = sorted(final)
        last = processed[-1] if processed else None
        out = []
        for result in results:
            homography = final.get(result.frame_number)
            if homography is None:
                homography = self._between(result.frame_number, anchors, final, last)
            if homography is not None:
                result = replace(result, keypoints=project(homography, *self.size), homography=homography)
            out.append(result)
        return out

    def _confirmed(self, homography: np.ndarray, distance: np.ndarray) -> bool:
        """The picture backs a keypoint fit the lines could not refine: enough of its projected lines lie on white.
        A small pose model can place a whole penalty area on the centre circle; its lines then miss (measured:
        at 0.2, 12 of 16 right fits kept and 1 of 95 wrong ones)."""
        share = line_fit.on_line_share(homography, distance, *self.size)
        return share is not None and share >= CONFIRM_ON_LINE

    def _agrees(self, homography: np.ndarray, points: np.ndarray) -> bool:
        """The model's confident keypoints back the fit (median within AGREE_PX): lines alone can align a fit
        with the wrong lines, and a fit started from the previous frame's could drift with it."""
        confident = (points[:, 2] >= self.min_confidence) & (points[:, 0] > 0) & (points[:, 1] > 0)
        if confident.sum() < 3:
            return False
        fitted = project(normalise(homography), *self.size)
        both = confident & (fitted[:, 2] > 0)
        if both.sum() < 3:
            return False
        return float(np.median(np.linalg.norm(fitted[both, :2] - points[both, :2], axis=1))) <= AGREE_PX

    def _smoothed(self, processed: list[int]) -> dict[int, np.ndarray]:
        """Fits averaged over time within their shot (Gaussian weights, SMOOTH_FRAMES wide in video frames, so a
        fit every frame is smoothed as much as a fit every fourth); gaps bridged inside a shot.

        The validator multiplies the keypoint score by how little the keypoints move from frame to frame (half
        credit at 2 % of the diagonal): a fit per frame that jitters by a few pixels costs more than it gains."""
        fitted = [n for n in processed if n in self.fits]
        raw = {n: self.fits[n].homography for n in fitted}
        same_shot = {
            (a, b): b - a <= MAX_BRIDGE_FRAMES and picture_shift(raw[a], raw[b], *self.size) <= CUT_SHARE
            for a, b in zip(fitted, fitted[1:], strict=False)
        }
        shot_of, shot = {}, 0
        for i, n in enumerate(fitted):
            shot += int(i > 0 and not same_shot[(fitted[i - 1], n)])
            shot_of[n] = shot
        smoothed = {}
        reach = 3 * SMOOTH_FRAMES
        for n in fitted:  # in frame order: the neighbours within reach are one slice of the list
            window = fitted[bisect_left(fitted, n - reach) : bisect_right(fitted, n + reach)]
            near = [m for m in window if shot_of[m] == shot_of[n]]
            weights = np.exp(-(((np.array(near) - n) / SMOOTH_FRAMES) ** 2))
            total = sum(w * raw[m] for w, m in zip(weights, near, strict=True))
            smoothed[n] = normalise(total / weights.sum())
        return {**self._bridge(processed, fitted, smoothed, same_shot), **smoothed}

    def _bridge(
        self,
        processed: list[int],
        fitted: list[int],
        smoothed: dict[int, np.ndarray],
        same_shot: dict[tuple[int, int], bool],
    ) -> dict[int, np.ndarray]:
        """Processed frames without a trusted fit, between two fits of one shot: blend those two."""
        bridged = {}
        for a, b in zip(fitted, fitted[1:], strict=False):
            if not same_shot[(a, b)]:
                continue
            for n in processed:
                if a < n < b:
                    bridged[n] = blend(smoothed[a], smoothed[b], (n - a) / (b - a))
        return bridged

    def _between(
        self, number: int, anchors: list[int], final: dict[int, np.ndarray], last: int | None
    ) -> np.ndarray | None:
        """A skipped frame between two anchored frames of one shot: their blend; after the last one: its fit."""
        k = int(np.searchsorted(anchors, number))
        if k == len(anchors) and anchors and anchors[-1] == last:
            return final[last]
        if k == 0 or k == len(anchors):
            return None
        a, b = anchors[k - 1], anchors[k]
        if b - a > MAX_BRIDGE_FRAMES or picture_shift(final[a], final[b], *self.size) > CUT_SHARE:
            return None
        return blend(final[a], final[b], (number - a) / (b - a))
