"""The one place that wires models into a Pipeline: load (or export), warm up, and hand it back."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scoreminer.inference.pipeline import Pipeline, PipelineConfig
from scoreminer.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wiring:
    """Everything a pipeline is built from: the weights, how each model runs, and the pipeline's own knobs."""

    player: Path
    pitch: Path
    device: str  # as asked: `auto` is resolved when wiring
    half: bool
    player_imgsz: int
    pitch_imgsz: int
    confidence: float
    backend: str  # as asked: `auto` is resolved for the device
    export_cache: Path
    threads: int
    config: PipelineConfig
    preprocess: str = "auto"  # as asked: `auto` is resolved for the device
    openvino_precision: str = "f32"

    @classmethod
    def from_settings(cls, settings: Settings, sightings: bool | None = None) -> Wiring:
        return cls(
            settings.player_model_path,
            settings.pitch_model_path,
            settings.device,
            settings.half,
            settings.player_img_size or settings.img_size,
            settings.pitch_img_size or settings.img_size,
            min(settings.detection_confidence, settings.ball_floor),  # the detector's floor: the lower one
            settings.backend,
            settings.export_cache,
            settings.threads,
            pipeline_config(settings, sightings),
            settings.preprocess,
            settings.openvino_precision,
        )


@dataclass
class ModelStore:
    """Loaded models, reused by pipelines that run them the same way (the bench builds one pipeline per row)."""

    models: dict[tuple, tuple[Any, str]] = field(default_factory=dict)

    def get(self, path: Path, task: str, backend: str, options: Any, cache: Path) -> tuple[Any, str]:
        from scoreminer.inference.yolo.export import load_model

        # torch models serve every size and batch; an export is made for exactly one of each
        key = (str(path), options.half, backend) + (() if backend == "torch" else (options.imgsz, options.batch_size))
        key += (options.precision,) if backend == "openvino" else ()
        if key not in self.models:
            self.models[key] = load_model(path, task, backend, options, cache)
        return self.models[key]


def pipeline_config(settings: Settings, sightings: bool | None = None) -> PipelineConfig:
    """The pipeline's knobs from the settings; `sightings` (kept for action spotting) defaults to the protocol's."""
    if sightings is None:
        sightings = settings.protocol == "turbovision-private"
    return PipelineConfig(
        stride=settings.frame_stride,
        batch_size=settings.batch_size,
        prefetch=settings.prefetch_frames,
        keypoint_confidence=settings.keypoint_confidence,
        keypoint_mode=settings.keypoint_mode,
        line_fit_every=settings.line_fit_every,
        detection_confidence=settings.detection_confidence,
        ball_confidence=settings.ball_floor,
        sightings=sightings,
    )


def build_pipeline(
    settings: Settings, warm_shape: tuple[int, int] | None = (720, 1280), sightings: bool | None = None
) -> Pipeline:
    """YOLO detector + keypoint model + ByteTrack from MODELS_DIR (exported for BACKEND), warmed up before returning.

    `sightings`: keep what action spotting reads (default: under PROTOCOL=turbovision-private)."""
    return wire(Wiring.from_settings(settings, sightings), warm_shape=warm_shape)


def wire(wiring: Wiring, store: ModelStore | None = None, warm_shape: tuple[int, int] | None = None) -> Pipeline:
    """Load (or take from `store`) both models, apply threads and the allocator, warm up when a shape is given."""
    from scoreminer.inference.allocator import keep_freed_memory
    from scoreminer.inference.yolo import ByteTrackTracker, YoloDetector, YoloKeypoints, resolve_device, set_threads
    from scoreminer.inference.yolo.export import choose_backend
    from scoreminer.inference.yolo.loader import RunOptions

    keep_freed_memory()  # once per process: the CLI already did it before any thread started
    store = store or ModelStore()
    device = resolve_device(wiring.device)
    set_threads(wiring.threads)
    half = wiring.half and device.startswith("cuda")
    backend = choose_backend(wiring.backend, device)
    batch = wiring.config.batch_size
    shared = shares_preprocessing(wiring.preprocess, device)
    precision = wiring.openvino_precision
    player = RunOptions(device, half, wiring.player_imgsz, batch, wiring.confidence, shared, precision)
    pitch = RunOptions(device, half, wiring.pitch_imgsz, batch, wiring.confidence, shared, precision)
    player_model, player_backend = store.get(wiring.player, "detect", backend, player, wiring.export_cache)
    pitch_model, pitch_backend = store.get(wiring.pitch, "pose", backend, pitch, wiring.export_cache)
    detector = YoloDetector(wiring.player, player, player_model)
    keypoints = YoloKeypoints(wiring.pitch, pitch, pitch_model)
    if warm_shape:
        detector.warm_up(warm_shape)
        keypoints.warm_up(warm_shape)
    used = player_backend if player_backend == pitch_backend else f"{player_backend}/{pitch_backend}"
    log.info("models on %s with %s, %d torch threads", device, used, wiring.threads)
    return Pipeline(detector, keypoints, ByteTrackTracker, wiring.config, device, used)


def shares_preprocessing(preprocess: str, device: str) -> bool:
    """PREPROCESS resolved for a device: auto shares on CUDA, where it saves a host round trip per model;
    on a CPU ultralytics' own cv2 letterbox is as fast (docs/performance.md)."""
    return preprocess == "shared" or (preprocess == "auto" and device.startswith("cuda"))
