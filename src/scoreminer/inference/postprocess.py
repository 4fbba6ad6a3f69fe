"""Tracking, gap filling and answer building for processed frames, in frame order."""

from __future__ import annotations

import numpy as np

from scoreminer.contract.score_vision import FrameAnswer
from scoreminer.inference.actions.sightings import SightingLog
from scoreminer.inference.answer import frame_answer
from scoreminer.inference.ball import ConfidenceFloors, join
from scoreminer.inference.interpolate import fill_between, fill_tail
from scoreminer.inference.models import Tracker
from scoreminer.inference.registration import Registrar
from scoreminer.inference.timings import StageTimings, timed
from scoreminer.inference.types import Detections, FrameResult


class PostProcessor:
    """Fed processed frames in order; emits a FrameResult and FrameAnswer for every frame."""

    def __init__(
        self,
        tracker: Tracker,
        width: int,
        height: int,
        min_confidence: float,
        timings: StageTimings,
        registrar: Registrar | None = None,
        floors: ConfidenceFloors | None = None,
        sightings: SightingLog | None = None,
    ) -> None:
        self.tracker = tracker
        self.sightings = sightings
        self.floors = floors or ConfidenceFloors()
        self.registrar = registrar
        self.size = (width, height)
        self.min_confidence = min_confidence
        self.timings = timings
        self.results: list[FrameResult] = []
        self.answers: list[FrameAnswer] = []
        self._last: FrameResult | None = None

    @property
    def needs_frames(self) -> bool:
        """Whether `add` wants the pictures too (line fitting reads the white lines, sightings the shirts)."""
        return self.sightings is not None or (self.registrar is not None and self.registrar.line_fit_every > 0)

    def add(
        self,
        numbers: list[int],
        detections: list[Detections],
        keypoints: list[np.ndarray],
        frames: list[np.ndarray] | None = None,
    ) -> None:
        """Track a batch of processed frames and emit them with the skipped frames before each."""
        for i, (number, found, points) in enumerate(zip(numbers, detections, keypoints, strict=False)):
            with timed(self.timings, "tracking"):
                people, ball = self.floors.split(found)
                current = FrameResult(number, join(self.tracker.update(people), ball), points)
            picture = None if frames is None else frames[i]
            if self.registrar is not None:
                with timed(self.timings, "registration"):
                    self.registrar.observe(current, picture)
            if self.sightings is not None:
                with timed(self.timings, "tracking"):
                    self.sightings.observe(number, found, picture)
            self._emit([*(fill_between(self._last, current, self.min_confidence) if self._last else []), current])
            self._last = current

    def finish(self, total_frames: int) -> None:
        """Emit the frames after the last processed one, up to `total_frames`."""
        if self._last is not None:
            self._emit(fill_tail(self._last, total_frames))
        if self.registrar is not None:
            # Registered answers wait for the whole clip: fits are smoothed with both neighbours.
            with timed(self.timings, "registration"):
                self.results = self.registrar.apply(self.results)
            with timed(self.timings, "serialisation"):
                self.answers = [frame_answer(r, *self.size, self.min_confidence) for r in self.results]

    def _emit(self, results: list[FrameResult]) -> None:
        with timed(self.timings, "serialisation"):
            self.results += results
            if self.registrar is None:
                self.answers += [frame_answer(r, *self.size, self.min_confidence) for r in results]
