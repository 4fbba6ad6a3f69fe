"""Measure models on the held-out real matches (the ones scripts/train_real_models.py never trains on).

    python scripts/evaluate_real_models.py [--models DIR] [--label shipped] [--real ../shared/data/real]
        [--player-imgsz 1280] [--pitch-imgsz 480] [--json out.json]

Runs `scoreminer evaluate`'s code at the demo presets (serve's sizes, floors, registration and line fitting),
frames restored to 1920×1080, only the held-out matches, and prints one markdown row per class and one for the
keypoints (raw and as answered), ready for docs/demo-models.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scoreminer.demo.presets import WEIGHTS, demo_models
from scoreminer.evaluation.dataset import load_folder
from scoreminer.evaluation.runner import evaluate
from scoreminer.inference.ball import ConfidenceFloors
from scoreminer.inference.factory import build_pipeline
from scoreminer.settings import load_settings

sys.path.insert(0, str(Path(__file__).parent))
from train_real_models import FOLDERS, HELD_OUT, MATCH


def measure(real: Path, models: Path, sizes: dict) -> dict:
    settings = load_settings(
        preset=demo_models(), flags={"device": "cpu", "models_dir": models, **sizes}, use_env_file=False
    )
    pipeline = build_pipeline(settings, warm_shape=None, sightings=False)
    floors = ConfidenceFloors(settings.detection_confidence, settings.ball_floor)
    out = {}
    for task, folder in FOLDERS.items():
        data = load_folder(real / folder, group_by=MATCH).only(HELD_OUT[task])
        result = evaluate(data, pipeline, floors, settings.keypoint_confidence, settings.line_fit_every, (16, 9))
        out[task] = result.as_dict()
    return out


def rows(label: str, figures: dict) -> list[str]:
    def f(value):
        return "–" if value is None else f"{value:.2f}"

    lines = []
    for name, c in figures["detect"]["total"]["classes"].items():
        lines.append(
            f"| {label} | {name} | {c['truth']} | {c['answered']} | {f(c['precision'])} | {f(c['recall'])} | "
            f"**{f(c['f1'])}** | {f(c['ap50'])} |"
        )
    for kind in ("keypoints_raw", "keypoints_answered"):
        k = figures["pose"]["total"][kind]
        median = "–" if k["median_px"] is None else f"{k['median_px']:.1f}"
        lines.append(
            f"| {label} | pitch keypoints, {kind.split('_')[1]} | {k['labelled']} | {k['answered']} | – | "
            f"**{f(k['recall'])}** within 38 px | median {median} px | {k['unlabelled_answered']} unlabelled |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/real")
    parser.add_argument("--models", type=Path, default=WEIGHTS)
    parser.add_argument("--label", default="shipped")
    parser.add_argument("--player-imgsz", type=int, default=None)
    parser.add_argument("--pitch-imgsz", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    sizes = {k: v for k, v in (("player_img_size", args.player_imgsz), ("pitch_img_size", args.pitch_imgsz)) if v}
    figures = measure(args.real, args.models, sizes)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    print("\n".join(rows(args.label, figures)))


if __name__ == "__main__":
    main()
