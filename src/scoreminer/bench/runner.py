"""Run every configuration of the grid through the real pipeline and measure it."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scoreminer.bench.grid import BenchConfig
from scoreminer.bench.memory import peak_rss
from scoreminer.bench.result import BenchmarkResult, BenchRow
from scoreminer.compare import compare
from scoreminer.inference.factory import ModelStore, Wiring, wire
from scoreminer.inference.pipeline import Mode, Pipeline, PipelineConfig, PipelineOutput
from scoreminer.scoring.estimate import estimate, read_evidence

RowDone = Callable[[BenchRow], None]


class ModelCache:
    """The bench's pipelines, all wired by the factory from one model store (loading per row would dominate)."""

    def __init__(
        self,
        player: Path,
        pitch: Path,
        device: str,
        confidence: float,
        keypoint_mode: str = "registered",
        threads: int = 1,
        export_cache: Path | None = None,
    ) -> None:
        from scoreminer.inference.yolo import resolve_device

        self.player, self.pitch = player, pitch
        self.device = resolve_device(device)
        self.confidence = confidence
        self.keypoint_mode = keypoint_mode
        self.threads = threads
        self.export_cache = export_cache or player.parent / ".cache"
        self.store = ModelStore()

    def pipeline(self, config: BenchConfig, keypoint_confidence: float) -> Pipeline:
        batch = 1 if config.reference else config.batch
        stride = 1 if config.reference else config.stride
        pipeline_config = PipelineConfig(
            stride=stride, batch_size=batch, keypoint_confidence=keypoint_confidence, keypoint_mode=self.keypoint_mode
        )
        wiring = Wiring(
            self.player,
            self.pitch,
            self.device,
            config.half,
            config.imgsz,
            config.pitch_imgsz,
            self.confidence,
            config.backend,
            self.export_cache,
            self.threads_for(config),
            pipeline_config,
            "per-model" if config.reference else config.preprocess,
        )
        return wire(wiring, self.store)

    def threads_for(self, config: BenchConfig) -> int:
        """The reference row keeps the threads ultralytics leaves (the stock miner's); the others TORCH_THREADS."""
        from scoreminer.inference.yolo.loader import ULTRALYTICS_THREADS

        return ULTRALYTICS_THREADS if config.reference else self.threads


@dataclass(frozen=True)
class Measured:
    outputs: list[PipelineOutput]
    peak_rss_mb: float
    peak_gpu_mb: float | None
    faults_per_frame: float


def measure(pipeline: Pipeline, video: Path, config: BenchConfig, repeats: int) -> Measured:
    """A warm-up run, then `repeats` timed runs: peak RSS, (CUDA) peak GPU memory, page faults per frame.

    The row's torch threads were set when its pipeline was wired.
    """
    from scoreminer.inference.allocator import minor_faults

    mode: Mode = "reference" if config.reference else "pipelined"
    pipeline.run(video, mode=mode)
    gpu = _gpu_reset()
    faults = minor_faults()
    with peak_rss() as memory:
        outputs = [pipeline.run(video, mode=mode) for _ in range(repeats)]
    frames = sum(len(o.answers) for o in outputs) or 1
    return Measured(outputs, memory.peak_rss_mb, _gpu_peak() if gpu else None, (minor_faults() - faults) / frames)


def run_benchmark(
    video: Path,
    grid: list[BenchConfig],
    cache: ModelCache,
    repeats: int,
    budget_s: float,
    min_agreement: float,
    reference_answer: list | None = None,
    keypoint_confidence: float = 0.5,
    on_row: RowDone | None = None,
) -> BenchmarkResult:
    """Measure every row; quality is judged against `reference_answer` or the reference row's own answer."""
    result = BenchmarkResult(str(video), cache.device, budget_s, min_agreement)
    evidence = read_evidence(video)  # what the validator reads from the clip, once for every row
    for config in grid:
        pipeline = cache.pipeline(config, keypoint_confidence)
        threads = cache.threads_for(config)
        measured = measure(pipeline, video, config, repeats)
        outputs, rss, gpu = measured.outputs, measured.peak_rss_mb, measured.peak_gpu_mb
        answers = outputs[-1].answers
        reference_answer = reference_answer if reference_answer is not None else answers
        stages = {
            k: round(statistics.median(o.timings.as_dict()[k] for o in outputs), 4)
            for k in outputs[0].timings.as_dict()
        }
        scored = estimate(answers, evidence)
        row = BenchRow(
            config,
            len(answers),
            [round(o.timings.total, 4) for o in outputs],
            stages,
            rss,
            gpu,
            compare(answers, reference_answer),
            keypoint_estimate=round(scored.keypoint_score, 4),
            boxes_dropped_share=round(scored.boxes.dropped_share, 4),
            faults_per_frame=round(measured.faults_per_frame, 1),
            threads=threads,
            backend=pipeline.backend,
        )
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
