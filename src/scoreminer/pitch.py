"""The pitch of the contract (12000 × 7000 cm) and its 32 keypoints in the contract's order."""

from __future__ import annotations

import numpy as np

LENGTH, WIDTH = 12000.0, 7000.0
PENALTY_BOX = (2015.0, 4100.0)  # length into the pitch, width across
GOAL_BOX = (550.0, 1832.0)
CENTRE_RADIUS = 915.0
PENALTY_SPOT = 1100.0


def keypoints() -> np.ndarray:
    """(32, 2) pitch coordinates in cm: goal lines, boxes, spots, halfway line, centre circle."""
    pl, pw = PENALTY_BOX
    gl, gw = GOAL_BOX
    top, bottom = (WIDTH - pw) / 2, (WIDTH + pw) / 2
    g_top, g_bottom = (WIDTH - gw) / 2, (WIDTH + gw) / 2
    half, mid = LENGTH / 2, WIDTH / 2
    points = [
        (0, 0),
        (0, top),
        (0, g_top),
        (0, g_bottom),
        (0, bottom),
        (0, WIDTH),
        (gl, g_top),
        (gl, g_bottom),
        (PENALTY_SPOT, mid),
        (pl, top),
        (pl, g_top),
        (pl, g_bottom),
        (pl, bottom),
        (half, 0),
        (half, mid - CENTRE_RADIUS),
        (half, mid + CENTRE_RADIUS),
        (half, WIDTH),
        (LENGTH - pl, top),
        (LENGTH - pl, g_top),
        (LENGTH - pl, g_bottom),
        (LENGTH - pl, bottom),
        (LENGTH - PENALTY_SPOT, mid),
        (LENGTH - gl, g_top),
        (LENGTH - gl, g_bottom),
        (LENGTH, 0),
        (LENGTH, top),
        (LENGTH, g_top),
        (LENGTH, g_bottom),
        (LENGTH, bottom),
        (LENGTH, WIDTH),
        (half - CENTRE_RADIUS, mid),
        (half + CENTRE_RADIUS, mid),
    ]
    return np.array(points, np.float64)


def line_polylines(samples: int = 40) -> list[np.ndarray]:
    """The painted lines as polylines in pitch cm (straight lines densely sampled for perspective)."""
    k = keypoints()

    def segment(a: int, b: int) -> np.ndarray:
        return np.linspace(k[a - 1], k[b - 1], samples)

    lines = [
        segment(1, 6),
        segment(6, 30),
        segment(30, 25),
        segment(25, 1),
        segment(14, 17),
        segment(2, 10),
        segment(10, 13),
        segment(13, 5),
        segment(3, 7),
        segment(7, 8),
        segment(8, 4),
        segment(26, 18),
        segment(18, 21),
        segment(21, 29),
        segment(27, 23),
        segment(23, 24),
        segment(24, 28),
    ]
    angles = np.linspace(0, 2 * np.pi, samples * 3)
    lines.append(np.stack([LENGTH / 2 + CENTRE_RADIUS * np.cos(angles), WIDTH / 2 + CENTRE_RADIUS * np.sin(angles)], 1))
    return lines


def spots() -> np.ndarray:
    """Penalty spots and the centre spot, drawn as dots."""
    return np.array([(PENALTY_SPOT, WIDTH / 2), (LENGTH - PENALTY_SPOT, WIDTH / 2), (LENGTH / 2, WIDTH / 2)])
