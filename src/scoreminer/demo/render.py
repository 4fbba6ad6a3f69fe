"""Render a synthetic broadcast clip and its exact ground truth in the answer format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from scoreminer.demo.camera import Camera, broadcast_camera
from scoreminer.demo.draw import paint_actors, paint_background
from scoreminer.demo.effects import apply_effects
from scoreminer.demo.look import DEFAULT, Look
from scoreminer.demo.scene import Match
from scoreminer.errors import VideoError
from scoreminer.pitch import keypoints

MIN_VISIBLE = 0.4  # share of a box that must be inside the frame to count as visible


@dataclass(frozen=True)
class Shot:
    """A camera setting held from `start_s`: wide (zoom ~1.3) or tight (zoom ~2)."""

    start_s: float
    zoom: float


def shots(seed: int, duration_s: float, cuts: bool, look: Look = DEFAULT) -> list[Shot]:
    """Alternate wide and tight shots every 4–9 s, zooms from the look's camera rig."""
    rng, (wide, tight_zoom) = np.random.default_rng(seed + 1), (look.rig.wide_zoom, look.rig.tight_zoom)
    plan, t, tight = [Shot(0.0, rng.uniform(*wide))], 0.0, False
    while cuts and t < duration_s:
        t += rng.uniform(4.0, 9.0)
        tight = not tight
        plan.append(Shot(t, rng.uniform(*tight_zoom) if tight else rng.uniform(*wide)))
    return plan


def camera_at(match: Match, t: float, plan: list[Shot], width: int, height: int, look: Look = DEFAULT) -> Camera:
    """The camera follows a smoothed ball; the zoom comes from the current shot."""
    ball = np.mean([match.ball(t - lag) for lag in np.linspace(0, 1.5, 7)], axis=0)
    zoom = [s for s in plan if s.start_s <= t][-1].zoom * (1 + 0.03 * np.sin(0.2 * t))
    rig = look.rig
    look_x = 6000 + rig.pan_gain * (ball[0] - 6000)
    look_y = 3300 + 0.35 * (ball[1] - 3500)
    aim = match.aim(t)
    if aim is not None:  # a replay knows where the broadcast looked
        look_x, look_y = float(aim[0]), 3300 + 0.35 * (float(aim[1]) - 3500)
    return broadcast_camera(look_x, look_y, zoom, width, height, rig.side_offset, rig.elevation)


def frame_truth(camera: Camera, drawn: list[tuple[int, int, tuple]]) -> dict:
    """Keypoints ([0, 0] when off-screen) and visible objects, clipped, in the answer format."""
    pixels, in_front = camera.project(keypoints())
    seen = camera.visible(pixels, in_front)
    points = [
        [round(float(x), 2), round(float(y), 2)] if ok else [0.0, 0.0] for (x, y), ok in zip(pixels, seen, strict=False)
    ]
    objects = []
    for track, class_id, (x1, y1, x2, y2) in drawn:
        cx1, cy1 = max(0.0, x1), max(0.0, y1)
        cx2, cy2 = min(float(camera.width), x2), min(float(camera.height), y2)
        area = (x2 - x1) * (y2 - y1)
        if cx2 <= cx1 or cy2 <= cy1 or (cx2 - cx1) * (cy2 - cy1) < MIN_VISIBLE * area:
            continue
        objects.append({"id": track, "bbox": [round(v, 2) for v in (cx1, cy1, cx2, cy2)], "class_id": class_id})
    return {"keypoints": points, "objects": objects}


def render_frame(
    match: Match,
    t: float,
    plan: list[Shot],
    width: int,
    height: int,
    rng: np.random.Generator | None = None,
    look: Look = DEFAULT,
) -> tuple[np.ndarray, dict]:
    """One frame in `look` and its truth; `rng` None gives a noiseless, deterministic picture."""
    camera = camera_at(match, t, plan, width, height, look)
    image = paint_background(camera, look, rng)
    drawn = paint_actors(image, camera, match, match.positions(t), look)
    return apply_effects(image, camera, look, rng), frame_truth(camera, drawn)


def render_clip(
    path: Path,
    seed: int = 0,
    frames: int = 250,
    fps: float = 25.0,
    width: int = 1280,
    height: int = 720,
    cuts: bool = True,
    look: Look = DEFAULT,
    match: Match | None = None,
) -> list[dict]:
    """Write an MP4 and return its ground truth: one answer-format entry per frame.

    `match` is `Match(seed)` unless given (a `PlayedMatch` for scripted play with its true actions)."""
    match, rng = match or Match(seed), np.random.default_rng(seed + 2)
    plan = shots(seed, frames / fps, cuts, look)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise VideoError(f"cannot write {path}", "check the folder exists and is writable")
    truth = []
    try:
        for n in range(frames):
            image, entry = render_frame(match, n / fps, plan, width, height, rng, look)
            writer.write(image)
            truth.append({"frame_number": n, **entry})
    finally:
        writer.release()
    return truth


def write_truth(path: Path, truth: list[dict], challenge_id: str = "truth", actions: list[dict] | None = None) -> Path:
    """The truth in the answer format; a played match adds its true `actions` (frame at 25 fps, name)."""
    data: dict = {"challenge_id": challenge_id, "frames": truth, "processing_time": 0.0}
    if actions is not None:
        data["actions"] = actions
    path.write_text(json.dumps(data))
    return path
