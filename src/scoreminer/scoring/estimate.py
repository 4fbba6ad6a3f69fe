"""What the validator would make of one answer to one video, estimated offline and deterministically.

The validator draws frames at random; this scores every frame it could draw, so two runs agree.
CLIP is not run (its weights cannot be fetched here): pitch frames are chosen by the green/line
recipe alone, and boxes get the published rules but no relabelling (see `boxes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scoreminer.scoring.boxes import BoxReport, box_report
from scoreminer.scoring.frames import is_pitch_frame
from scoreminer.scoring.keypoint_score import KeypointBreakdown, score_keypoints
from scoreminer.scoring.lines import Segment, detect_lines
from scoreminer.scoring.speed import speed_score
from scoreminer.video.source import FrameSource

NOT_RUN = "CLIP steps not run (weights cannot be fetched here): frame choice and box relabelling are left out"


@dataclass(frozen=True)
class VideoEvidence:
    """What the validator reads from the video itself: size, pitch frames and the painted lines in each."""

    width: int
    height: int
    frames: int
    pitch_frames: list[int]
    lines: dict[int, list[Segment]]


def read_evidence(video: Path) -> VideoEvidence:
    """Decode the whole clip once: which frames look like a pitch, and the line segments in each of them."""
    pitch, lines, count = [], {}, 0
    with FrameSource(video, prefetch=8) as source:
        for number, frame in source:
            count = number + 1
            if is_pitch_frame(frame):
                pitch.append(number)
                lines[number] = detect_lines(frame)
        info = source.info
    return VideoEvidence(info.width, info.height, count, pitch, lines)


@dataclass(frozen=True)
class ValidatorEstimate:
    """The keypoint score (0..1) with its parts, what the box rules do, and the speed term."""

    keypoints: KeypointBreakdown
    boxes: BoxReport
    speed: float | None
    wall_s: float | None
    notes: list[str] = field(default_factory=lambda: [NOT_RUN])

    @property
    def keypoint_score(self) -> float:
        return self.keypoints.score

    def as_dict(self) -> dict:
        return {
            "keypoints": round(self.keypoints.score, 4),
            "frames_scored": self.keypoints.frames_scored,
            "frames_fitted": self.keypoints.frames_fitted,
            "keypoint_parts": self.keypoints.as_dict(),
            "boxes_dropped": self.boxes.as_dict(),
            "speed": None if self.speed is None else round(self.speed, 4),
            "wall_s": self.wall_s,
            "notes": self.notes,
        }


def answer_frames(frames: Iterable) -> dict[int, dict]:
    """Frame number → frame dict, from answer models or JSON, keyed the way the validator keys them."""
    out = {}
    for frame in frames:
        data = frame if isinstance(frame, Mapping) else frame.model_dump(mode="json")
        out[int(data["frame_number"])] = dict(data)
    return out


def load_answer(path: Path) -> tuple[list[dict], float | None]:
    """An answer or truth file's frames, checked against the contract (a list, as sent), and its processing_time.

    Accepted: `{"frames": [...]}` as process-video and the demo write it, the validator's re-keyed
    `{"frames": {"0": {...}}}`, or a bare list of frames; AnswerFileError (exit 2) names the first fault."""
    import json

    from pydantic import TypeAdapter, ValidationError

    from scoreminer.contract.score_vision import FrameAnswer
    from scoreminer.errors import AnswerFileError

    fix = "pass the JSON that process-video --out writes (or a demo truth.json)"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise AnswerFileError(f"{path} is not JSON ({exc})", fix) from None
    frames = data.get("frames") if isinstance(data, dict) else data
    if isinstance(frames, dict):  # the validator's own re-keyed form
        frames = [{"frame_number": k, **v} if isinstance(v, dict) else v for k, v in frames.items()]
    if not isinstance(frames, list):
        raise AnswerFileError(f"{path} has no frames (a list under `frames`)", fix)
    try:
        checked = TypeAdapter(list[FrameAnswer]).validate_python(frames)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise AnswerFileError(f"{path} is not an answer: frames.{where}: {first['msg']}", fix) from None
    seconds = data.get("processing_time") if isinstance(data, dict) else None
    recorded = float(seconds) if isinstance(seconds, (int, float)) and seconds > 0 else None
    return [frame.model_dump() for frame in checked], recorded


def estimate(
    frames: Iterable, evidence: VideoEvidence, wall_s: float | None = None, fastest_s: float = 0.0
) -> ValidatorEstimate:
    """Score an answer (its `frames`) against the video's evidence; speed from `wall_s` when given."""
    by_number = answer_frames(frames)
    size = (evidence.width, evidence.height)
    keypoints = score_keypoints(by_number, evidence.pitch_frames, evidence.lines, *size)
    boxes = box_report(by_number, evidence.pitch_frames, *size)
    speed = None if wall_s is None else speed_score(wall_s, fastest_s)
    return ValidatorEstimate(keypoints, boxes, speed, None if wall_s is None else round(wall_s, 3))
