"""The ultralytics adapter: the only package that imports ultralytics.

Importing it is what switches ultralytics offline: the variables are set here, before any module of
the adapter imports ultralytics (a package's __init__ runs before its modules).
"""

from scoreminer.settings import ultralytics_offline

ultralytics_offline()

from scoreminer.inference.yolo.detector import YoloDetector
from scoreminer.inference.yolo.keypoints import YoloKeypoints
from scoreminer.inference.yolo.loader import load_yolo, resolve_device, set_threads
from scoreminer.inference.yolo.tracker import ByteTrackTracker

__all__ = [
    "ByteTrackTracker",
    "YoloDetector",
    "YoloKeypoints",
    "load_yolo",
    "resolve_device",
    "set_threads",
]
