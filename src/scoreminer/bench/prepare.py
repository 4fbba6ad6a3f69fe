"""The benchmark's inputs: the clip (cut, or rendered) and the weights (MODELS_DIR, or stand-ins).

Everything made here goes into the one work folder the caller owns and removes (`work_folder`)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2

from scoreminer.errors import ConfigError, VideoError
from scoreminer.settings import Settings
from scoreminer.video.info import open_capture


@contextmanager
def work_folder() -> Iterator[Path]:
    """A temporary folder removed on every way out: success, an error, Ctrl-C (KeyboardInterrupt)."""
    with tempfile.TemporaryDirectory(prefix="scoreminer-bench-") as folder:
        yield Path(folder)


def prepare_video(
    video: Path | None, synthetic: bool, frames: int | None, work: Path, played: bool = False
) -> tuple[Path, list[dict] | None]:
    """The clip to measure and its true actions when known: rendered with --synthetic (a played match with
    `played`, its actions known), else `video` cut to `frames` if asked."""
    if synthetic:
        from scoreminer.demo.render import render_clip

        clip = work / "synthetic.mp4"
        if not played:
            render_clip(clip, seed=400, frames=frames or 750)
            return clip, None
        from scoreminer.demo.play import FPS, PlayedMatch

        match = PlayedMatch(400, (frames or 750) / FPS)
        render_clip(clip, seed=400, frames=frames or 750, match=match)
        return clip, match.truth_actions()
    if video is None:
        raise ConfigError("no video to benchmark", "pass a VIDEO path or --synthetic")
    return (cut(video, frames, work / "cut.mp4") if frames else video), None


def cut(video: Path, frames: int, out: Path) -> Path:
    """The first `frames` frames of `video`, re-encoded."""
    capture, info = open_capture(video)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), info.fps, (info.width, info.height))
    written = 0
    try:
        while written < frames:
            ok, image = capture.read()
            if not ok:
                break
            writer.write(image)
            written += 1
    finally:
        capture.release()
        writer.release()
    if not written:
        raise VideoError(f"{video} has no decodable frames", "pass another video")
    return out


def prepare_models(settings: Settings, standin: str | None, work: Path) -> tuple[Path, Path]:
    """The weights to measure: MODELS_DIR's, or random-weight stand-ins (same cost as trained ones)."""
    if standin:
        from scoreminer.inference.yolo.standin import SCALES, build_standin_pair

        if standin not in SCALES:
            raise ConfigError(f"--standin {standin!r} is not a model scale", f"use one of {', '.join(SCALES)}")
        return build_standin_pair(work / "standin", standin)
    return settings.player_model_path, settings.pitch_model_path
