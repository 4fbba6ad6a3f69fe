"""Processed frames on the pitch: every person's feet and the ball in metres, through the registered homography."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoreminer.inference.actions.sightings import Sighting
from scoreminer.inference.actions.teams import TeamModel
from scoreminer.inference.types import FrameResult
from scoreminer.pitch import LENGTH, WIDTH

LENGTH_M, WIDTH_M = LENGTH / 100, WIDTH / 100
SLACK_M = 12.0  # positions further than this outside the lines are a bad fit, not a player


@dataclass(frozen=True)
class Snapshot:
    """One processed frame in metres (x along the pitch from the left goal line, y across from the near touchline)."""

    frame: int
    players: np.ndarray  # (N, 2)
    classes: np.ndarray  # (N,)
    teams: np.ndarray  # (N,) 0 / 1, -1 when unknown (referee, goalkeeper, unclear shirt)
    ball: np.ndarray | None
    ball_confidence: float


def to_pitch(homography: np.ndarray, pixels: np.ndarray) -> np.ndarray:
    """(N, 2) image points → (N, 2) metres on the pitch; NaN for points the fit cannot place."""
    inverse = np.linalg.inv(homography)
    mapped = np.hstack([pixels, np.ones((len(pixels), 1))]) @ inverse.T
    w = mapped[:, 2:3]
    metres = np.where(np.abs(w) > 1e-12, mapped[:, :2] / np.where(np.abs(w) > 1e-12, w, 1.0), np.nan) / 100
    inside = (
        (metres[:, 0] > -SLACK_M)
        & (metres[:, 0] < LENGTH_M + SLACK_M)
        & (metres[:, 1] > -SLACK_M)
        & (metres[:, 1] < WIDTH_M + SLACK_M)
    )
    return np.where(inside[:, None], metres, np.nan)


def feet(xyxy: np.ndarray) -> np.ndarray:
    """Where a box touches the ground: the middle of its bottom edge."""
    return np.stack([(xyxy[:, 0] + xyxy[:, 2]) / 2, xyxy[:, 3]], axis=1)


def snapshots(sightings: list[Sighting], results: list[FrameResult], teams: TeamModel | None) -> list[Snapshot]:
    """The sightings of frames with a trusted fit, placed on the pitch (frames without one cannot be placed)."""
    fits = {r.frame_number: r.homography for r in results if r.homography is not None}
    out = []
    for seen in sightings:
        homography = fits.get(seen.frame)
        if homography is None:
            continue
        players = to_pitch(homography, feet(seen.xyxy)) if len(seen.xyxy) else np.zeros((0, 2))
        keep = np.all(np.isfinite(players), axis=1)
        ball = None
        if seen.ball is not None:
            placed = to_pitch(homography, feet(seen.ball[None]))[0]
            ball = placed if np.all(np.isfinite(placed)) else None
        labels = teams.label(seen.colour[keep], seen.class_id[keep]) if teams else np.full(int(keep.sum()), -1)
        out.append(Snapshot(seen.frame, players[keep], seen.class_id[keep], labels, ball, seen.ball_confidence))
    return out
