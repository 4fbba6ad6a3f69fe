"""Video in, one answer per decoded frame out: pipelined (decode ∥ inference ∥ post) or reference."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from scoreminer.contract.score_vision import FrameAnswer
from scoreminer.errors import VideoError
from scoreminer.inference.actions.sightings import SightingLog
from scoreminer.inference.ball import ConfidenceFloors
from scoreminer.inference.batch import FrameBatch
from scoreminer.inference.models import Detector, KeypointModel, TrackerFactory
from scoreminer.inference.postprocess import PostProcessor
from scoreminer.inference.registration import Registrar
from scoreminer.inference.timings import StageTimings, timed
from scoreminer.inference.types import FrameResult
from scoreminer.video.info import VideoInfo, open_capture
from scoreminer.video.source import DecodeReport, FrameSource

Progress = Callable[[int], None]
Mode = Literal["pipelined", "reference"]


@dataclass(frozen=True)
class PipelineConfig:
    """Knobs of one run (from the settings, or a benchmark row)."""

    stride: int = 1
    batch_size: int = 8
    prefetch: int = 64
    keypoint_confidence: float = 0.5
    detection_confidence: float = 0.0  # people; 0 keeps what the detector returned (it applies the lower floor)
    ball_confidence: float = 0.0
    keypoint_mode: str = "registered"  # or "raw": the model's confident keypoints as they are
    line_fit_every: int = 0  # registered mode: refine every Nth processed frame's fit on the picture's lines
    sightings: bool = False  # keep every person box with its shirt colour, and the ball (for action spotting)


@dataclass(frozen=True)
class PipelineOutput:
    """Every frame's result and answer, with timings and how decoding ended."""

    mode: str
    info: VideoInfo
    frames: list[FrameResult]
    answers: list[FrameAnswer]
    timings: StageTimings
    decode: DecodeReport
    sightings: SightingLog | None = None


class Pipeline:
    """The models and tracker, run over a video in either mode."""

    def __init__(
        self,
        detector: Detector,
        keypoints: KeypointModel,
        tracker_factory: TrackerFactory,
        config: PipelineConfig,
        device: str = "cpu",
        backend: str = "torch",
    ) -> None:
        self.device = device  # resolved: `cpu`, `cuda:0`, `mps`, never `auto`
        self.backend = backend  # the runtime in use (after any fallback), e.g. `openvino`
        self.detector = detector
        self.keypoints = keypoints
        self.tracker_factory = tracker_factory
        self.config = config

    def run(self, path: Path, progress: Progress | None = None, mode: Mode = "pipelined") -> PipelineOutput:
        """Every frame of `path` answered: `pipelined` (the miner's way) or `reference` (the stock loop)."""
        if mode == "reference":
            return self._run_reference(path, progress)
        return self._run_pipelined(path, progress)

    def _run_pipelined(self, path: Path, progress: Progress | None = None) -> PipelineOutput:
        """Decode on a thread, infer in batches, track and serialise on a third thread."""
        timings, started, forward = StageTimings(), time.perf_counter(), self._forward_s()
        with (
            FrameSource(path, self.config.prefetch, stride=self.config.stride) as source,
            ThreadPoolExecutor(1, "postprocess") as pool,
        ):
            post = self._post(source.info, timings)
            pending: list[Future] = []
            for numbers, frames in self._batches(source):
                with timed(timings, "inference"):
                    batch = FrameBatch(frames)  # both models may share its device copy and letterboxing
                    points, found = self.keypoints(batch), self.detector(batch)
                pictures = frames if post.needs_frames else None
                pending.append(pool.submit(post.add, numbers, found, points, pictures))
                _report(progress, numbers[-1] + 1)
            for future in pending:
                future.result()  # re-raise a post-processing error here
            post.finish(source.report.decoded)
            _report(progress, source.report.decoded)
            timings.decode_wait = source.wait_s
            timings.decode = source.decode_s
            report = source.report
        timings.total = time.perf_counter() - started
        timings.forward = self._forward_s() - forward
        return PipelineOutput("pipelined", source.info, post.results, post.answers, timings, report, post.sightings)

    def _run_reference(self, path: Path, progress: Progress | None = None) -> PipelineOutput:
        """What the stock miner does: per frame decode, pitch model, player model, track, append."""
        timings, started, forward = StageTimings(), time.perf_counter(), self._forward_s()
        capture, info = open_capture(path)
        post = self._post(info, timings, keypoint_mode="raw")  # the stock miner sends raw keypoints
        count = 0
        try:
            while True:
                with timed(timings, "decode_wait"), timed(timings, "decode"):
                    ok, frame = capture.read()
                if not ok:
                    break
                with timed(timings, "inference"):
                    points, found = self.keypoints([frame]), self.detector([frame])
                post.add([count], found, points, [frame] if post.needs_frames else None)
                count += 1
                _report(progress, count)
        finally:
            capture.release()
        if count == 0:
            raise VideoError(f"{path} has no decodable frames", "the file is empty or its codec is unsupported")
        timings.total = time.perf_counter() - started
        timings.forward = self._forward_s() - forward
        report = DecodeReport(count, info.frame_count, 0 < count < info.frame_count)
        return PipelineOutput("reference", info, post.results, post.answers, timings, report, post.sightings)

    def _forward_s(self) -> float:
        # models that time their forward pass (the ultralytics adapter) expose `forward_s`; fakes do not
        return float(getattr(self.detector, "forward_s", 0.0) + getattr(self.keypoints, "forward_s", 0.0))

    def _post(self, info: VideoInfo, timings: StageTimings, keypoint_mode: str | None = None) -> PostProcessor:
        tracker = self.tracker_factory(info.fps / self.config.stride)
        confidence = self.config.keypoint_confidence
        mode = keypoint_mode or self.config.keypoint_mode
        every = self.config.line_fit_every
        registrar = Registrar(info.width, info.height, confidence, every) if mode == "registered" else None
        floors = ConfidenceFloors(self.config.detection_confidence, self.config.ball_confidence)
        sightings = (
            SightingLog(self.config.detection_confidence, self.config.ball_confidence)
            if self.config.sightings
            else None
        )
        return PostProcessor(tracker, info.width, info.height, confidence, timings, registrar, floors, sightings)

    def _batches(self, source: FrameSource) -> Iterator[tuple[list[int], list[np.ndarray]]]:
        """(frame numbers, frames) of every stride-th frame, batch by batch; skipped frames are dropped."""
        numbers: list[int] = []
        frames: list[np.ndarray] = []
        for number, frame in source:
            if number % self.config.stride:
                continue
            numbers.append(number)
            frames.append(frame)
            if len(frames) == self.config.batch_size:
                yield numbers, frames
                numbers, frames = [], []
        if frames:
            yield numbers, frames


def _report(progress: Progress | None, done: int) -> None:
    if progress is not None:
        progress(done)
