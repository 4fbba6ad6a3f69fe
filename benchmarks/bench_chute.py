"""The built demo chute miner as the validator's CPU compliance loop times it, per input size and thread count.

    python benchmarks/bench_chute.py [--sizes 1280,960,640] [--threads 1,2] [--calls 10] [--seed 950]

Builds the demo detector into a chute folder (the same code as `scoreminer chute build --demo`), renders a
match no model was trained on, and for each input size and onnxruntime thread count runs `predict_batch` in the
sandboxed child pinned to 2 CPUs, one single-frame call per challenge as the validator does. Prints per row:
the validator's p95 (against the 110 ms line), the median, per-class F1 at IoU 0.5 against the render's truth,
and the same-class IoU agreement with the torch model at that size (the validator's output check, ≥ 0.95).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from scoreminer.chute.build import build_chute
from scoreminer.chute.check import reference_answers, sample_from_video
from scoreminer.chute.consistency import agreement
from scoreminer.chute.sandbox import run_sandboxed
from scoreminer.contract.manifest import read_manifest
from scoreminer.demo.presets import demo_models
from scoreminer.demo.render import render_clip
from scoreminer.scoring.elements import Box, matched_f1
from scoreminer.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1280,960,640")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--seed", type=int, default=950)
    parser.add_argument("--build-threads", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scoreminer-bench-chute-") as folder:
        measure(args, Path(folder))


def measure(args: argparse.Namespace, work: Path) -> None:
    """Build into `work`, render, and print one row per input size and thread count."""
    element = read_manifest().element("scoreminer/PlayerDetect_v1")
    settings = load_settings(preset=demo_models(), flags={"export_cache_dir": work / "exports"}, use_env_file=False)
    built = build_chute(work / "repo", settings, element, threads=args.build_threads)
    truth = render_clip(work / "clip.mp4", seed=args.seed, frames=args.calls * 5)
    sample = sample_from_video(work / "clip.mp4", args.calls, truth)
    assert sample.truth is not None
    config = json.loads((built.folder / "chute.json").read_text())
    print(f"demo chute ({built.size_bytes / 2**20:.1f} MiB), {args.calls} single-frame calls, seed {args.seed}")
    print("| input size | threads | p95 ms | median ms | under 110 ms | F1 player | F1 ball | agreement with torch |")
    print("|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        config["detector"]["imgsz"] = size
        reference = dict(zip(sample.numbers, reference_answers(settings, config, sample.frames), strict=True))
        for threads in (int(t) for t in args.threads.split(",")):
            run = run_sandboxed(
                built.folder, [[f] for f in sample.frames], {"detector.imgsz": size, "threads": threads}
            )
            if run.error:
                print(f"| {size} | {threads} | error: {run.error} |")
                continue
            local = {n: a[0]["boxes"] for n, a in zip(sample.numbers, run.answers, strict=True)}
            f1 = {}
            for label, cls in (("player", 2), ("ball", 0)):
                f1[label] = np.mean(
                    [
                        matched_f1(
                            [b for b in sample.truth[n] if b.label == label],
                            [Box(b["x1"], b["y1"], b["x2"], b["y2"], label) for b in local[n] if b["cls_id"] == cls],
                            0.5,
                        )
                        for n in sample.numbers
                    ]
                )
            p95, under = run.p95_ms(), "yes" if run.p95_ms() <= 110 else "no"
            print(
                f"| {size} | {threads} | {p95:.0f} | {np.median(run.latencies_ms):.0f} | {under} "
                f"| {f1['player']:.2f} | {f1['ball']:.2f} | {agreement(reference, local):.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
