"""Paint one broadcast frame: stands, striped grass, lines, people and the ball, with their boxes."""

from __future__ import annotations

import cv2
import numpy as np

from scoreminer.contract import BALL, GOALKEEPER, REFEREE
from scoreminer.demo.camera import Camera
from scoreminer.demo.scene import Match
from scoreminer.pitch import LENGTH, WIDTH, line_polylines, spots

KITS = {  # (shirt, shorts) in BGR
    (2, 0): ((40, 40, 210), (235, 235, 235)),
    (2, 1): ((200, 90, 30), (40, 40, 40)),
    (GOALKEEPER, 0): ((0, 215, 255), (20, 20, 20)),
    (GOALKEEPER, 1): ((150, 40, 150), (230, 230, 230)),
    (REFEREE, -1): ((25, 25, 25), (25, 25, 25)),
}
SKIN = (120, 160, 205)
LINE = (240, 240, 240)
GRASS = ((50, 135, 55), (60, 150, 65))
PERSON_CM = 180.0
BALL_CM = 22.0


def _pixels(camera: Camera, points: np.ndarray) -> np.ndarray:
    return camera.project(points)[0]


def paint_background(camera: Camera) -> np.ndarray:
    image = np.full((camera.height, camera.width, 3), (70, 70, 80), np.uint8)
    surround = np.array([(-600, -600), (LENGTH + 600, -600), (LENGTH + 600, WIDTH + 600), (-600, WIDTH + 600)])
    cv2.fillPoly(image, [np.round(_pixels(camera, surround)).astype(np.int32)], GRASS[0], cv2.LINE_AA)
    for i, x in enumerate(np.arange(0, LENGTH, 1000.0)):
        stripe = np.array([(x, 0), (x + 1000, 0), (x + 1000, WIDTH), (x, WIDTH)])
        cv2.fillPoly(image, [np.round(_pixels(camera, stripe)).astype(np.int32)], GRASS[i % 2], cv2.LINE_AA)
    thickness = max(1, int(round(camera.focal * 12 / 7000)))
    for line in line_polylines():
        pts = np.round(_pixels(camera, line) * 16).astype(np.int32)
        cv2.polylines(image, [pts], False, LINE, thickness, cv2.LINE_AA, shift=4)
    for spot in _pixels(camera, spots()):
        cv2.circle(image, tuple(np.round(spot).astype(int)), thickness + 1, LINE, -1, cv2.LINE_AA)
    return image


def paint_person(image: np.ndarray, camera: Camera, xy: np.ndarray, kit: tuple) -> tuple[float, float, float, float]:
    """Draw a person standing at `xy`; return its box (x1, y1, x2, y2) in pixels."""
    foot, head = _pixels(camera, np.array([[xy[0], xy[1], 0.0], [xy[0], xy[1], PERSON_CM]]))
    h = foot[1] - head[1]
    w = 0.36 * h
    cx, top = foot[0], head[1]
    shirt, shorts = kit

    def rect(y0: float, y1: float, half: float, colour, dx: float = 0.0) -> None:
        cv2.rectangle(
            image, (int(cx + dx - half), int(top + y0 * h)), (int(cx + dx + half), int(top + y1 * h)), colour, -1
        )

    rect(0.68, 1.0, w * 0.12, (30, 30, 30), dx=-w * 0.17)
    rect(0.68, 1.0, w * 0.12, (30, 30, 30), dx=w * 0.17)
    rect(0.52, 0.7, w * 0.36, shorts)
    rect(0.15, 0.55, w * 0.5, shirt)
    cv2.circle(image, (int(cx), int(top + 0.08 * h)), max(1, int(0.08 * h)), SKIN, -1, cv2.LINE_AA)
    return (cx - w / 2, top, cx + w / 2, foot[1])


def paint_ball(image: np.ndarray, camera: Camera, xy: np.ndarray) -> tuple[float, float, float, float]:
    centre, top = _pixels(camera, np.array([[xy[0], xy[1], BALL_CM / 2], [xy[0], xy[1], BALL_CM]]))
    radius = max(3.0, centre[1] - top[1])
    cv2.circle(image, tuple(np.round(centre).astype(int)), int(round(radius)), (250, 250, 250), -1, cv2.LINE_AA)
    cv2.circle(image, tuple(np.round(centre).astype(int)), int(round(radius)), (60, 60, 60), 1, cv2.LINE_AA)
    return (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius)


def paint_actors(
    image: np.ndarray, camera: Camera, match: Match, positions: np.ndarray
) -> list[tuple[int, int, tuple]]:
    """Draw everyone far-to-near; return (track, class, box) for each."""
    depth = positions[:, 1]  # the camera sits at y < 0: larger y is farther
    drawn = []
    for index in np.argsort(-depth):
        actor = match.actors[index]
        if actor.class_id == BALL:
            box = paint_ball(image, camera, positions[index])
        else:
            kit = KITS[(actor.class_id, actor.team)]
            box = paint_person(image, camera, positions[index], kit)
        drawn.append((actor.track, actor.class_id, box))
    return sorted(drawn)
