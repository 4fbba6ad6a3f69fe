"""The validator's box rules: what it drops, which ball counts, and how box area is penalised.

The validator then asks CLIP what each kept crop shows (right class +1, wrong person class +0.5,
anything else −1). CLIP's weights cannot be fetched here, so that step is not run: `frame_ceiling`
is what a frame would earn if CLIP agreed with every label, never an estimate of the real score.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scoreminer.contract.score_vision import BALL

MIN_WIDTH, MIN_HEIGHT = 15, 40
SCOREBOARD_BOTTOM = 150
FULL_COVERAGE_SHARE = 0.7  # full box credit when at least this share of sampled frames has objects


def drop_reason(obj: dict, width: int) -> str | None:
    """'small' (a non-ball box under 15 × 40 px), 'scoreboard' (touching the top 150 px) or None (kept)."""
    x1, y1, x2, y2 = obj["bbox"]
    if obj.get("class_id") != BALL and (x2 - x1 < MIN_WIDTH or y2 - y1 < MIN_HEIGHT):
        return "small"
    if not (x2 < 0 or x1 > width or y2 < 0 or y1 > SCOREBOARD_BOTTOM):
        return "scoreboard"
    return None


def kept_boxes(objects: Iterable[dict], width: int, height: int) -> list[dict]:
    """The boxes the validator keeps, in answer order."""
    return [o for o in objects if drop_reason(o, width) is None]


def area_factor(boxes: list[dict], width: int, height: int) -> float:
    """1 for small, few boxes; decays when boxes average over 1.5 % of the frame or cover over 15 % of it."""
    if not boxes:
        return 1.0
    covered = sum(abs(b["bbox"][2] - b["bbox"][0]) * abs(b["bbox"][3] - b["bbox"][1]) for b in boxes) / (width * height)
    per_box = covered / len(boxes)
    if per_box > 0.015:
        return math.exp(-80 * (per_box - 0.015))
    return 1.0 if covered <= 0.15 else math.exp(-3 * (covered - 0.15))


def frame_ceiling(objects: list[dict], width: int, height: int) -> float:
    """A frame's box score if CLIP confirmed every label: extra balls still cost, size and area still count."""
    boxes = kept_boxes(objects, width, height)
    if not boxes:
        return 0.0
    seen: Counter[str] = Counter()
    points, ball_seen = 0.0, False
    for box in boxes:
        is_extra_ball = box["class_id"] == BALL and ball_seen
        ball_seen = ball_seen or box["class_id"] == BALL
        label = "not a ball" if is_extra_ball else str(box["class_id"])
        points += (-1.0 if is_extra_ball else 1.0) / 2 ** seen[label]
        seen[label] += 1
    return area_factor(boxes, width, height) * points / (len(seen) + 1)


@dataclass
class BoxReport:
    """What the box rules do to an answer over the sampled frames."""

    boxes: int = 0
    dropped: Counter = field(default_factory=Counter)
    extra_balls: int = 0
    frames: int = 0
    frames_with_objects: int = 0
    frames_emptied: int = 0  # had boxes, every one dropped: the frame scores 0
    ceiling: float = 0.0

    @property
    def dropped_share(self) -> float:
        return sum(self.dropped.values()) / self.boxes if self.boxes else 0.0

    def as_dict(self) -> dict:
        return {
            "boxes": self.boxes,
            "dropped": sum(self.dropped.values()),
            "dropped_share": round(self.dropped_share, 4),
            "dropped_by_reason": dict(sorted(self.dropped.items())),
            "extra_balls": self.extra_balls,
            "frames": self.frames,
            "frames_with_objects": self.frames_with_objects,
            "frames_emptied": self.frames_emptied,
            "ceiling_if_clip_agreed": round(self.ceiling, 4),
        }


def box_report(frames: Mapping[int, dict], sampled: Iterable[int], width: int, height: int) -> BoxReport:
    """Apply the box rules to every sampled frame (the validator draws up to 100 of them at random)."""
    report, ceilings = BoxReport(), []
    for number in sampled:
        objects = frames.get(number, {}).get("objects", [])
        report.frames += 1
        reasons = [drop_reason(o, width) for o in objects]
        report.boxes += len(objects)
        report.dropped.update(r for r in reasons if r)
        kept = [o for o, r in zip(objects, reasons, strict=False) if r is None]
        report.extra_balls += max(0, sum(o["class_id"] == BALL for o in kept) - 1)
        if objects:
            report.frames_with_objects += 1
            report.frames_emptied += not kept
            ceilings.append(frame_ceiling(objects, width, height))
    if ceilings:
        coverage = min(1.0, report.frames_with_objects / report.frames / FULL_COVERAGE_SHARE)
        report.ceiling = min(1.0, sum(ceilings) / len(ceilings)) * coverage
    return report
