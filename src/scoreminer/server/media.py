"""A Turbo Vision challenge's media as one local video: the video itself, or its frames (or image) written as one.

The pipeline reads videos; a payload of frames (base64 images or URLs) or a single image is decoded and
written to a temporary MP4 at the validator's 25 fps, and the answer's frames are mapped back to the
`frame_id`s that were sent.
"""

from __future__ import annotations

import base64
import binascii
import io
import itertools
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from scoreminer.contract.turbovision import FRAME_RATE, ChallengeFrame, ChallengeRequest
from scoreminer.errors import DownloadError, MediaRefused, VideoError
from scoreminer.server.download import Downloader

if TYPE_CHECKING:
    from scoreminer.server.deadline import Deadline
    from scoreminer.settings import Settings

MIN_SIDE_PX, MAX_SIDE_PX = 16, 7680  # 7680: 8K UHD's width; OpenCV's MP4 writer refuses 8192 and up


@dataclass(frozen=True)
class MediaLimits:
    """What a challenge's media may be, checked before any of it is decoded (MAX_FRAMES, MAX_SIDE_PX)."""

    max_frames: int = 1500
    max_side_px: int = MAX_SIDE_PX

    @classmethod
    def from_settings(cls, settings: Settings) -> MediaLimits:
        return cls(settings.max_frames, settings.max_side_px)

    def check_count(self, frames: int, field: str) -> None:
        """MediaRefused (413) when `frames` is over MAX_FRAMES."""
        if frames > self.max_frames:
            raise MediaRefused(
                f"{field} carries {frames} frames; at most {self.max_frames} are processed (MAX_FRAMES)",
                "send the validator's 30 s clip (750 frames at 25 fps)",
            )


@dataclass(frozen=True)
class ChallengeVideo:
    """A local video and, for frame payloads, the `frame_id` of each of its frames (None: the video's own)."""

    path: Path
    frame_ids: list[int] | None


@contextmanager
def challenge_video(
    request: ChallengeRequest,
    downloader: Downloader,
    limits: MediaLimits | None = None,
    deadline: Deadline | None = None,
) -> Iterator[ChallengeVideo]:
    """The challenge's pixels as a temporary video, removed when the block exits; media over `limits` is
    refused (MediaRefused, 413) before it is decoded, and a passed `deadline` stops the fetching."""
    limits = limits or MediaLimits()
    within = None if deadline is None else deadline.remaining()
    if request.video_url:
        with downloader.fetch(request.video_url, within_s=within) as path:
            check_video(path, limits, "video_url")
            yield ChallengeVideo(path, None)
        return
    if request.frames:
        limits.check_count(len(request.frames), "frames")
        ordered = sorted(request.frames, key=lambda f: f.frame_id)
        pictures: Iterator[np.ndarray] = (_frame_picture(frame, downloader, limits, deadline) for frame in ordered)
        ids = [frame.frame_id for frame in ordered]
    else:
        assert request.image_url is not None  # the request model admits no other case
        raw = _fetch_bytes(request.image_url, downloader, "image_url")
        pictures, ids = iter([_decode(raw, "image_url", limits.max_side_px)]), [0]
    with downloader.temp_file() as path:
        _write(pictures, path)
        yield ChallengeVideo(path, ids)


def check_video(path: Path, limits: MediaLimits, field: str) -> None:
    """A downloaded video's frame count and size from its header, against `limits` (MediaRefused, 413)."""
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            return  # the pipeline names an unreadable video itself
        frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    finally:
        capture.release()
    limits.check_count(frames, field)
    if max(width, height) > limits.max_side_px:
        raise MediaRefused(
            f"{field} is {width} × {height} px; at most {limits.max_side_px} px a side are processed (MAX_SIDE_PX)",
            "send broadcast-sized video (1920 × 1080 is the usual)",
        )


def _frame_picture(
    frame: ChallengeFrame, downloader: Downloader, limits: MediaLimits, deadline: Deadline | None
) -> np.ndarray:
    if deadline is not None:
        deadline.check("decoding the frames")
    return frame_picture(frame.frame_id, frame.data, frame.url, downloader, limits.max_side_px)


def frame_picture(
    frame_id: int, data: str | None, url: str | None, downloader: Downloader, max_side_px: int = MAX_SIDE_PX
) -> np.ndarray:
    """One sent frame as BGR pixels: base64 `data` (preferred) or the image at `url`; VideoError naming the frame."""
    if data:
        # a data URI (`data:image/png;base64,…`) carries the same base64 after its comma
        payload = data.split(",", 1)[1] if data.startswith("data:") and "," in data else data
        try:
            raw = base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            raise VideoError(f"frame {frame_id}: data is not base64") from None
        return _decode(raw, f"frame {frame_id}", max_side_px)
    if not url:
        raise VideoError(f"frame {frame_id} has neither data nor url")
    return _decode(_fetch_bytes(url, downloader, f"frame {frame_id}'s url"), f"frame {frame_id}", max_side_px)


def _fetch_bytes(url: str, downloader: Downloader, field: str) -> bytes:
    with downloader.fetch(url, field) as path:
        return path.read_bytes()


def check_size(raw: bytes, what: str, max_side_px: int = MAX_SIDE_PX) -> tuple[int, int]:
    """(width, height) from the image's header, before anything is decoded; MediaRefused outside the limits.

    A 1.2 MB PNG can declare 20000 × 20000 pixels (2.3 GB decoded), and OpenCV's video writer refuses a side of
    8192 or more, or a frame this small."""
    width, height = _header_size(raw, what)
    if min(width, height) < MIN_SIDE_PX or max(width, height) > max_side_px:
        raise MediaRefused(
            f"{what} is {width} × {height} px; a frame's sides must lie within {MIN_SIDE_PX}–{max_side_px} px "
            "(MAX_SIDE_PX)",
            "send broadcast-sized frames (1920 × 1080 is the usual)",
            http_status=400 if min(width, height) < MIN_SIDE_PX else 413,
        )
    return width, height


def _header_size(raw: bytes, what: str) -> tuple[int, int]:
    # PIL's format classes read only the header. Not Image.open: ultralytics patches it to install pi-heif on
    # an unknown format, and it refuses large images before saying their size.
    from PIL import BmpImagePlugin, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

    kinds: dict[bytes, Callable[[io.BytesIO], Any]] = {
        b"\x89PNG": PngImagePlugin.PngImageFile,
        b"\xff\xd8": JpegImagePlugin.JpegImageFile,
        b"RIFF": WebPImagePlugin.WebPImageFile,
        b"BM": BmpImagePlugin.BmpImageFile,
    }
    reader = next((kind for magic, kind in kinds.items() if raw.startswith(magic)), None)
    try:
        if reader is None:
            raise ValueError("unknown format")
        with reader(io.BytesIO(raw)) as image:
            return image.size
    except (OSError, ValueError, SyntaxError, struct.error):
        raise VideoError(f"{what} is not a decodable image", "send PNG or JPEG bytes") from None


def _decode(raw: bytes, what: str, max_side_px: int = MAX_SIDE_PX) -> np.ndarray:
    if not raw:
        raise VideoError(f"{what} is empty", "send PNG or JPEG bytes")
    check_size(raw, what, max_side_px)
    picture = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    if picture is None:
        raise VideoError(f"{what} is not a decodable image", "send PNG or JPEG bytes")
    return picture


def _write(pictures: Iterator[np.ndarray], path: Path) -> None:
    # One frame decoded at a time, straight into the writer: 200 UHD frames never sit in memory together.
    first = next(pictures)
    height, width = first.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), FRAME_RATE, (width, height))
    if not writer.isOpened():
        raise DownloadError("cannot write the challenge's frames as a video", http_status=500)
    try:
        for picture in itertools.chain([first], pictures):
            # Frames of another size than the first are scaled to it: one video, one geometry.
            same = picture if picture.shape[:2] == (height, width) else cv2.resize(picture, (width, height))
            writer.write(same)
    finally:
        writer.release()
