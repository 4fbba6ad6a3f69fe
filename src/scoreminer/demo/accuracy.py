"""Score the demo models against the renderer's exact ground truth on held-out clips."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scoreminer.compare import Agreement, compare, confusion
from scoreminer.demo.look import DEFAULT, random_look
from scoreminer.demo.render import render_clip
from scoreminer.inference.pipeline import Pipeline


@dataclass(frozen=True)
class ClipAccuracy:
    """One held-out clip: its seed, its look, how the answer compares with the truth and the validator's view."""

    seed: int
    frames: int
    agreement: Agreement
    look: str = "default"
    validator_keypoints: float | None = None
    answered_as: dict[str, dict[str, int]] = field(default_factory=dict)  # truth class -> answered class counts

    def line(self) -> str:
        f1 = ", ".join(f"{name} F1 {value}" for name, value in self.agreement.f1.items())
        a = self.agreement
        return (
            f"seed {self.seed} ({self.look} look): {f1}; keypoint median {a.keypoint_median_px} px "
            f"(mean {a.keypoint_error_px}), recall {a.keypoint_recall}; validator keypoint score "
            f"{self.validator_keypoints}; goalkeepers answered as {self.answered_as.get('goalkeeper', {})}"
        )

    def as_dict(self) -> dict:
        return {
            "seed": self.seed,
            "look": self.look,
            **self.agreement.as_dict(),
            "validator": self.validator_keypoints,
            "answered_as": self.answered_as,
        }


def clip_accuracy(
    pipeline: Pipeline, clip: Path, truth: list[dict], seed: int, look: str = "default", validator: bool = False
) -> ClipAccuracy:
    output = pipeline.run(clip)
    score = None
    if validator:
        from scoreminer.scoring.estimate import estimate, read_evidence

        score = round(estimate(output.answers, read_evidence(clip)).keypoint_score, 4)
    answers = output.answers
    return ClipAccuracy(seed, len(truth), compare(answers, truth), look, score, confusion(answers, truth))


def held_out(
    pipeline: Pipeline,
    folder: Path,
    seeds: list[int],
    frames: int = 50,
    randomised: bool = True,
    validator: bool = False,
) -> list[ClipAccuracy]:
    """Render clips from seeds never used in training (random looks, or the default) and compare with the truth."""
    results = []
    for seed in seeds:
        look = random_look(seed) if randomised else DEFAULT
        clip = folder / f"heldout-{seed}-{'random' if randomised else 'default'}.mp4"
        truth = render_clip(clip, seed=seed, frames=frames, look=look)
        name = "random" if randomised else "default"
        results.append(clip_accuracy(pipeline, clip, truth, seed, name, validator))
    return results
