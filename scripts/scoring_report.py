"""Measure answers the way the validator scores them and print the tables of docs/scoring.md.

    python scripts/scoring_report.py            # demo clip (seed 300) and a held-out clip (seed 301)

Rows: the truth (the ceiling), raw and registered keypoints at stride 1, 2 and 3 with the demo models,
then the pitch model at 320 / 640 / 960 (registered, stride 1) on both clips for the presets.
"""

from __future__ import annotations

import platform
import sys
import tempfile
from pathlib import Path

from scoreminer.demo.presets import demo_models
from scoreminer.demo.render import render_clip
from scoreminer.inference.factory import build_pipeline
from scoreminer.scoring.estimate import estimate, read_evidence
from scoreminer.settings import load_settings

FRAMES = 250


def run(clip: Path, evidence, **overrides) -> tuple[float, float, float, float]:
    settings = load_settings(preset=demo_models(), flags={"device": "cpu", **overrides}, use_env_file=False)
    output = build_pipeline(settings).run(clip)
    scored = estimate(output.answers, evidence)
    per_frame_ms = 1000 * output.timings.registration / max(1, sum(r.processed for r in output.frames))
    return scored.keypoint_score, scored.boxes.dropped_share, output.timings.total, per_frame_ms


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="scoring-report-"))
    print(
        f"machine: {platform.processor() or platform.machine()}, python {sys.version.split()[0]}; "
        f"{FRAMES} frames 1280×720\n"
    )
    clips = {}
    for seed in (300, 301):
        clip = folder / f"seed{seed}.mp4"
        truth = render_clip(clip, seed=seed, frames=FRAMES)
        clips[seed] = (clip, truth, read_evidence(clip))
    clip, truth, evidence = clips[300]
    print("| answer | stride | keypoint estimate | boxes dropped | wall s | registration ms/processed frame |")
    print("|---|---|---|---|---|---|")
    ceiling = estimate(truth, evidence)
    print(f"| truth (ceiling) | – | {ceiling.keypoint_score:.3f} | {ceiling.boxes.dropped_share:.0%} | – | – |")
    for mode in ("raw", "registered"):
        for stride in (1, 2, 3):
            kp, dropped, wall, reg = run(clip, evidence, keypoint_mode=mode, frame_stride=stride)
            print(f"| {mode} | {stride} | {kp:.3f} | {dropped:.0%} | {wall:.2f} | {reg:.2f} |", flush=True)
    print("\n| clip | pitch size | keypoint estimate | wall s | estimate per 10 s |")
    print("|---|---|---|---|---|")
    for seed, (clip, _, evidence) in clips.items():
        for size in (320, 640, 960):
            kp, _, wall, _ = run(clip, evidence, pitch_img_size=size)
            print(f"| seed {seed} | {size} | {kp:.3f} | {wall:.2f} | {10 * kp / wall:.3f} |", flush=True)


if __name__ == "__main__":
    main()
