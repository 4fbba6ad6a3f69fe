"""Train the demo models on rendered frames and install them into the package.

    python scripts/train_demo_models.py [--epochs 20] [--imgsz 640] [--scale tiny] [--work /tmp/demo-train]
        [--only detect|pose] [--train-seeds 100-111] [--start weights.pt]

Renders the datasets (scoreminer.demo.dataset), trains a 4-class detector and a 32-keypoint pose
model with ultralytics on the CPU, copies the best weights to src/scoreminer/demo/weights/, and
measures them on held-out clips (scoreminer.demo.accuracy). See docs/demo-models.md for the
time it took and the accuracy reached.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from scoreminer.demo.dataset import DatasetSpec, export
from scoreminer.inference.yolo.training import install, train

WEIGHTS = Path(__file__).parents[1] / "src" / "scoreminer" / "demo" / "weights"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--scale", default="tiny")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--frames-per-seed", type=int, default=25)
    parser.add_argument("--work", type=Path, default=Path("/tmp/demo-train"))
    parser.add_argument("--only", choices=["detect", "pose"], default=None)
    parser.add_argument("--train-seeds", default="100-111", help="first-last rendered match seeds to train on")
    parser.add_argument(
        "--start", type=Path, default=None, help="with --only: fine-tune these weights instead of random ones"
    )
    args = parser.parse_args()
    started = time.time()
    data_dir = args.work / "data"
    if not (data_dir / "detect.yaml").exists():
        first, last = (int(v) for v in args.train_seeds.split("-"))
        export(data_dir, DatasetSpec(train_seeds=tuple(range(first, last + 1)), frames_per_seed=args.frames_per_seed))
    timings = {"render_s": round(time.time() - started)}
    for task, name in (("detect", "demo-player.pt"), ("pose", "demo-pitch.pt")):
        if args.only and task != args.only:
            continue
        t0 = time.time()
        best = train(
            task, data_dir / f"{task}.yaml", args.work, args.epochs, args.imgsz, args.scale, args.batch, args.start
        )
        install(best, WEIGHTS / name)
        timings[f"{task}_train_s"] = round(time.time() - t0)
    print(json.dumps({"epochs": args.epochs, "imgsz": args.imgsz, "scale": args.scale, **timings}))


if __name__ == "__main__":
    main()
