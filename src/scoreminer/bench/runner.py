"""Run every configuration of the grid through the real pipeline and measure it."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scoreminer.bench.grid import BenchConfig
from scoreminer.bench.memory import peak_rss
from scoreminer.bench.result import BenchmarkResult, BenchRow
from scoreminer.compare import compare
from scoreminer.inference.pipeline import Pipeline, PipelineConfig, PipelineOutput
from scoreminer.scoring.estimate import estimate, read_evidence

RowDone = Callable[[BenchRow], None]


class ModelCache:
    """Loaded weights shared by rows of the same precision (loading per row would dominate)."""

    def __init__(self, player: Path, pitch: Path, device: str, confidence: float, keypoint_mode: str = "registered") -> None:
        from scoreminer.inference.yolo import resolve_device

        self.player, self.pitch = player, pitch
        self.device = resolve_device(device)
        self.confidence = confidence
        self.keypoint_mode = keypoint_mode
        self._models: dict[tuple[str, bool], Any] = {}

    def pipeline(self, config: BenchConfig, keypoint_confidence: float) -> Pipeline:
        from scoreminer.inference.yolo import ByteTrackTracker, YoloDetector, YoloKeypoints
        from scoreminer.inference.yolo.loader import RunOptions, load_yolo

        half = config.half and self.device.startswith("cuda")
        batch = 1 if config.reference else config.batch

        def model(path: Path, task: str) -> Any:
            key = (str(path), half)
            if key not in self._models:
                self._models[key] = load_yolo(path, task)
            return self._models[key]

        detector = YoloDetector(self.player, RunOptions(self.device, half, config.imgsz, batch, self.confidence),
                                model(self.player, "detect"))
        keypoints = YoloKeypoints(self.pitch, RunOptions(self.device, half, config.pitch_imgsz, batch, self.confidence),
                                  model(self.pitch, "pose"))
        stride = 1 if config.reference else config.stride
        return Pipeline(detector, keypoints, ByteTrackTracker,
                        PipelineConfig(stride=stride, batch_size=batch, keypoint_confidence=keypoint_confidence,
                                       keypoint_mode=self.keypoint_mode))


def measure(pipeline: Pipeline, video: Path, config: BenchConfig, repeats: int) -> tuple[list[PipelineOutput], float, float | None]:
    """A warm-up run, then `repeats` timed runs; peak RSS and (CUDA) peak GPU memory."""
    run = pipeline.run_reference if config.reference else pipeline.run
    run(video)
    gpu = _gpu_reset()
    with peak_rss() as memory:
        outputs = [run(video) for _ in range(repeats)]
    return outputs, memory.peak_rss_mb, _gpu_peak() if gpu else None


def run_benchmark(video: Path, grid: list[BenchConfig], cache: ModelCache, repeats: int, budget_s: float,
                  min_agreement: float, reference_answer: list | None = None, keypoint_confidence: float = 0.5,
                  on_row: RowDone | None = None) -> BenchmarkResult:
    """Measure every row; quality is judged against `reference_answer` or the reference row's own answer."""
    result = BenchmarkResult(str(video), cache.device, budget_s, min_agreement)
    evidence = read_evidence(video)  # what the validator reads from the clip, once for every row
    for config in grid:
        outputs, rss, gpu = measure(cache.pipeline(config, keypoint_confidence), video, config, repeats)
        answers = outputs[-1].answers
        reference_answer = reference_answer if reference_answer is not None else answers
        stages = {k: round(statistics.median(o.timings.as_dict()[k] for o in outputs), 4) for k in outputs[0].timings.as_dict()}
        scored = estimate(answers, evidence)
        row = BenchRow(config, len(answers), [round(o.timings.total, 4) for o in outputs], stages, rss, gpu,
                       compare(answers, reference_answer), keypoint_estimate=round(scored.keypoint_score, 4),
                       boxes_dropped_share=round(scored.boxes.dropped_share, 4))
        base = result.rows[0].median_s if result.rows else row.median_s
        row = BenchRow(**{**row.__dict__, "speedup": base / row.median_s if row.median_s else 0.0})
        result.rows.append(row)
        if on_row:
            on_row(row)
    return result


def _gpu_reset() -> bool:
    import torch

    if not torch.cuda.is_available():
        return False
    torch.cuda.reset_peak_memory_stats()
    return True


def _gpu_peak() -> float:
    import torch

    return round(torch.cuda.max_memory_allocated() / 2**20, 1)
