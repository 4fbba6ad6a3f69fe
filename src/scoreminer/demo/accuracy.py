"""Score the demo models against the renderer's exact ground truth on held-out clips."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scoreminer.compare import Agreement, compare
from scoreminer.demo.render import render_clip
from scoreminer.inference.pipeline import Pipeline


@dataclass(frozen=True)
class ClipAccuracy:
    """One held-out clip: its seed and how the answer compares with the truth."""

    seed: int
    frames: int
    agreement: Agreement

    def line(self) -> str:
        f1 = self.agreement.f1
        kp = self.agreement.keypoint_error_px
        return (
            f"seed {self.seed}: player F1 {f1['player']}, goalkeeper F1 {f1['goalkeeper']}, referee F1 "
            f"{f1['referee']}, ball F1 {f1['ball']}; keypoint error {kp} px, recall {self.agreement.keypoint_recall}"
        )


def clip_accuracy(pipeline: Pipeline, clip: Path, truth: list[dict], seed: int) -> ClipAccuracy:
    output = pipeline.run(clip)
    return ClipAccuracy(seed, len(truth), compare(output.answers, truth))


def held_out(pipeline: Pipeline, folder: Path, seeds: list[int], frames: int = 50) -> list[ClipAccuracy]:
    """Render clips from seeds never used in training and compare the pipeline's answers with the truth."""
    results = []
    for seed in seeds:
        clip = folder / f"heldout-{seed}.mp4"
        truth = render_clip(clip, seed=seed, frames=frames)
        results.append(clip_accuracy(pipeline, clip, truth, seed))
    return results
