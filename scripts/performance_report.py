"""Run the benchmark on a rendered 1280×720 match and write docs/performance.md.

    python scripts/performance_report.py [--frames 150] [--scale n] [--device cpu] [--imgsz 640,960]
        [--stride 1,2,3] [--batch 1,8] [--repeats 3]

On a GPU machine, for the reference architecture: --scale x --imgsz 1280 --pitch-imgsz 640 --device cuda
With --models demo it runs the shipped demo weights instead and judges every row against the renderer's
ground truth, so the quality columns are absolute accuracy and show what each speed trick costs.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from scoreminer.bench.grid import build_grid, parse_ints
from scoreminer.bench.machine import describe_machine
from scoreminer.bench.report import markdown_table
from scoreminer.bench.runner import ModelCache, run_benchmark
from scoreminer.demo.presets import PITCH, PLAYER, WEIGHTS, demo_models
from scoreminer.demo.render import render_clip
from scoreminer.inference.factory import Wiring
from scoreminer.inference.yolo.standin import build_standin_pair
from scoreminer.settings import load_settings

ROOT = Path(__file__).parents[1]


def heading(args: argparse.Namespace, elapsed: float) -> list[str]:
    """The section title and the paragraph that says what was measured, on what, and against what."""
    when = (
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} on {describe_machine(args.device)}; {args.frames}-frame "
        f"1280×720 rendered match; median of {args.repeats} runs after a warm-up; {elapsed:.0f} s in all."
    )
    if args.models == "demo":
        return [
            f"## {args.device.upper()}: shipped demo models, judged against the ground truth",
            "",
            f"{when} The demo weights (trained on rendered frames, see docs/demo-models.md) answer a held-out "
            "clip at keypoint confidence 0.5; every row is compared with the renderer's exact truth, so the quality "
            "columns are absolute accuracy and the drop from row to row is what that speed trick costs.",
        ]
    return [
        f"## {args.device.upper()}: stand-in models, scale `{args.scale}`",
        "",
        f"{when} Random-weight stand-ins built from ultralytics' yolov8 configs at scale `{args.scale}` cost "
        "what trained weights of the same architecture cost. Quality is judged against the reference row's own "
        "answer, so it measures what each speed trick changes, not absolute accuracy.",
    ]


def verdict(result, models: str) -> str:
    """The benchmark's pick; against the truth, what the fastest row costs instead (demo minority classes are weak)."""
    if models == "demo":
        ref, fast = result.rows[0], max(result.rows, key=lambda r: r.speedup)
        return (
            f"Against the truth: the fastest row `{fast.config.label}` (×{fast.speedup:.2f}) moves player F1 from "
            f"{ref.agreement.f1['player']} to {fast.agreement.f1['player']} and keypoint error from "
            f"{ref.agreement.keypoint_error_px} to {fast.agreement.keypoint_error_px} px."
        )
    best = result.best()
    return "Verdict (budget 15 s per 750 frames, worst F1 ≥ 0.9): " + (
        f"`{best.config.label}`, {best.projected_750_s:.1f} s, ×{best.speedup:.2f}." if best else "no row fits."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--scale", default="n")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--imgsz", default="640,960")
    parser.add_argument("--pitch-imgsz", default=None)
    parser.add_argument("--stride", default="1,2,3")
    parser.add_argument("--batch", default="1,8")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", choices=["standin", "demo"], default="standin")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    clip = work / "match.mp4"
    truth = render_clip(clip, seed=400, frames=args.frames)
    if args.models == "demo":
        player, pitch, reference = WEIGHTS / PLAYER, WEIGHTS / PITCH, truth
    else:
        (player, pitch), reference = build_standin_pair(work / "models", args.scale), None
    pitch_sizes = parse_ints(args.pitch_imgsz, "pitch-imgsz", 32, 4096, 32) if args.pitch_imgsz else None
    grid = build_grid(
        parse_ints(args.stride, "stride"),
        parse_ints(args.batch, "batch"),
        parse_ints(args.imgsz, "imgsz", 32, 4096, 32),
        pitch_sizes,
        [False],
    )
    started = time.time()
    preset = demo_models() if args.models == "demo" else None
    settings = load_settings(flags={"device": args.device}, preset=preset, use_env_file=False)
    base = Wiring.from_settings(settings)
    result = run_benchmark(
        clip,
        grid,
        ModelCache(replace(base, player=player, pitch=pitch, export_cache=work / "exports")),
        args.repeats,
        15.0,
        0.9,
        reference_answer=reference,
        on_row=lambda r: print(f"{r.config.label}: {r.median_s:.2f} s ×{r.speedup:.2f}", flush=True),
    )
    lines = [*heading(args, time.time() - started), "", *markdown_table(result), "", verdict(result, args.models), ""]
    args.out.parent.mkdir(exist_ok=True)
    previous = args.out.read_text() if args.out.exists() else "# Performance\n"
    section = "\n".join(lines)
    pattern = re.compile(re.escape(lines[0]) + r"\n.*?(?=\n## |\Z)", re.S)
    updated = (
        pattern.sub(lambda m: section.rstrip(), previous)
        if pattern.search(previous)
        else previous.rstrip() + "\n\n" + section
    )
    args.out.write_text(updated.rstrip() + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
