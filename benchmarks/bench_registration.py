"""Registration cost per processed frame, measured alone on the demo models' real keypoints.

    python benchmarks/bench_registration.py

Prints the median and p90 of one `register` call (the per-frame fit, run beside inference) and the
whole-clip `apply` pass (smoothing, bridging, projection) per frame, over 5 rounds.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from scoreminer.demo.presets import demo_models
from scoreminer.demo.render import render_clip
from scoreminer.inference.factory import build_pipeline
from scoreminer.inference.registration import Registrar, register
from scoreminer.settings import load_settings


def main() -> None:
    clip = Path(tempfile.mkdtemp(prefix="bench-registration-")) / "clip.mp4"
    render_clip(clip, seed=300, frames=250)
    settings = load_settings(preset=demo_models(), flags={"device": "cpu", "keypoint_mode": "raw"}, use_env_file=False)
    frames = build_pipeline(settings).run(clip).frames
    width, height, confidence = 1280, 720, settings.keypoint_confidence
    per_call, per_frame_apply, trusted = [], [], 0
    for _ in range(5):
        for result in frames:
            started = time.perf_counter()
            fit = register(result.keypoints, width, height, confidence)
            per_call.append(time.perf_counter() - started)
            trusted += fit is not None
        registrar = Registrar(width, height, confidence)
        for result in frames:
            registrar.observe(result)
        started = time.perf_counter()
        registrar.apply(frames)
        per_frame_apply.append((time.perf_counter() - started) / len(frames))
    ms = sorted(1000 * t for t in per_call)
    print(f"{len(frames)} frames × 5 rounds; trusted fits {trusted // 5} of {len(frames)} per round")
    print(f"register: median {statistics.median(ms):.3f} ms, p90 {ms[int(0.9 * len(ms))]:.3f} ms per processed frame")
    print(f"apply:    median {1000 * statistics.median(per_frame_apply):.3f} ms per answered frame")


if __name__ == "__main__":
    main()
