"""The validator's speed term and the final blend of quality and speed."""

from __future__ import annotations

import math

MAX_PROCESSING_S = 15.0
QUALITY_WEIGHT, SPEED_WEIGHT = 0.65, 0.35
BOX_FLOOR = 0.2  # a box score at or under this gives no speed credit


def speed_score(seconds: float, fastest_s: float = 0.0, limit_s: float = MAX_PROCESSING_S) -> float:
    """exp(-5 (t - t_min) / (15 - t_min)) clipped to 0..1; 0 at or past 15 s."""
    if seconds >= limit_s:
        return 0.0
    fastest_s = min(fastest_s, seconds)
    return max(0.0, min(1.0, math.exp(-5.0 * (seconds - fastest_s) / (limit_s - fastest_s))))


def final_score(box_score: float, keypoint_score: float, seconds: float, fastest_s: float = 0.0) -> float:
    """0.65 × (box + keypoints) / 2 + 0.35 × speed, with no speed credit when boxes score ≤ 0.2."""
    speed = 0.0 if box_score <= BOX_FLOOR else speed_score(seconds, fastest_s)
    return QUALITY_WEIGHT * (0.5 * box_score + 0.5 * keypoint_score) + SPEED_WEIGHT * speed
