"""Process one local video end to end: answer every frame, write the answer and the annotation when asked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scoreminer.inference.actions.rules import SpottedAction
from scoreminer.inference.actions.spotter import ActionSpotter, answer_items
from scoreminer.inference.pipeline import Mode, Pipeline, PipelineOutput, Progress
from scoreminer.inference.summary import RunSummary, challenge_answer, summarize


@dataclass(frozen=True)
class VideoRun:
    """The pipeline's output and its summary (the answers stay at hand for scoring and comparing), and the
    actions spotted when a spotter was given."""

    output: PipelineOutput
    summary: RunSummary
    actions: list[SpottedAction] | None = None


def process_video(
    pipeline: Pipeline,
    video: Path,
    *,
    out: Path | None = None,
    annotate: Path | None = None,
    mode: Mode = "pipelined",
    challenge_id: str | None = None,
    min_confidence: float = 0.5,
    progress: Progress | None = None,
    spotter: ActionSpotter | None = None,
) -> VideoRun:
    """Answer every frame of `video`; write the contract answer to `out` and an annotated MP4 to `annotate`.

    With a `spotter` the actions are spotted too, and `out` holds Turbo Vision's answer instead."""
    output = pipeline.run(video, progress=progress, mode=mode)
    actions = spotter.spot(output) if spotter is not None else None
    if out:
        out.write_text(_answer_json(output, challenge_id or video.stem, actions))
    if annotate:
        from scoreminer.video.annotate import write_annotated

        write_annotated(video, output.frames, annotate, min_confidence)
    return VideoRun(output, summarize(output), actions)


def _answer_json(output: PipelineOutput, challenge_id: str, actions: list[SpottedAction] | None) -> str:
    if actions is None:
        return challenge_answer(output, challenge_id).model_dump_json()
    from scoreminer.contract import turbovision as tv

    prediction = tv.SoccerActions(items=answer_items(actions))
    return tv.ChallengeResponse(
        challenge_id=challenge_id, prediction=prediction, processing_time=round(output.timings.total, 3)
    ).model_dump_json()
