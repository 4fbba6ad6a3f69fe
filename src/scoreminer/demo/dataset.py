"""Export rendered frames as two ultralytics datasets: players/ball boxes, and pitch keypoints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import yaml

from scoreminer.contract import CLASS_NAMES
from scoreminer.demo.render import render_frame, shots
from scoreminer.demo.scene import Match


@dataclass(frozen=True)
class DatasetSpec:
    """Which seeds and how many frames each, per split."""

    train_seeds: tuple[int, ...] = tuple(range(100, 112))
    val_seeds: tuple[int, ...] = (200, 201)
    frames_per_seed: int = 40
    width: int = 1280
    height: int = 720


def detection_label(truth: dict, width: int, height: int) -> str:
    rows = []
    for obj in truth["objects"]:
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


def export(root: Path, spec: DatasetSpec | None = None) -> tuple[Path, Path]:
    """Write images and labels for both tasks under `root`; return the two dataset yaml files."""
    spec = spec or DatasetSpec()
    for split, seeds in (("train", spec.train_seeds), ("val", spec.val_seeds)):
        for seed in seeds:
            _export_seed(root, split, seed, spec)
    detect = root / "detect.yaml"
    detect.write_text(
        yaml.safe_dump(
            {"path": str(root / "detect"), "train": "images/train", "val": "images/val", "names": CLASS_NAMES}
        )
    )
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


def _export_seed(root: Path, split: str, seed: int, spec: DatasetSpec) -> None:
    match, rng = Match(seed), np.random.default_rng(seed)
    duration = 60.0
    plan = shots(seed, duration, cuts=True)
    for i, t in enumerate(np.sort(rng.uniform(0, duration, spec.frames_per_seed))):
        image, truth = render_frame(match, float(t), plan, spec.width, spec.height, rng)
        name = f"s{seed}_{i:03d}"
        for task, label in (
            ("detect", detection_label(truth, spec.width, spec.height)),
            ("pose", pose_label(truth, spec.width, spec.height)),
        ):
            (root / task / "images" / split).mkdir(parents=True, exist_ok=True)
            (root / task / "labels" / split).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(root / task / "images" / split / f"{name}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 92])
            (root / task / "labels" / split / f"{name}.txt").write_text(label + "\n")
