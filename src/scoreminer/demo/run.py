"""`make demo` / `scoreminer demo run`: the demo models on a rendered match, compared with its exact truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2

from scoreminer.compare import Agreement, compare
from scoreminer.demo.render import render_clip, write_truth
from scoreminer.inference.pipeline import Pipeline, Progress
from scoreminer.inference.process import process_video
from scoreminer.inference.summary import RunSummary
from scoreminer.inference.types import FrameResult
from scoreminer.video.annotate import draw


@dataclass(frozen=True)
class DemoResult:
    summary: RunSummary
    agreement: Agreement
    files: dict[str, Path]


def run_demo(
    pipeline: Pipeline,
    folder: Path,
    frames: int = 250,
    seed: int = 7,
    progress: Progress | None = None,
    min_confidence: float = 0.5,
) -> DemoResult:
    """Render a match, answer it, compare with the truth; leave answer, truth, annotated video and a still."""
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "clip.mp4"
    truth = render_clip(clip, seed=seed, frames=frames)
    files = {
        "clip": clip,
        "truth": write_truth(folder / "truth.json", truth),
        "answer": folder / "answer.json",
        "annotated": folder / "annotated.mp4",
        "still": folder / "annotated.png",
    }
    run = process_video(
        pipeline,
        clip,
        out=files["answer"],
        annotate=files["annotated"],
        challenge_id="demo",
        min_confidence=min_confidence,
        progress=progress,
    )
    _write_still(clip, still_frame(run.output.frames, min_confidence), files["still"], min_confidence)
    return DemoResult(run.summary, compare(run.output.answers, truth), files)


def still_frame(results: list[FrameResult], min_confidence: float) -> FrameResult:
    """The frame for the still: from a third of the way in, the first that shows the most classes."""
    start = len(results) // 3

    def classes(result: FrameResult) -> int:
        found = result.detections
        return len(set(found.class_id[found.confidence >= min_confidence].tolist()))

    return max(results[start:] or results, key=classes)


def _write_still(clip: Path, result: FrameResult, out: Path, min_confidence: float) -> None:
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, result.frame_number)
    ok, frame = capture.read()
    capture.release()
    if ok:
        cv2.imwrite(str(out), draw(frame, result, min_confidence))
