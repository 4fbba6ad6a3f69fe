"""A small synthetic clip: pitch lines and player-like shapes moving in straight lines, with the truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from scoreminer.errors import VideoError

GRASS = (40, 140, 40)
LINE = (235, 235, 235)
KIT_COLOURS = {0: (255, 255, 255), 1: (0, 200, 255), 2: (200, 40, 40), 3: (20, 20, 20)}


@dataclass(frozen=True)
class Mover:
    """A box of fixed size moving at a constant velocity (pixels per frame)."""

    track: int
    class_id: int
    start: tuple[float, float]
    velocity: tuple[float, float]
    size: tuple[int, int]

    def box(self, frame: int) -> tuple[float, float, float, float]:
        x = self.start[0] + self.velocity[0] * frame
        y = self.start[1] + self.velocity[1] * frame
        return (x, y, x + self.size[0], y + self.size[1])


@dataclass(frozen=True)
class SyntheticClip:
    """The written file and, per frame, the true (track, class, box) of every mover."""

    path: Path
    frames: int
    width: int
    height: int
    movers: list[Mover]

    def truth(self, frame: int) -> list[tuple[int, int, tuple[float, float, float, float]]]:
        return [(m.track, m.class_id, m.box(frame)) for m in self.movers]


def make_movers(width: int, height: int, frames: int, count: int, seed: int) -> list[Mover]:
    """Movers that stay fully inside the frame for the whole clip."""
    rng = np.random.default_rng(seed)
    movers = []
    for track in range(1, count + 1):
        class_id = 0 if track == 1 else 1 if track == 2 else 3 if track == 3 else 2
        size = (12, 12) if class_id == 0 else (int(width * 0.04), int(height * 0.14))
        vx, vy = rng.uniform(-1.5, 1.5, 2)
        span_x, span_y = abs(vx) * frames, abs(vy) * frames
        x0 = rng.uniform(span_x if vx < 0 else 0, width - size[0] - (span_x if vx > 0 else 0))
        top = STAMP_CELL + 2  # keep clear of the frame-number stamp
        y0 = rng.uniform(top + (span_y if vy < 0 else 0), height - size[1] - (span_y if vy > 0 else 0))
        movers.append(Mover(track, class_id, (float(x0), float(y0)), (float(vx), float(vy)), size))
    return movers


STAMP_BITS = 16
STAMP_CELL = 8


def stamp_frame_number(image: np.ndarray, number: int) -> None:
    """Write `number` as 16 black/white cells in the top-left corner (survives lossy encoding)."""
    for bit in range(STAMP_BITS):
        value = 255 if number >> bit & 1 else 0
        image[0:STAMP_CELL, bit * STAMP_CELL : (bit + 1) * STAMP_CELL] = value


def read_frame_number(image: np.ndarray) -> int:
    """The number written by `stamp_frame_number`."""
    cells = [image[0:STAMP_CELL, b * STAMP_CELL : (b + 1) * STAMP_CELL].mean() for b in range(STAMP_BITS)]
    return sum(1 << bit for bit, mean in enumerate(cells) if mean > 127)


def draw_pitch(width: int, height: int) -> np.ndarray:
    image = np.full((height, width, 3), GRASS, np.uint8)
    cv2.line(image, (width // 2, 0), (width // 2, height), LINE, 3)
    cv2.circle(image, (width // 2, height // 2), height // 6, LINE, 3)
    cv2.rectangle(image, (0, height // 4), (width // 8, 3 * height // 4), LINE, 3)
    cv2.rectangle(image, (7 * width // 8, height // 4), (width, 3 * height // 4), LINE, 3)
    return image


def write_synthetic_clip(
    path: Path,
    frames: int = 60,
    width: int = 640,
    height: int = 360,
    fps: float = 25.0,
    movers: int = 8,
    seed: int = 0,
    stamp: bool = True,
) -> SyntheticClip:
    """Render and write an MP4; movers never leave the frame so the truth is exact."""
    crowd = make_movers(width, height, frames, movers, seed)
    background = draw_pitch(width, height)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise VideoError(f"cannot write {path}", "check the folder exists and is writable")
    try:
        for index in range(frames):
            image = background.copy()
            for mover in crowd:
                x1, y1, x2, y2 = (int(round(v)) for v in mover.box(index))
                cv2.rectangle(image, (x1, y1), (x2, y2), KIT_COLOURS[mover.class_id], -1)
            if stamp:
                stamp_frame_number(image, index)
            writer.write(image)
    finally:
        writer.release()
    return SyntheticClip(path, frames, width, height, crowd)
