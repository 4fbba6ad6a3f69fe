"""Fine-tune the demo models on real broadcast frames (../shared/data/real), split by match, and install them.

    python scripts/train_real_models.py [--only detect|pose] [--real ../shared/data/real]
        [--work ~/.cache/scoreminer/train/real] [--detect-epochs 35] [--pose-epochs 150] [--install]

Data (CC BY 4.0, Roboflow Universe: `football-players-detection-3zvbc-bf79d` v1 and
`football-field-detection-f07vi-iqfrt` v1, frames from the DFL Bundesliga Data Shootout):
- held out by match id (HELD_OUT below, never in training; docs/demo-models.md measures on them);
- the exporter stretched 1920×1080 to squares: every frame is restored to 16:9 first;
- detector: 640-px crops of the frame at the detector's own scale (1280×720, the size `serve` runs it at),
  one centred on each goalkeeper, referee and ball (the rare classes) plus one anywhere, so a 6 px ball stays
  6 px and the rare classes are seen far more often than in whole frames;
- pose: whole frames at 854×480 (the pose model runs at 480), flipped left-right with the template's mirror
  pairing (keypoint i ↔ the point at the same width on the other half).
Both start from the shipped demo weights (trained on renders). Runs resume from their last checkpoint under
--work (a cut session continues where it stopped); validation is off until the last epoch so held-out frames
never choose weights. `--install` copies the final weights into the package.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import cv2
import numpy as np
import yaml

from scoreminer.contract.score_vision import BALL, CLASS_NAMES, GOALKEEPER, REFEREE
from scoreminer.demo.dataset import DatasetSpec, export
from scoreminer.demo.presets import PITCH, PITCH_IMG_SIZE, PLAYER, PLAYER_IMG_SIZE, WEIGHTS
from scoreminer.evaluation.dataset import LabelledFrame, load_folder
from scoreminer.inference.yolo.training import install, train
from scoreminer.pitch import LENGTH, keypoints

MATCH = r"^([0-9a-f]{6})_"
# Held-out matches: 08fd33 is the match of the real clip (so the README's frame and clip are unseen), plus two
# more in each folder, about a quarter of the frames.
HELD_OUT = {"detect": {"08fd33", "573e61", "a9f16c"}, "pose": {"08fd33", "a9f16c", "ec783a", "e624c9"}}
FOLDERS = {"detect": "players", "pose": "pitch"}
CROP, MIN_VISIBLE = 640, 0.4
RARE = (GOALKEEPER, REFEREE, BALL)


def flip_idx() -> list[int]:
    """Keypoint i's mirror under a left-right image flip: the template point at LENGTH - x on the same width."""
    k = keypoints()
    mirrored = np.column_stack([LENGTH - k[:, 0], k[:, 1]])
    return [int(np.argmin(np.linalg.norm(k - m, axis=1))) for m in mirrored]


def restored(frame: LabelledFrame, width: int) -> np.ndarray:
    image = cv2.imread(str(frame.image))
    return cv2.resize(image, (width, width * 9 // 16), interpolation=cv2.INTER_AREA)


def detector_crops(frame: LabelledFrame, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """Crops at the detector's scale: one per rare object not already well inside an earlier crop, one anywhere."""
    image = restored(frame, PLAYER_IMG_SIZE)
    h, w = image.shape[:2]
    boxes = frame.boxes.copy()
    boxes[:, 1:] *= [w, h, w, h]
    centres = [((b[1] + b[3]) / 2, (b[2] + b[4]) / 2) for b in boxes if int(b[0]) in RARE]
    centres.append((rng.uniform(0, w), rng.uniform(0, h)))
    crops, windows = [], []
    for cx, cy in centres:
        if any(x + 80 < cx < x + CROP - 80 and y + 80 < cy < y + CROP - 80 for x, y in windows):
            continue
        x = int(np.clip(cx - CROP / 2 + rng.uniform(-0.3, 0.3) * CROP, 0, w - CROP))
        y = int(np.clip(cy - CROP / 2 + rng.uniform(-0.3, 0.3) * CROP, 0, max(0, h - CROP)))
        windows.append((x, y))
        crop = np.zeros((CROP, CROP, 3), np.uint8)
        part = image[y : y + CROP, x : x + CROP]
        crop[: part.shape[0], : part.shape[1]] = part
        shifted = boxes[:, 1:] - [x, y, x, y]
        clipped = np.clip(shifted, 0, [part.shape[1], part.shape[0]] * 2)
        area = np.prod(shifted[:, 2:] - shifted[:, :2], axis=1)
        kept = np.prod(np.clip(clipped[:, 2:] - clipped[:, :2], 0, None), axis=1) >= MIN_VISIBLE * area
        crops.append((crop, np.column_stack([boxes[kept, 0], clipped[kept] / CROP])))
    return crops


def yolo_rows(boxes: np.ndarray) -> str:
    rows = []
    for cls, x1, y1, x2, y2 in boxes:
        rows.append(f"{int(cls)} {(x1 + x2) / 2:.6f} {(y1 + y2) / 2:.6f} {x2 - x1:.6f} {y2 - y1:.6f}")
    return "\n".join(rows) + "\n"


def prepare_detect(real: Path, out: Path) -> Path:
    data = load_folder(real / FOLDERS["detect"], group_by=MATCH)
    rng = np.random.default_rng(0)
    counts = {"train_images": 0, "val_images": 0}
    for frame in data.frames:
        held = frame.group in HELD_OUT["detect"]
        split = "val" if held else "train"
        (out / "images" / split).mkdir(parents=True, exist_ok=True)
        (out / "labels" / split).mkdir(parents=True, exist_ok=True)
        if held:  # whole restored frames at the scale serve runs the detector
            items = [(restored(frame, PLAYER_IMG_SIZE), frame.boxes)]
        else:
            items = detector_crops(frame, rng)
        for i, (image, boxes) in enumerate(items):
            name = f"{frame.image.stem}_{i}"
            cv2.imwrite(str(out / "images" / split / f"{name}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, 92])
            (out / "labels" / split / f"{name}.txt").write_text(yolo_rows(boxes))
            counts[f"{split}_images"] += 1
    spec = {"path": str(out), "train": "images/train", "val": "images/val", "names": dict(CLASS_NAMES)}
    (out / "data.yaml").write_text(yaml.safe_dump(spec))
    print(json.dumps({"detect": counts}))
    return out / "data.yaml"


def prepare_pose(real: Path, out: Path) -> Path:
    data = load_folder(real / FOLDERS["pose"], group_by=MATCH)
    counts = {"train_images": 0, "val_images": 0}
    for frame in data.frames:
        split = "val" if frame.group in HELD_OUT["pose"] else "train"
        (out / "images" / split).mkdir(parents=True, exist_ok=True)
        (out / "labels" / split).mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(out / "images" / split / f"{frame.image.stem}.jpg"), restored(frame, 854))
        # labels are normalised, so the stretched export's rows stay valid on the restored frame
        source = frame.image.parent.parent / "labels" / f"{frame.image.stem}.txt"
        (out / "labels" / split / source.name).write_text(source.read_text())
        counts[f"{split}_images"] += 1
    spec = {
        "path": str(out),
        "train": "images/train",
        "val": "images/val",
        "names": {0: "pitch"},
        "kpt_shape": [32, 3],
        "flip_idx": flip_idx(),
    }
    (out / "data.yaml").write_text(yaml.safe_dump(spec))
    print(json.dumps({"pose": counts}))
    return out / "data.yaml"


def add_renders(renders: Path, task: str, out: Path) -> int:
    """Link the rendered training images of `task` (scoreminer.demo.dataset's export) into the train split: other
    kits, pitches and cameras, and the exact truth `make demo` is judged by."""
    if not (renders / f"{task}.yaml").is_file():
        spec = DatasetSpec(train_seeds=tuple(range(100, 110)), val_seeds=(200,), frames_per_seed=20, played=True)
        export(renders, spec)
    count = 0
    for image in sorted((renders / task / "images" / "train").glob("*")):
        label = renders / task / "labels" / "train" / f"{image.stem}.txt"
        for source, target in ((image, out / "images" / "train"), (label, out / "labels" / "train")):
            link = target / f"render_{source.name}"
            if not link.exists():
                link.symlink_to(source)
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/real")
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache/scoreminer/train/real")
    parser.add_argument("--only", choices=("detect", "pose"), default=None)
    parser.add_argument("--detect-epochs", type=int, default=35)
    parser.add_argument("--pose-epochs", type=int, default=150)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--renders", type=Path, default=None, help="rendered frames to mix in (default: under --work)")
    parser.add_argument("--no-renders", action="store_true", help="real frames only")
    parser.add_argument("--start", type=Path, default=None, help="with --only: start from these weights")
    parser.add_argument("--install", action="store_true", help="copy the final weights into the package")
    args = parser.parse_args()
    os.environ.setdefault("YOLO_OFFLINE", "1")
    for task in ("detect", "pose"):
        if args.only and task != args.only:
            continue
        started = time.time()
        folder = args.work / f"data-{task}"
        prepare = prepare_detect if task == "detect" else prepare_pose
        spec = folder / "data.yaml" if (folder / "data.yaml").is_file() else prepare(args.real, folder)
        if not args.no_renders:
            print(json.dumps({task: {"renders": add_renders(args.renders or args.work / "renders", task, folder)}}))
        name, imgsz, epochs = (
            (PLAYER, CROP, args.detect_epochs) if task == "detect" else (PITCH, PITCH_IMG_SIZE, args.pose_epochs)
        )
        augment = {"val": False, "close_mosaic": 5}
        if task == "pose":
            augment |= {"fliplr": 0.5, "mosaic": 0.5, "degrees": 0.0, "scale": 0.3}
        start = args.start or WEIGHTS / name
        best = train(task, spec, args.work, epochs, imgsz, "tiny", args.batch, start, overrides=augment)
        print(json.dumps({task: {"weights": str(best), "wall_s": round(time.time() - started), "epochs": epochs}}))
        if args.install:
            install(best, WEIGHTS / name)


if __name__ == "__main__":
    main()
