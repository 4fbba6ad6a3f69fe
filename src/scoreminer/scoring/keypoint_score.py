"""The validator's keypoint total: per-frame fits, lines, inside share and scale, then the shot terms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from scoreminer.contract.score_vision import KEYPOINT_COUNT
from scoreminer.scoring import frame_terms, shots
from scoreminer.scoring.homography import FrameFit, fit_frame
from scoreminer.scoring.keypoint_filter import as_points, usable_indices
from scoreminer.scoring.lines import Segment, on_line_score

WEIGHTS = {"fit": 0.25, "on_line": 0.4, "inside": 0.2, "stability": 0.05, "players": 0.1}
# Consecutive-frame consistency: half credit when the keypoints both frames keep moved 2 % of the frame diagonal
# (about 29 px at 720p) on average; the logistic's width is 0.37 % (about 5 px).
STEADY_MIDPOINT, STEADY_STEEPNESS = 0.02, 0.0037
FULL_FIT_SHARE = 0.4  # full scale credit when at least this share of scored frames has a fit


@dataclass(frozen=True)
class KeypointBreakdown:
    """The keypoint score and every part of it, as the validator weighs them (parts in 0..100)."""

    score: float
    frames_scored: int
    frames_fitted: int
    fit: float
    on_line: float
    inside: float
    stability: float
    players: float
    scale: float
    consistency: float
    mean_reprojection_px: float | None

    def as_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def score_keypoints(
    frames: Mapping[int, dict], scored: list[int], lines: Mapping[int, list[Segment]], width: int, height: int
) -> KeypointBreakdown:
    """Score the answer's keypoints over the `scored` frame numbers (those that look like a pitch)."""
    chosen = {n: frames[n] for n in scored if n in frames}
    fits = {n: fit for n, f in chosen.items() if (fit := fit_frame(as_points(f["keypoints"]), width, height))}
    cut = shots.split_shots(chosen)
    stability = shots.keypoint_stability(chosen, cut, set(fits))
    plausible = shots.player_plausibility(chosen, cut)
    per_frame = [_frame_parts(chosen[n], fit, lines.get(n, []), width, height) for n, fit in fits.items()]
    on_line, inside, scale = (np.mean([p[i] for p in per_frame]) if per_frame else 1.0 for i in range(3))
    fit_part = float(np.mean([fit.score for fit in fits.values()])) if fits else 0.0
    stab = float(np.mean([stability[cut[n]] for n in fits])) if fits else 0.0
    plaus = float(np.mean([plausible[cut[n]] for n in fits])) if fits else 0.0
    players = (plaus * 100 + shots.player_track_score(chosen)) / 2
    scale_part = (min(float(scale), 1.0) + min(1.0, len(fits) / max(1, len(scored)) / FULL_FIT_SHARE)) / 2
    total = (
        WEIGHTS["fit"] * fit_part
        + WEIGHTS["on_line"] * on_line * 100
        + WEIGHTS["inside"] * inside * 100
        + WEIGHTS["stability"] * stab * 100
        + WEIGHTS["players"] * players
    ) * scale_part
    # No frame with a fit scores 0 (every mean is then 0 in the validator's code). There is no on-line guard:
    # one came in with score-vision dc3c654 and went again in e632736; at 1791fe1 the total stands as computed.
    if not fits:
        total = 0.0
    consistency = scene_consistency(chosen, scored, width, height)
    errors = [fit.reprojection_px for fit in fits.values()]
    return KeypointBreakdown(
        score=float(total / 100 * consistency),
        frames_scored=len(scored),
        frames_fitted=len(fits),
        fit=fit_part,
        on_line=float(on_line) * 100,
        inside=float(inside) * 100,
        stability=stab * 100,
        players=players,
        scale=scale_part,
        consistency=consistency,
        mean_reprojection_px=float(np.mean(errors)) if errors else None,
    )


def scene_consistency(frames: Mapping[int, dict], scored: list[int], width: int, height: int) -> float:
    """The multiplier on the keypoint total: how steadily the keypoints move from one scored frame to the next.

    Scored frames are split into runs of consecutive numbers; the first of a run counts 1, each next one the
    logistic of the mean move (over the frame diagonal) of the keypoints both keep, 0 when either frame is not
    answered, has not exactly 32 keypoints or they share none, 1 when both have none at all. The result is the
    mean over all of them (runs weighted by length); 1 with nothing scored."""
    if not scored:
        return 1.0
    numbers = sorted(set(scored))
    diagonal = float(np.hypot(width, height))
    values = [
        1.0 if previous != number - 1 else _step(frames.get(previous), frames.get(number), width, height, diagonal)
        for previous, number in zip([None, *numbers], numbers, strict=False)
    ]
    return float(np.mean(values))


def _step(before: dict | None, after: dict | None, width: int, height: int, diagonal: float) -> float:
    if before is None or after is None:
        return 0.0
    a, b = before.get("keypoints", []), after.get("keypoints", [])
    if len(a) != KEYPOINT_COUNT or len(b) != KEYPOINT_COUNT:
        return 0.0
    pa, pb = as_points(a), as_points(b)
    if not pa.any() and not pb.any():
        return 1.0
    ia, ib = usable_indices(pa, width, height), usable_indices(pb, width, height)
    common = np.intersect1d(ia, ib)
    if len(common) == 0:
        return 0.0
    moved = float(np.mean(np.linalg.norm(pb[common] - pa[common], axis=1))) / diagonal
    return float(1.0 / (1.0 + np.exp(min((moved - STEADY_MIDPOINT) / STEADY_STEEPNESS, 700.0))))


def _frame_parts(
    frame: dict, fit: FrameFit, segments: list[Segment], width: int, height: int
) -> tuple[float, float, float]:
    points = as_points(frame["keypoints"])
    used = points[usable_indices(points, width, height)]
    return (
        on_line_score(used, segments, width, height),
        frame_terms.share_inside(frame, fit.homography, width, height),
        frame_terms.scale_ratio(points, frame, width, height),
    )
