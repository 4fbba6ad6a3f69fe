"""Measure the shipped demo models on held-out rendered clips; record it for the tests and the docs.

    python scripts/evaluate_demo_models.py [--frames 100] [--seeds 300,301,302]

Writes src/scoreminer/demo/weights/accuracy.json: the held-out means for the docs, and the short clip
tests/test_demo.py re-measures in CI ("check") with what the weights scored on it here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from scoreminer.demo.accuracy import held_out
from scoreminer.demo.presets import WEIGHTS, demo_models
from scoreminer.inference.factory import build_pipeline
from scoreminer.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--seeds", default="300,301,302")
    parser.add_argument("--check-frames", type=int, default=40)
    args = parser.parse_args()
    settings = load_settings(preset=demo_models(), flags={"device": "cpu"}, use_env_file=False)
    pipeline = build_pipeline(settings)
    results = held_out(pipeline, Path(tempfile.mkdtemp()), [int(s) for s in args.seeds.split(",")], args.frames)
    for result in results:
        print(result.line())

    def mean(values):
        values = [v for v in values if v is not None]
        return round(statistics.mean(values), 4) if values else None

    summary = {
        "frames_per_clip": args.frames,
        "seeds": [r.seed for r in results],
        "f1": {c: mean(r.agreement.f1[c] for r in results) for c in ("player", "goalkeeper", "referee", "ball")},
        "keypoint_error_px": mean(r.agreement.keypoint_error_px for r in results),
        "keypoint_recall": mean(r.agreement.keypoint_recall for r in results),
        "per_clip": [{"seed": r.seed, **r.agreement.as_dict()} for r in results],
    }
    check = held_out(pipeline, Path(tempfile.mkdtemp()), [results[0].seed], args.check_frames)[0]
    summary["check"] = {"seed": check.seed, "frames": check.frames, **check.agreement.as_dict()}
    (WEIGHTS / "accuracy.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k not in ("per_clip", "check")}))


if __name__ == "__main__":
    main()
