"""The ball goes around the tracker: the most confident one per frame above its own floor, under one fixed id."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoreminer.contract.score_vision import BALL
from scoreminer.inference.types import Detections

# ByteTrack numbers people from 1; there is one ball, and a stable id lets stride interpolation follow it.
BALL_TRACK_ID = 0


@dataclass(frozen=True)
class ConfidenceFloors:
    """Least confidence for people and for the ball; 0 keeps whatever the detector returned."""

    people: float = 0.0
    ball: float = 0.0

    def split(self, found: Detections) -> tuple[Detections, Detections]:
        """People at or above their floor (for the tracker), and the best ball at or above its own, id fixed."""
        is_ball = found.class_id == BALL
        people = np.flatnonzero(~is_ball & (found.confidence >= self.people))
        balls = np.flatnonzero(is_ball & (found.confidence >= self.ball))
        kept = Detections.of(found.xyxy[people], found.class_id[people], found.confidence[people])
        if len(balls) == 0:
            return kept, Detections.empty()
        best = balls[np.argmax(found.confidence[balls])]
        ball = Detections.of(found.xyxy[best], [BALL], found.confidence[best], [BALL_TRACK_ID])
        return kept, ball


def join(a: Detections, b: Detections) -> Detections:
    """One frame's tracked people and its ball as one Detections."""
    if len(b) == 0:
        return a
    if len(a) == 0:
        return b
    ids = [np.full(len(d), -1) if d.track_id is None else d.track_id for d in (a, b)]
    return Detections.of(
        np.concatenate([a.xyxy, b.xyxy]),
        np.concatenate([a.class_id, b.class_id]),
        np.concatenate([a.confidence, b.confidence]),
        np.concatenate(ids),
    )
