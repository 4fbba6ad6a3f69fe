"""The ultralytics adapter: the only code that imports ultralytics or torch."""

from scoreminer.inference.yolo.detector import YoloDetector
from scoreminer.inference.yolo.keypoints import YoloKeypoints
from scoreminer.inference.yolo.loader import load_yolo, resolve_device, set_threads
from scoreminer.inference.yolo.tracker import ByteTrackTracker

__all__ = ["ByteTrackTracker", "YoloDetector", "YoloKeypoints", "load_yolo", "resolve_device", "set_threads"]
