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
MIN_ON_LINE = 3.0  # an on-line part under 3 (of 100) zeroes the keypoint score
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
    # No frame with a fit scores 0. (An older published version fell back to empty means of 1 here and
    # gave such an answer 0.3; the current one does not, and neither does this.)
    if on_line * 100 < MIN_ON_LINE or not fits:
        total = 0.0
    consistency = frame_consistency(frames, scored)
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


def frame_consistency(frames: Mapping[int, dict], scored: list[int]) -> float:
    """Share of scored frames that, with the frame before them, are answered with exactly 32 keypoints."""
    if not scored:
        return 0.0

    def whole(n: int) -> bool:
        return n in frames and len(frames[n].get("keypoints", [])) == KEYPOINT_COUNT

    return sum(whole(n) and (n == 0 or whole(n - 1)) for n in scored) / len(scored)


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
