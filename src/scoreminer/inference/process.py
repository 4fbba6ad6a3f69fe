"""Process one local video end to end: answer every frame, write the answer and the annotation when asked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scoreminer.inference.pipeline import Mode, Pipeline, PipelineOutput, Progress
from scoreminer.inference.summary import RunSummary, challenge_answer, summarize


@dataclass(frozen=True)
class VideoRun:
    """The pipeline's output and its summary (the answers stay at hand for scoring and comparing)."""

    output: PipelineOutput
    summary: RunSummary


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
) -> VideoRun:
    """Answer every frame of `video`; write the contract answer to `out` and an annotated MP4 to `annotate`."""
    output = pipeline.run(video, progress=progress, mode=mode)
    if out:
        out.write_text(challenge_answer(output, challenge_id or video.stem).model_dump_json())
    if annotate:
        from scoreminer.video.annotate import write_annotated

        write_annotated(video, output.frames, annotate, min_confidence)
    return VideoRun(output, summarize(output))
