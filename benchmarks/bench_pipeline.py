"""Reference loop vs the pipelined mode on one synthetic clip and stand-in models, side by side.

    python benchmarks/bench_pipeline.py [--frames 150] [--size 1280x720] [--imgsz 640] [--repeats 3]

Prints the median fps of each mode and its ratio to the reference, all measured in this run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from scoreminer.inference.pipeline import Pipeline, PipelineConfig
from scoreminer.inference.yolo import ByteTrackTracker, YoloDetector, YoloKeypoints
from scoreminer.inference.yolo.loader import RunOptions
from scoreminer.inference.yolo.standin import build_standin_pair
from scoreminer.video.synthetic import write_synthetic_clip


def measure(pipeline: Pipeline, clip: Path, reference: bool, repeats: int) -> list[float]:
    runs = []
    for _ in range(repeats):
        out = pipeline.run_reference(clip) if reference else pipeline.run(clip)
        runs.append(len(out.answers) / out.timings.total)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--scale", default="tiny", help="stand-in model scale: tiny, n, s, m, l, x")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    clip = write_synthetic_clip(work / "clip.mp4", frames=args.frames, width=width, height=height).path
    player, pitch = build_standin_pair(work, args.scale)

    def pipeline(stride: int, batch: int) -> Pipeline:
        options = RunOptions(args.device, False, args.imgsz, batch, 0.25)
        detector, keypoints = YoloDetector(player, options), YoloKeypoints(pitch, options)
        detector.warm_up((height, width))
        keypoints.warm_up((height, width))
        return Pipeline(detector, keypoints, ByteTrackTracker, PipelineConfig(stride=stride, batch_size=batch))

    rows = [("reference (stock loop)", pipeline(1, 1), True), ("pipelined stride 1", pipeline(1, args.batch), False),
            ("pipelined stride 2", pipeline(2, args.batch), False), ("pipelined stride 3", pipeline(3, args.batch), False)]
    print(f"{args.frames} frames {width}x{height}, stand-in scale {args.scale}, imgsz {args.imgsz}, "
          f"batch {args.batch}, device {args.device}, median of {args.repeats}")
    base = None
    for name, pipe, reference in rows:
        fps = measure(pipe, clip, reference, args.repeats)
        median = statistics.median(fps)
        base = base or median
        print(f"{name:24s} {median:7.2f} fps  (min {min(fps):.2f}, max {max(fps):.2f})  ×{median / base:.2f}")


if __name__ == "__main__":
    main()
