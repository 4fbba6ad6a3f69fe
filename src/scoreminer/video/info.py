"""What a video file is: frame rate, size and the frame count its container claims."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2

from scoreminer.errors import VideoError


@dataclass(frozen=True)
class VideoInfo:
    """Container metadata; `frame_count` is the container's claim, not a decoded count."""

    path: Path
    fps: float
    width: int
    height: int
    frame_count: int


def open_capture(path: Path) -> tuple[cv2.VideoCapture, VideoInfo]:
    """An opened capture and its metadata; VideoError for a missing or unreadable file."""
    if not path.is_file():
        raise VideoError(f"no video file at {path}", "check the path")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise VideoError(f"{path} is not a readable video", "pass an MP4/H.264 file (ffprobe shows what it is)")
    info = VideoInfo(
        path=path,
        fps=capture.get(cv2.CAP_PROP_FPS) or 25.0,
        width=int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
        height=int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        frame_count=max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT))),
    )
    if info.width <= 0 or info.height <= 0:
        capture.release()
        raise VideoError(f"{path} has no video stream", "pass a file with a video track")
    return capture, info
