"""Run every configuration of the grid through the real pipeline and measure it."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from scoreminer.bench.grid import BenchConfig
from scoreminer.bench.memory import peak_rss
from scoreminer.bench.result import BenchmarkResult, BenchRow
from scoreminer.compare import compare
from scoreminer.inference.actions.spotter import ActionSpotter
from scoreminer.inference.factory import ModelStore, Wiring, wire
from scoreminer.inference.pipeline import Mode, Pipeline, PipelineOutput
from scoreminer.scoring.actions import score_actions
from scoreminer.scoring.estimate import estimate, read_evidence

RowDone = Callable[[BenchRow], None]


class ModelCache:
    """The bench's pipelines: the factory's wiring from the settings, with each row's grid dimensions over it,
    all sharing one model store (loading per row would dominate)."""

    def __init__(self, base: Wiring) -> None:
        from scoreminer.inference.yolo import resolve_device

        self.base = replace(base, device=resolve_device(base.device))
        self.store = ModelStore()

    @property
    def device(self) -> str:
        return self.base.device

    def pipeline(self, config: BenchConfig) -> Pipeline:
        """The pipeline of one row: the settings' pipeline, run at the row's stride, batch, sizes and backend."""
        reference = config.reference
        wiring = replace(
            self.base,
            half=config.half,
            player_imgsz=config.imgsz,
            pitch_imgsz=config.pitch_imgsz,
            backend=config.backend,
            openvino_precision=config.precision,
            threads=self.threads_for(config),
            preprocess="per-model" if reference else config.preprocess,
            config=replace(
                self.base.config, stride=1 if reference else config.stride, batch_size=1 if reference else config.batch
            ),
        )
        return wire(wiring, self.store)

    def threads_for(self, config: BenchConfig) -> int:
        """The reference row keeps the threads ultralytics leaves (the stock miner's); the others TORCH_THREADS."""
        from scoreminer.inference.yolo.loader import ULTRALYTICS_THREADS

        return ULTRALYTICS_THREADS if config.reference else self.base.threads


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
    on_row: RowDone | None = None,
    spotter: ActionSpotter | None = None,
    true_actions: list | None = None,
    protocol: str = "score-vision",
) -> BenchmarkResult:
    """Measure every row; quality is judged against `reference_answer` or the reference row's own answer.

    With a `spotter` each row's actions are scored as the private track scores them, against `true_actions`
    or, without them, against the actions of the first row after the reference (the most thorough one)."""
    result = BenchmarkResult(str(video), cache.device, budget_s, min_agreement, protocol=protocol)
    evidence = read_evidence(video)  # what the validator reads from the clip, once for every row
    for config in grid:
        pipeline = cache.pipeline(config)
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
        if spotter is not None and not config.reference:  # the stock loop registers nothing to spot from
            spotted = [(a.frame, a.action) for a in spotter.spot(outputs[-1])]
            true_actions = spotted if true_actions is None else true_actions
            row = replace(row, action_score=round(score_actions(spotted, true_actions).score, 4))
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
