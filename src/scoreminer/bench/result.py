"""Measured rows and the verdict: the fastest configuration that keeps the answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from scoreminer.bench.grid import BenchConfig
from scoreminer.compare import Agreement

CHALLENGE_FRAMES = 750


@dataclass(frozen=True)
class BenchRow:
    """One configuration, measured over `repeats` runs after a warm-up."""

    config: BenchConfig
    frames: int
    wall_s: list[float]
    stages: dict[str, float]
    peak_rss_mb: float
    peak_gpu_mb: float | None
    agreement: Agreement
    speedup: float = 1.0
    keypoint_estimate: float | None = None  # the validator's keypoint score of this row's answer (0..1)
    boxes_dropped_share: float | None = None  # share of boxes the validator's size/scoreboard rules drop
    faults_per_frame: float | None = None  # minor page faults per frame over the timed runs (allocation churn)
    threads: int | None = None  # torch threads the row ran with
    backend: str = "torch"  # the runtime that ran (after any fallback)
    action_score: float | None = None  # turbovision-private: the validator's score of this row's actions (0..1)

    @property
    def median_s(self) -> float:
        ordered = sorted(self.wall_s)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

    @property
    def fps(self) -> float:
        return self.frames / self.median_s if self.median_s else 0.0

    @property
    def projected_750_s(self) -> float:
        return self.median_s / self.frames * CHALLENGE_FRAMES

    @property
    def agreement_score(self) -> float:
        """The worst box F1 over classes the reference has (1.0 when it has none)."""
        present = [v for v in self.agreement.f1.values() if v is not None]
        return min(present) if present else 1.0

    def as_dict(self) -> dict:
        return {
            "config": asdict(self.config),
            "label": self.config.label,
            "frames": self.frames,
            "wall_s": self.wall_s,
            "median_s": round(self.median_s, 4),
            "fps": round(self.fps, 2),
            "speedup": round(self.speedup, 3),
            "projected_750_s": round(self.projected_750_s, 2),
            "stages": self.stages,
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "peak_gpu_mb": self.peak_gpu_mb,
            "agreement": self.agreement.as_dict(),
            "agreement_score": self.agreement_score,
            "keypoint_estimate": self.keypoint_estimate,
            "boxes_dropped_share": self.boxes_dropped_share,
            "faults_per_frame": self.faults_per_frame,
            "threads": self.threads,
            "backend": self.backend,
            "action_score": self.action_score,
        }


@dataclass
class BenchmarkResult:
    """All rows (reference first) and the thresholds they were judged by."""

    video: str
    device: str
    budget_s: float
    min_agreement: float
    rows: list[BenchRow] = field(default_factory=list)
    protocol: str = "score-vision"

    def best(self) -> BenchRow | None:
        """The fastest non-reference row within the budget that answers every frame and keeps what the protocol
        pays for: boxes (worst class F1 ≥ min_agreement) and keypoints (estimate ≥ min_agreement × the
        reference's) for Score Vision; the action score (≥ min_agreement × the best row's) for Turbo Vision."""
        keeps = self._keeps_actions if self.protocol == "turbovision-private" else self._keeps_boxes_and_keypoints
        fits = [
            r
            for r in self.rows[1:]
            if r.projected_750_s <= self.budget_s and r.agreement.frames_answered == 1.0 and keeps(r)
        ]
        return min(fits, key=lambda r: r.median_s, default=None)

    def _keeps_boxes_and_keypoints(self, row: BenchRow) -> bool:
        return row.agreement_score >= self.min_agreement and self._keeps_keypoints(row)

    def _keeps_actions(self, row: BenchRow) -> bool:
        scores = [r.action_score for r in self.rows[1:] if r.action_score is not None]
        if row.action_score is None or not scores:
            return row.action_score is None and not scores
        return row.action_score >= self.min_agreement * max(scores)

    def _keeps_keypoints(self, row: BenchRow) -> bool:
        reference = self.rows[0].keypoint_estimate if self.rows else None
        if reference is None or row.keypoint_estimate is None:
            return True
        return row.keypoint_estimate >= self.min_agreement * reference

    def as_dict(self) -> dict:
        best = self.best()
        return {
            "video": self.video,
            "device": self.device,
            "protocol": self.protocol,
            "budget_s": self.budget_s,
            "min_agreement": self.min_agreement,
            "rows": [r.as_dict() for r in self.rows],
            "best": best.config.label if best else None,
            "env": best.config.env_lines() if best else None,
        }
