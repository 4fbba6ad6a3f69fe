"""What action spotting keeps of each processed frame: every person box with its shirt colour, and the ball.

Taken from the detector's own boxes, before the tracker: at a stride, a panning camera moves small players
further between two processed frames than ByteTrack's overlap test allows, and spotting works on the pitch
(where a player moves a metre in 0.2 s whatever the camera does), not on track ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scoreminer.contract.score_vision import BALL
from scoreminer.inference.types import Detections

MIN_BOX_PX = 12  # boxes shorter than this have too few shirt pixels to say anything


@dataclass(frozen=True)
class Sighting:
    """One processed frame: person boxes, classes, confidences, shirt colours (Lab, NaN when too small), the ball."""

    frame: int
    xyxy: np.ndarray
    class_id: np.ndarray
    confidence: np.ndarray
    colour: np.ndarray
    ball: np.ndarray | None  # (x1, y1, x2, y2) of the most confident ball, if any
    ball_confidence: float = 0.0


class SightingLog:
    """Fed processed frames in order, with their pictures; keeps one Sighting each."""

    def __init__(self, person_floor: float = 0.25, ball_floor: float = 0.1) -> None:
        self.person_floor, self.ball_floor = person_floor, ball_floor
        self.sightings: list[Sighting] = []

    def observe(self, frame_number: int, found: Detections, picture: np.ndarray | None) -> None:
        is_ball = found.class_id == BALL
        people = np.flatnonzero(~is_ball & (found.confidence >= self.person_floor))
        balls = np.flatnonzero(is_ball & (found.confidence >= self.ball_floor))
        best = balls[np.argmax(found.confidence[balls])] if len(balls) else None
        colours = np.full((len(people), 3), np.nan, np.float32)
        if picture is not None:
            height, width = picture.shape[:2]
            for row, index in enumerate(people):
                colour = shirt_colour(picture, found.xyxy[index], width, height)
                if colour is not None:
                    colours[row] = colour
        self.sightings.append(
            Sighting(
                frame_number,
                found.xyxy[people].copy(),
                found.class_id[people].copy(),
                found.confidence[people].copy(),
                colours,
                None if best is None else found.xyxy[best].copy(),
                0.0 if best is None else float(found.confidence[best]),
            )
        )


def shirt_colour(frame: np.ndarray, box: np.ndarray, width: int, height: int) -> np.ndarray | None:
    """The median Lab colour of a box's shirt: the upper body's middle, clear of arms, head and grass."""
    x1, y1, x2, y2 = (float(v) for v in box)
    h, w = y2 - y1, x2 - x1
    if h < MIN_BOX_PX or w < 3:
        return None
    top, bottom = int(max(0, y1 + 0.2 * h)), int(min(height, y1 + 0.5 * h))
    left, right = int(max(0, x1 + 0.25 * w)), int(min(width, x2 - 0.25 * w))
    if bottom <= top or right <= left:
        return None
    lab = cv2.cvtColor(frame[top:bottom, left:right], cv2.COLOR_BGR2LAB).reshape(-1, 3).astype(np.float32)
    return np.median(lab, axis=0)
