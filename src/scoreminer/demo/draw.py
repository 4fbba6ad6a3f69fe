"""Paint one broadcast frame in a given look: stands, mown grass, lines, people and the ball, with their boxes."""

from __future__ import annotations

import cv2
import numpy as np

from scoreminer.contract.score_vision import BALL
from scoreminer.demo.camera import Camera
from scoreminer.demo.look import DEFAULT, Kit, Look
from scoreminer.demo.scene import Match
from scoreminer.pitch import LENGTH, WIDTH, line_polylines, spots

PERSON_CM = 180.0
BALL_CM = 22.0


def _pixels(camera: Camera, points: np.ndarray) -> np.ndarray:
    return camera.project(points)[0]


def paint_background(camera: Camera, look: Look = DEFAULT, rng: np.random.Generator | None = None) -> np.ndarray:
    image = _stands(camera, look, rng)
    surround = np.array([(-600, -600), (LENGTH + 600, -600), (LENGTH + 600, WIDTH + 600), (-600, WIDTH + 600)])
    cv2.fillPoly(image, [np.round(_pixels(camera, surround)).astype(np.int32)], look.grass[0], cv2.LINE_AA)
    for patch in _mowing(look):
        cv2.fillPoly(image, [np.round(_pixels(camera, patch)).astype(np.int32)], look.grass[1], cv2.LINE_AA)
    thickness = max(1, int(round(camera.focal * look.line_cm / 7000)))
    for line in line_polylines():
        pts = np.round(_pixels(camera, line) * 16).astype(np.int32)
        cv2.polylines(image, [pts], False, look.line_colour, thickness, cv2.LINE_AA, shift=4)
    for spot in _pixels(camera, spots()):
        cv2.circle(image, tuple(np.round(spot).astype(int)), thickness + 1, look.line_colour, -1, cv2.LINE_AA)
    if look.boards:
        _paint_boards(image, camera, rng or np.random.default_rng(0))
    return image


def _stands(camera: Camera, look: Look, rng: np.random.Generator | None) -> np.ndarray:
    image: np.ndarray = np.full((camera.height, camera.width, 3), look.stands, np.uint8)
    if look.crowd > 0 and rng is not None:  # a blocky crowd: coloured specks around the stands' colour
        size = (camera.height // 6 + 1, camera.width // 6 + 1)
        specks = rng.normal(0, 30 * look.crowd, (*size, 1)) + rng.normal(0, 15 * look.crowd, (*size, 3))
        grown = cv2.resize(specks, (camera.width, camera.height), interpolation=cv2.INTER_NEAREST)
        image = np.clip(image + grown, 0, 255).astype(np.uint8)
    return image


def _mowing(look: Look) -> list[np.ndarray]:
    """The second grass shade's patches in pitch cm: every other stripe, or a checkerboard."""
    if look.mowing == "none":
        return []
    step, patches = look.stripe_cm, []
    xs = np.arange(0, LENGTH, step)
    ys = np.arange(0, WIDTH, step) if look.mowing == "checks" else [0.0]
    tall = step if look.mowing == "checks" else WIDTH
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            if (i + j) % 2:
                patches.append(np.array([(x, y), (x + step, y), (x + step, y + tall), (x, y + tall)]))
    return patches


def _paint_boards(image: np.ndarray, camera: Camera, rng: np.random.Generator) -> None:
    """Advertising boards standing 90 cm tall, 4 m behind the far touchline."""
    y = WIDTH + 400
    for x in np.arange(-400, LENGTH + 400, 600.0):
        quad = np.array([(x, y, 0.0), (x + 600, y, 0.0), (x + 600, y, 90.0), (x, y, 90.0)])
        pixels, front = camera.project(quad)
        if front.all():
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            cv2.fillPoly(image, [np.round(pixels).astype(np.int32)], colour, cv2.LINE_AA)


def paint_person(
    image: np.ndarray, camera: Camera, xy: np.ndarray, kit: Kit, skin: tuple[int, int, int]
) -> tuple[float, float, float, float]:
    """Draw a person standing at `xy`; return its box (x1, y1, x2, y2) in pixels."""
    foot, head = _pixels(camera, np.array([[xy[0], xy[1], 0.0], [xy[0], xy[1], PERSON_CM]]))
    h = foot[1] - head[1]
    w = 0.36 * h
    cx, top = foot[0], head[1]
    shirt, shorts, socks = kit

    def rect(y0: float, y1: float, half: float, colour, dx: float = 0.0) -> None:
        cv2.rectangle(
            image, (int(cx + dx - half), int(top + y0 * h)), (int(cx + dx + half), int(top + y1 * h)), colour, -1
        )

    rect(0.68, 1.0, w * 0.12, socks, dx=-w * 0.17)
    rect(0.68, 1.0, w * 0.12, socks, dx=w * 0.17)
    rect(0.52, 0.7, w * 0.36, shorts)
    rect(0.15, 0.55, w * 0.5, shirt)
    cv2.circle(image, (int(cx), int(top + 0.08 * h)), max(1, int(0.08 * h)), skin, -1, cv2.LINE_AA)
    return (cx - w / 2, top, cx + w / 2, foot[1])


def paint_ball(image: np.ndarray, camera: Camera, xy: np.ndarray) -> tuple[float, float, float, float]:
    centre, top = _pixels(camera, np.array([[xy[0], xy[1], BALL_CM / 2], [xy[0], xy[1], BALL_CM]]))
    radius = max(3.0, centre[1] - top[1])
    cv2.circle(image, tuple(np.round(centre).astype(int)), int(round(radius)), (250, 250, 250), -1, cv2.LINE_AA)
    cv2.circle(image, tuple(np.round(centre).astype(int)), int(round(radius)), (60, 60, 60), 1, cv2.LINE_AA)
    return (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius)


def paint_actors(
    image: np.ndarray, camera: Camera, match: Match, positions: np.ndarray, look: Look = DEFAULT
) -> list[tuple[int, int, tuple]]:
    """Draw everyone far-to-near; return (track, class, box) for each, leaving out a ball hidden behind someone."""
    depth = positions[:, 1]  # the camera sits at y < 0: larger y is farther
    drawn, ball_box, covering = [], None, []
    for index in np.argsort(-depth):
        actor = match.actors[index]
        if actor.class_id == BALL:
            ball_box = paint_ball(image, camera, positions[index])
            drawn.append((actor.track, actor.class_id, ball_box))
            continue
        skin = look.skins[actor.track % len(look.skins)]
        box = paint_person(image, camera, positions[index], look.kits[(actor.class_id, actor.team)], skin)
        drawn.append((actor.track, actor.class_id, box))
        if ball_box is not None:
            covering.append(box)
    if ball_box is not None and any(_covers(box, ball_box) for box in covering):
        drawn = [d for d in drawn if d[1] != BALL]
    return sorted(drawn)


def _covers(person: tuple, ball: tuple) -> bool:
    """The ball's centre lies inside the body (the middle of the person's box) of someone drawn over it."""
    cx, cy = (ball[0] + ball[2]) / 2, (ball[1] + ball[3]) / 2
    x1, y1, x2, y2 = person
    inset = 0.2 * (x2 - x1)
    return x1 + inset <= cx <= x2 - inset and y1 <= cy <= y2
