"""A Turbo Vision challenge's media as one local video: the video itself, or its frames (or image) written as one.

The pipeline reads videos; a payload of frames (base64 images or URLs) or a single image is decoded and
written to a temporary MP4 at the validator's 25 fps, and the answer's frames are mapped back to the
`frame_id`s that were sent.
"""

from __future__ import annotations

import base64
import binascii
import io
import struct
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from scoreminer.contract.turbovision import FRAME_RATE, ChallengeFrame, ChallengeRequest
from scoreminer.errors import DownloadError, VideoError
from scoreminer.server.download import TEMP_PREFIX, Downloader

MIN_SIDE_PX, MAX_SIDE_PX = 16, 7680  # 7680: 8K UHD's width; OpenCV's MP4 writer refuses 8192 and up


@dataclass(frozen=True)
class ChallengeVideo:
    """A local video and, for frame payloads, the `frame_id` of each of its frames (None: the video's own)."""

    path: Path
    frame_ids: list[int] | None


@contextmanager
def challenge_video(request: ChallengeRequest, downloader: Downloader) -> Iterator[ChallengeVideo]:
    """The challenge's pixels as a temporary video, removed when the block exits."""
    if request.video_url:
        with downloader.fetch(request.video_url) as path:
            yield ChallengeVideo(path, None)
        return
    if request.frames:
        ordered = sorted(request.frames, key=lambda f: f.frame_id)
        pictures = [_frame_picture(frame, downloader) for frame in ordered]
        ids = [frame.frame_id for frame in ordered]
    else:
        assert request.image_url is not None  # the request model admits no other case
        pictures, ids = [_decode(_fetch_bytes(request.image_url, downloader, "image_url"), "image_url")], [0]
    with _written(pictures, downloader.directory) as path:
        yield ChallengeVideo(path, ids)


def _frame_picture(frame: ChallengeFrame, downloader: Downloader) -> np.ndarray:
    return frame_picture(frame.frame_id, frame.data, frame.url, downloader)


def frame_picture(frame_id: int, data: str | None, url: str | None, downloader: Downloader) -> np.ndarray:
    """One sent frame as BGR pixels: base64 `data` (preferred) or the image at `url`; VideoError naming the frame."""
    if data:
        # a data URI (`data:image/png;base64,…`) carries the same base64 after its comma
        payload = data.split(",", 1)[1] if data.startswith("data:") and "," in data else data
        try:
            raw = base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            raise VideoError(f"frame {frame_id}: data is not base64") from None
        return _decode(raw, f"frame {frame_id}")
    if not url:
        raise VideoError(f"frame {frame_id} has neither data nor url")
    return _decode(_fetch_bytes(url, downloader, f"frame {frame_id}'s url"), f"frame {frame_id}")


def _fetch_bytes(url: str, downloader: Downloader, field: str) -> bytes:
    with downloader.fetch(url, field) as path:
        return path.read_bytes()


def check_size(raw: bytes, what: str) -> tuple[int, int]:
    """(width, height) from the image's header, before anything is decoded; VideoError outside the limits.

    A 1.2 MB PNG can declare 20000 × 20000 pixels (2.3 GB decoded), and OpenCV's video writer refuses a side of
    8192 or more, or a frame this small."""
    width, height = _header_size(raw, what)
    if min(width, height) < MIN_SIDE_PX or max(width, height) > MAX_SIDE_PX:
        raise VideoError(
            f"{what} is {width} × {height} px; a frame's sides must lie within {MIN_SIDE_PX}–{MAX_SIDE_PX} px",
            "send broadcast-sized frames (1920 × 1080 is the usual)",
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


def _decode(raw: bytes, what: str) -> np.ndarray:
    if not raw:
        raise VideoError(f"{what} is empty", "send PNG or JPEG bytes")
    check_size(raw, what)
    picture = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    if picture is None:
        raise VideoError(f"{what} is not a decodable image", "send PNG or JPEG bytes")
    return picture


@contextmanager
def _written(pictures: list[np.ndarray], directory: Path | None) -> Iterator[Path]:
    height, width = pictures[0].shape[:2]
    if directory:
        directory.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(prefix=TEMP_PREFIX, suffix=".mp4", dir=directory, delete=False)
    handle.close()
    path = Path(handle.name)
    try:
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), FRAME_RATE, (width, height))
        if not writer.isOpened():
            raise DownloadError("cannot write the challenge's frames as a video", http_status=500)
        try:
            for picture in pictures:
                # Frames of another size than the first are scaled to it: one video, one geometry.
                same = picture if picture.shape[:2] == (height, width) else cv2.resize(picture, (width, height))
                writer.write(same)
        finally:
            writer.release()
        yield path
    finally:
        path.unlink(missing_ok=True)
