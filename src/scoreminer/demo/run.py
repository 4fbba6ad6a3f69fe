"""`make demo` / `scoreminer demo run`: the demo models on a rendered match, compared with its exact truth."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2

from scoreminer.compare import Agreement, compare
from scoreminer.demo.render import render_clip, write_truth
from scoreminer.inference.pipeline import Pipeline, Progress
from scoreminer.inference.summary import RunSummary, challenge_answer, summarize
from scoreminer.video.annotate import draw, write_annotated


@dataclass(frozen=True)
class DemoResult:
    summary: RunSummary
    agreement: Agreement
    files: dict[str, Path]


def run_demo(pipeline: Pipeline, folder: Path, frames: int = 250, seed: int = 7, progress: Progress | None = None,
             min_confidence: float = 0.5) -> DemoResult:
    """Render a match, answer it, compare with the truth; leave answer, truth, annotated video and a still."""
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "clip.mp4"
    truth = render_clip(clip, seed=seed, frames=frames)
    output = pipeline.run(clip, progress=progress)
    files = {"clip": clip, "truth": write_truth(folder / "truth.json", truth),
             "answer": folder / "answer.json", "annotated": folder / "annotated.mp4", "still": folder / "annotated.png"}
    files["answer"].write_text(json.dumps(challenge_answer(output, "demo").model_dump(mode="json")))
    write_annotated(clip, output.frames, files["annotated"], min_confidence)
    _write_still(clip, output.frames[len(output.frames) // 3], files["still"], min_confidence)
    return DemoResult(summarize(output), compare(output.answers, truth), files)


def _write_still(clip: Path, result, out: Path, min_confidence: float) -> None:
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, result.frame_number)
    ok, frame = capture.read()
    capture.release()
    if ok:
        cv2.imwrite(str(out), draw(frame, result, min_confidence))
