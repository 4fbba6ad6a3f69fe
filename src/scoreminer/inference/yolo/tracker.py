"""ByteTrack (ultralytics' maintained implementation) behind the Tracker seam."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from ultralytics.trackers.byte_tracker import BYTETracker

from scoreminer.inference.types import Detections


class _TrackInput:
    """The Results-like view BYTETracker reads: conf, cls, xywh, boolean indexing."""

    def __init__(self, xyxy: np.ndarray, conf: np.ndarray, cls: np.ndarray) -> None:
        self.xyxy, self.conf, self.cls = xyxy, conf, cls
        self.xywh = np.concatenate([(xyxy[:, :2] + xyxy[:, 2:]) / 2, xyxy[:, 2:] - xyxy[:, :2]], axis=1)

    def __len__(self) -> int:
        return len(self.conf)

    def __getitem__(self, index) -> _TrackInput:
        return _TrackInput(self.xyxy[index], self.conf[index], self.cls[index])


class ByteTrackTracker:
    """Assigns stable track ids; `frame_rate` is the rate of the frames it is shown (fps / stride)."""

    def __init__(self, frame_rate: float = 25.0, buffer_s: float = 1.2, low: float = 0.1, high: float = 0.25) -> None:
        args = SimpleNamespace(
            track_high_thresh=high,
            track_low_thresh=low,
            new_track_thresh=high,
            track_buffer=max(1, int(round(buffer_s * frame_rate))),
            match_thresh=0.8,
            fuse_score=True,
        )
        self._tracker = BYTETracker(args)

    def update(self, detections: Detections) -> Detections:
        if len(detections) == 0:
            self._tracker.update(_TrackInput(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0)))
            return Detections.empty()
        tracked = self._tracker.update(_TrackInput(detections.xyxy, detections.confidence, detections.class_id))
        if len(tracked) == 0:
            return Detections.empty()
        # Report the detector's own box for each matched detection, not the Kalman estimate.
        index = tracked[:, 7].astype(int)
        return Detections.of(
            detections.xyxy[index], detections.class_id[index], detections.confidence[index], tracked[:, 4]
        )
