"""`make demo` / `scoreminer demo run`: the demo models on a rendered match, compared with its exact truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2

from scoreminer.compare import Agreement, compare
from scoreminer.contract import turbovision as tv
from scoreminer.demo.play import FPS, PlayedMatch
from scoreminer.demo.render import render_clip, write_truth
from scoreminer.inference.actions.spotter import ActionSpotter, answer_items
from scoreminer.inference.pipeline import Pipeline, Progress
from scoreminer.inference.process import process_video
from scoreminer.inference.summary import RunSummary
from scoreminer.inference.types import FrameResult
from scoreminer.scoring.actions import ActionScore, score_actions
from scoreminer.video.annotate import draw


@dataclass(frozen=True)
class DemoResult:
    summary: RunSummary
    agreement: Agreement
    files: dict[str, Path]
    actions: ActionScore | None = None  # the private track's score of the spotted actions, when a spotter ran


def run_demo(
    pipeline: Pipeline,
    folder: Path,
    frames: int = 250,
    seed: int = 7,
    progress: Progress | None = None,
    min_confidence: float = 0.5,
    spotter: ActionSpotter | None = None,
    actions_pipeline: Pipeline | None = None,
) -> DemoResult:
    """Render a played match, answer it, compare with the truth; leave answer, truth, annotated video and a still.

    With a `spotter` (the pipeline keeping sightings) the actions are spotted, written to actions.json in Turbo
    Vision's answer shape and scored as its validator scores them — from a pass of `actions_pipeline` when given
    (the private track's own preset, so the score is the one `serve` would earn), else from the boxes' pass."""
    folder.mkdir(parents=True, exist_ok=True)
    clip = folder / "clip.mp4"
    match = PlayedMatch(seed, frames / FPS)
    truth = render_clip(clip, seed=seed, frames=frames, match=match)
    files = {
        "clip": clip,
        "truth": write_truth(folder / "truth.json", truth, actions=match.truth_actions()),
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
    scored = None
    if spotter is not None:
        spotted = spotter.spot(actions_pipeline.run(clip) if actions_pipeline is not None else run.output)
        files["actions"] = folder / "actions.json"
        answer = tv.ChallengeResponse(
            challenge_id="demo",
            prediction=tv.SoccerActions(items=answer_items(spotted)),
            processing_time=round(run.output.timings.total, 3),
        )
        files["actions"].write_text(answer.model_dump_json())
        scored = score_actions([(a.frame, a.action) for a in spotted], match.truth_actions())
    return DemoResult(run.summary, compare(run.output.answers, truth), files, scored)


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
