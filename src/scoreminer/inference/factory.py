"""Wire the real models from the settings: load, warm up, and hand back a Pipeline."""

from __future__ import annotations

import logging

from scoreminer.inference.pipeline import Pipeline, PipelineConfig
from scoreminer.settings import Settings

log = logging.getLogger(__name__)


def pipeline_config(settings: Settings) -> PipelineConfig:
    return PipelineConfig(stride=settings.frame_stride, batch_size=settings.batch_size,
                          prefetch=settings.prefetch_frames, keypoint_confidence=settings.keypoint_confidence,
                          keypoint_mode=settings.keypoint_mode)


def build_pipeline(settings: Settings, warm_shape: tuple[int, int] = (720, 1280)) -> Pipeline:
    """YOLO detector + keypoint model + ByteTrack from MODELS_DIR (exported for BACKEND), warmed up before returning."""
    from scoreminer.inference.allocator import keep_freed_memory
    from scoreminer.inference.yolo import ByteTrackTracker, YoloDetector, YoloKeypoints, resolve_device, set_threads
    from scoreminer.inference.yolo.export import choose_backend, load_model
    from scoreminer.inference.yolo.loader import RunOptions

    keep_freed_memory()
    device = resolve_device(settings.device)
    set_threads(settings.threads)
    half = settings.half and device.startswith("cuda")
    backend = choose_backend(settings.backend, device)

    def options(imgsz: int | None, confidence: float) -> RunOptions:
        return RunOptions(device, half, imgsz or settings.img_size, settings.batch_size, confidence)

    player = options(settings.player_img_size, settings.detection_confidence)
    pitch = options(settings.pitch_img_size, settings.detection_confidence)
    player_model, player_backend = load_model(settings.player_model_path, "detect", backend, player,
                                              settings.export_cache)
    pitch_model, pitch_backend = load_model(settings.pitch_model_path, "pose", backend, pitch, settings.export_cache)
    detector = YoloDetector(settings.player_model_path, player, player_model)
    keypoints = YoloKeypoints(settings.pitch_model_path, pitch, pitch_model)
    detector.warm_up(warm_shape)
    keypoints.warm_up(warm_shape)
    used = player_backend if player_backend == pitch_backend else f"{player_backend}/{pitch_backend}"
    log.info("models on %s with %s, %d torch threads", device, used, settings.threads)
    return Pipeline(detector, keypoints, ByteTrackTracker, pipeline_config(settings), device, used)
