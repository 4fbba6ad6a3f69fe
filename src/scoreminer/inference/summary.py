"""What a run produced, in numbers a person reads: frames, speed, stages, objects, keypoints."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from scoreminer.contract.score_vision import ChallengeAnswer
from scoreminer.inference.pipeline import PipelineOutput
from scoreminer.video.annotate import CLASS_NAMES


@dataclass(frozen=True)
class RunSummary:
    """One run of the pipeline over one video."""

    mode: str
    frames: int
    processed_frames: int
    truncated: bool
    wall_s: float
    fps: float
    stages: dict[str, float]
    objects_per_class: dict[str, int]
    frames_with_4_keypoints: int

    def as_dict(self) -> dict:
        return asdict(self)


def summarize(output: PipelineOutput) -> RunSummary:
    counts = Counter(CLASS_NAMES.get(o.class_id, str(o.class_id)) for a in output.answers for o in a.objects)
    usable = sum(sum(1 for x, y in a.keypoints if x or y) >= 4 for a in output.answers)
    wall = output.timings.total
    return RunSummary(
        mode=output.mode,
        frames=len(output.answers),
        processed_frames=sum(r.processed for r in output.frames),
        truncated=output.decode.truncated,
        wall_s=round(wall, 3),
        fps=round(len(output.answers) / wall, 2) if wall else 0.0,
        stages=output.timings.as_dict(),
        objects_per_class=dict(sorted(counts.items())),
        frames_with_4_keypoints=usable,
    )


def challenge_answer(
    output: PipelineOutput, challenge_id: str, processing_time: float | None = None
) -> ChallengeAnswer:
    """The contract's answer for this run."""
    elapsed = output.timings.total if processing_time is None else processing_time
    return ChallengeAnswer.model_construct(
        challenge_id=challenge_id, frames=output.answers, processing_time=round(elapsed, 3)
    )
