"""Shot-level terms: cuts found from player jumps, keypoint stability and player plausibility per shot."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import numpy as np

from scoreminer.contract.score_vision import PLAYER
from scoreminer.scoring.keypoint_filter import as_points, spaced_indices

CUT_JUMP_PX, CUT_SHARE = 20.0, 0.5
MAX_STEP_PX = 30.0
SMALL_JUMP_PX, MEDIUM_JUMP_PX = 2.0, 10.0

Frames = Mapping[int, dict]


def player_centres(frame: dict) -> dict[int, np.ndarray]:
    """Track id → box centre of every player (class 2) in an answer frame."""
    centres = {}
    for obj in frame.get("objects", []):
        if obj.get("class_id") == PLAYER:
            x1, y1, x2, y2 = obj["bbox"]
            centres[obj["id"]] = np.array([(x1 + x2) / 2, (y1 + y2) / 2])
    return centres


def split_shots(frames: Frames) -> dict[int, int]:
    """Frame number → shot index; a new shot starts where half the tracked players jump over 20 px."""
    shot, shots, before = 0, {}, None
    for number in sorted(frames):
        now = player_centres(frames[number])
        if before is not None and now:
            jumps = sum(np.linalg.norm(c - before[i]) > CUT_JUMP_PX for i, c in now.items() if i in before)
            if jumps / len(now) >= CUT_SHARE:
                shot += 1
        shots[number], before = shot, now
    return shots


def group(shots: dict[int, int]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for number, shot in sorted(shots.items()):
        groups[shot].append(number)
    return groups


def keypoint_stability(frames: Frames, shots: dict[int, int], fitted: set[int]) -> dict[int, float]:
    """Per shot: exp(-10 × mean relative change of pairwise keypoint distances) between fitted frames."""
    scores = {}
    for shot, numbers in group(shots).items():
        if len(numbers) < 2:
            scores[shot] = 1.0
            continue
        # The validator orders a shot's fitted frames by their ids as text ("100" before "20"), and compares
        # each with the next in that order: reproduced, since it decides which frames are compared.
        with_fit = sorted((n for n in numbers if n in fitted), key=str)
        if len(with_fit) < 2:
            scores[shot] = 0.5
            continue
        changes = [
            c
            for a, b in zip(with_fit, with_fit[1:], strict=False)
            if (c := _shape_change(frames[a], frames[b])) is not None
        ]
        scores[shot] = float(np.exp(-10 * np.mean(changes))) if changes else 0.5
    return scores


def player_plausibility(frames: Frames, shots: dict[int, int]) -> dict[int, float]:
    """Per shot: 1 − share of player steps over 30 px between frames at most 2 apart (0.5 with none)."""
    scores = {}
    for shot, numbers in group(shots).items():
        if len(numbers) < 2:
            scores[shot] = 1.0
            continue
        steps = bad = 0
        before: dict[int, np.ndarray] = {}
        for previous, number in zip([None, *numbers], numbers, strict=False):
            now = player_centres(frames[number])
            if previous is not None and number - previous <= 2:
                moves = [np.linalg.norm(c - before[i]) for i, c in now.items() if i in before]
                steps, bad = steps + len(moves), bad + int(sum(m > MAX_STEP_PX for m in moves))
            before = now
        scores[shot] = max(0.0, 1.0 - bad / steps) if steps else 0.5
    return scores


def player_track_score(frames: Frames) -> float:
    """0..100: each step of a track scores 1, except 2–10 px steps, which score 0.5."""
    tracks: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)
    for number, frame in frames.items():
        for track, centre in player_centres(frame).items():
            tracks[track].append((number, centre))
    ordered = [sorted(track, key=_first) for track in tracks.values()]
    steps = [np.linalg.norm(b[1] - a[1]) for track in ordered for a, b in zip(track, track[1:], strict=False)]
    if not steps:
        return 0.0
    points = sum(0.5 if SMALL_JUMP_PX < s <= MEDIUM_JUMP_PX else 1.0 for s in steps)
    return 100.0 * points / len(steps)


def _first(item: tuple[int, np.ndarray]) -> int:
    return item[0]


def _shape_change(a: dict, b: dict) -> float | None:
    """Mean relative change of the pairwise distances between keypoints both frames keep. Kept as the validator
    keeps them here: not [0, 0] and 25 px apart, wherever they lie (no frame bounds)."""
    pa, pb = as_points(a["keypoints"]), as_points(b["keypoints"])
    common = np.intersect1d(spaced_indices(pa), spaced_indices(pb))
    if len(common) < 2:
        return None
    i, j = np.triu_indices(len(common), 1)
    da = np.linalg.norm(pa[common][i] - pa[common][j], axis=1)
    db = np.linalg.norm(pb[common][i] - pb[common][j], axis=1)
    return float(np.mean(np.abs(da - db) / (da + 1e-6)))
