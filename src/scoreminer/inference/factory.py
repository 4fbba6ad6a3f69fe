"""Wire the real models from the settings: load, warm up, and hand back a Pipeline."""

from __future__ import annotations

from scoreminer.inference.pipeline import Pipeline, PipelineConfig
from scoreminer.settings import Settings


def pipeline_config(settings: Settings) -> PipelineConfig:
    return PipelineConfig(stride=settings.frame_stride, batch_size=settings.batch_size,
                          prefetch=settings.prefetch_frames, keypoint_confidence=settings.keypoint_confidence,
                          keypoint_mode=settings.keypoint_mode)


def build_pipeline(settings: Settings, warm_shape: tuple[int, int] = (720, 1280)) -> Pipeline:
    """YOLO detector + keypoint model + ByteTrack from MODELS_DIR, warmed up before returning."""
    from scoreminer.inference.yolo import ByteTrackTracker, YoloDetector, YoloKeypoints, resolve_device
    from scoreminer.inference.yolo.loader import RunOptions

    device = resolve_device(settings.device)
    half = settings.half and device.startswith("cuda")

    def options(imgsz: int | None, confidence: float) -> RunOptions:
        return RunOptions(device, half, imgsz or settings.img_size, settings.batch_size, confidence)

    detector = YoloDetector(settings.player_model_path, options(settings.player_img_size, settings.detection_confidence))
    keypoints = YoloKeypoints(settings.pitch_model_path, options(settings.pitch_img_size, settings.detection_confidence))
    detector.warm_up(warm_shape)
    keypoints.warm_up(warm_shape)
    return Pipeline(detector, keypoints, ByteTrackTracker, pipeline_config(settings), device)
