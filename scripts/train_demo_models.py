"""Train the demo models on randomised rendered frames and install them into the package.

    python scripts/train_demo_models.py [--only detect|pose] [--hours 1.0] [--from-shipped]
        [--epochs 20] [--scale tiny] [--work /tmp/demo-train] [--train-seeds 100-123] [--start weights.pt]
        [--near-goal 0.5] [--keeper-crops 0.6] [--played]

Renders the datasets (scoreminer.demo.dataset: a random look per match, balanced frames, detector crops at
its inference scale), trains a 4-class detector and a 32-keypoint pose model with ultralytics on the CPU at
the demo presets' sizes, and copies the best weights to src/scoreminer/demo/weights/. `--hours` caps each
model's wall time (ultralytics fits the epochs to it). See docs/demo-models.md for what it took and reached.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from scoreminer.demo.dataset import DatasetSpec, export
from scoreminer.demo.presets import PITCH, PITCH_IMG_SIZE, PLAYER, WEIGHTS
from scoreminer.inference.yolo.training import install, train

TASKS = {"detect": (PLAYER, 640), "pose": (PITCH, PITCH_IMG_SIZE)}  # detector: 640-px crops at its 1280 scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--hours", type=float, default=None, help="wall-time cap per model")
    parser.add_argument("--scale", default="tiny")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--frames-per-seed", type=int, default=25)
    parser.add_argument("--work", type=Path, default=Path("/tmp/demo-train"))
    parser.add_argument("--only", choices=sorted(TASKS), default=None)
    parser.add_argument("--train-seeds", default="100-123", help="first-last rendered match seeds to train on")
    parser.add_argument("--from-shipped", action="store_true", help="fine-tune the weights in the package")
    parser.add_argument("--start", type=Path, default=None, help="with --only: fine-tune these weights")
    parser.add_argument("--near-goal", type=float, default=0.5, help="share of frames with the ball near a goal")
    parser.add_argument("--keeper-crops", type=float, default=0.6, help="share of crops centred on a goalkeeper")
    parser.add_argument("--played", action="store_true", help="render scripted play (demo.play) instead")
    args = parser.parse_args()
    started = time.time()
    data_dir = args.work / "data"
    if not (data_dir / "detect.yaml").exists():
        first, last = (int(v) for v in args.train_seeds.split("-"))
        spec = DatasetSpec(
            train_seeds=tuple(range(first, last + 1)),
            frames_per_seed=args.frames_per_seed,
            near_goal=args.near_goal,
            keeper_crops=args.keeper_crops,
            played=args.played,
        )
        export(data_dir, spec)
    timings = {"render_s": round(time.time() - started)}
    for task, (name, imgsz) in TASKS.items():
        if args.only and task != args.only:
            continue
        start = args.start or (WEIGHTS / name if args.from_shipped else None)
        t0 = time.time()
        best = train(
            task, data_dir / f"{task}.yaml", args.work, args.epochs, imgsz, args.scale, args.batch, start, args.hours
        )
        install(best, WEIGHTS / name)
        timings[f"{task}_train_s"] = round(time.time() - t0)
    print(json.dumps({"epochs": args.epochs, "hours": args.hours, "scale": args.scale, **timings}))


if __name__ == "__main__":
    main()
