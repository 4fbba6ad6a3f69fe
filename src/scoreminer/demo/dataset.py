"""Export rendered frames as two ultralytics datasets: players/ball boxes, and pitch keypoints.

Every match gets its own random look (a few keep the default one), frames are sampled so goalkeepers and
the ball are well represented, and the detector's images are crops at its inference scale (see presets).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import yaml

from scoreminer.contract.score_vision import BALL, CLASS_NAMES, GOALKEEPER, REFEREE
from scoreminer.demo.look import DEFAULT, Look, random_look
from scoreminer.demo.play import PlayedMatch
from scoreminer.demo.presets import PLAYER_IMG_SIZE
from scoreminer.demo.render import MIN_VISIBLE, render_frame, shots
from scoreminer.demo.scene import Match

RARE = (GOALKEEPER, REFEREE, BALL)  # crops are centred on one of these when the frame has one


@dataclass(frozen=True)
class DatasetSpec:
    """Which seeds and how many frames each, per split; every `default_every`-th seed keeps the default look."""

    train_seeds: tuple[int, ...] = tuple(range(100, 124))
    val_seeds: tuple[int, ...] = (200, 201, 202)
    frames_per_seed: int = 25
    width: int = 1280
    height: int = 720
    default_every: int = 4
    crop: int = 640  # detector training image side, in pixels at the detector's inference scale
    near_goal: float = 0.5  # share of frames taken with the ball near a goal (goalkeepers in shot)
    keeper_crops: float = 0.6  # share of frames with a goalkeeper whose crop is centred on one
    played: bool = False  # scripted play (demo.play): the ball at players' feet, the camera chasing passes and shots


def look_for(seed: int, spec: DatasetSpec) -> Look:
    return DEFAULT if seed % spec.default_every == 0 else random_look(seed)


def detection_label(objects: list[dict], width: float, height: float) -> str:
    rows = []
    for obj in objects:
        x1, y1, x2, y2 = obj["bbox"]
        rows.append(
            f"{obj['class_id']} {(x1 + x2) / 2 / width:.6f} {(y1 + y2) / 2 / height:.6f} "
            f"{(x2 - x1) / width:.6f} {(y2 - y1) / height:.6f}"
        )
    return "\n".join(rows)


def pose_label(truth: dict, width: int, height: int) -> str:
    """One pitch instance covering the frame, 32 keypoints with visibility 2 (seen) or 0."""
    parts = ["0 0.5 0.5 1.0 1.0"]
    for x, y in truth["keypoints"]:
        seen = x > 0 or y > 0
        parts.append(f"{x / width:.6f} {y / height:.6f} 2" if seen else "0 0 0")
    return " ".join(parts)


def detector_crop(
    image: np.ndarray, truth: dict, side: int, rng: np.random.Generator, keeper_crops: float = 0.6
) -> tuple[np.ndarray, list[dict]]:
    """Scale the frame as the detector sees it at inference, and cut a window round a rare object when there is one."""
    scale = PLAYER_IMG_SIZE / max(image.shape[:2])
    frame = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale != 1 else image
    h, w = frame.shape[:2]
    cw, ch = min(side, w), min(side, h)
    rare = [o for o in truth["objects"] if o["class_id"] in RARE]
    keepers = [o for o in rare if o["class_id"] == GOALKEEPER]
    if keepers and rng.uniform() < keeper_crops:  # the rarest class: in shot only near a goal
        rare = keepers
    if rare:
        x1, _, x2, _ = rare[rng.integers(len(rare))]["bbox"]
        centre = (x1 + x2) / 2 * scale + rng.uniform(-0.35, 0.35) * cw
    else:
        centre = rng.uniform(0, w)
    left = int(np.clip(centre - cw / 2, 0, w - cw))
    top = int(rng.integers(0, h - ch + 1))
    objects = []
    for obj in truth["objects"]:
        box = np.array(obj["bbox"]) * scale - [left, top, left, top]
        clipped = np.clip(box, 0, [cw, ch, cw, ch])
        area = np.prod(box[2:] - box[:2])
        if np.all(clipped[2:] > clipped[:2]) and np.prod(clipped[2:] - clipped[:2]) >= MIN_VISIBLE * area:
            objects.append({**obj, "bbox": clipped.tolist()})
    return frame[top : top + ch, left : left + cw], objects


def export(root: Path, spec: DatasetSpec | None = None) -> tuple[Path, Path]:
    """Write images and labels for both tasks under `root`; return the two dataset yaml files."""
    spec = spec or DatasetSpec()
    for split, seeds in (("train", spec.train_seeds), ("val", spec.val_seeds)):
        for seed in seeds:
            _export_seed(root, split, seed, spec)
    detect = root / "detect.yaml"
    names = {"path": str(root / "detect"), "train": "images/train", "val": "images/val", "names": CLASS_NAMES}
    detect.write_text(yaml.safe_dump(names))
    pose = root / "pose.yaml"
    pose.write_text(
        yaml.safe_dump(
            {
                "path": str(root / "pose"),
                "train": "images/train",
                "val": "images/val",
                "names": {0: "pitch"},
                "kpt_shape": [32, 3],
            }
        )
    )
    return detect, pose


def balanced_times(
    match: Match, count: int, rng: np.random.Generator, duration: float, near_goal: float = 0.5
) -> list[float]:
    """A share of the frames at moments the ball is within 30 m of a goal (goalkeepers in shot), the rest anywhere."""
    candidates = np.sort(rng.uniform(0, duration, count * 20))
    near = [t for t in candidates if min(match.ball(t)[0], 12000 - match.ball(t)[0]) < 3000]
    wanted = int(round(count * near_goal))
    picked = list(rng.choice(near, min(len(near), wanted), replace=False)) if near else []
    rest = [t for t in candidates if t not in picked]
    picked += list(rng.choice(rest, count - len(picked), replace=False))
    return sorted(float(t) for t in picked)


def _export_seed(root: Path, split: str, seed: int, spec: DatasetSpec) -> None:
    duration = 60.0 if spec.played else 120.0
    match = PlayedMatch(seed, duration) if spec.played else Match(seed)
    rng, look = np.random.default_rng(seed), look_for(seed, spec)
    plan = shots(seed, duration, True, look)
    for i, t in enumerate(balanced_times(match, spec.frames_per_seed, rng, duration, spec.near_goal)):
        image, truth = render_frame(match, t, plan, spec.width, spec.height, rng, look)
        name = f"s{seed}_{i:03d}"
        crop, objects = detector_crop(image, truth, spec.crop, rng, spec.keeper_crops)
        _write(root / "detect", split, name, crop, detection_label(objects, crop.shape[1], crop.shape[0]))
        _write(root / "pose", split, name, image, pose_label(truth, spec.width, spec.height))


def _write(task_root: Path, split: str, name: str, image: np.ndarray, label: str) -> None:
    for kind in ("images", "labels"):
        (task_root / kind / split).mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(task_root / "images" / split / f"{name}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    (task_root / "labels" / split / f"{name}.txt").write_text(label + "\n")
