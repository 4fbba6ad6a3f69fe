"""Football actions from possession spells and the ball's path on the pitch.

Between one spell and the next the ball was released and arrived. How it left (fast towards the goal the team
attacks: a shot; long and away from its own goal: a clearance; otherwise a pass) and where it went (a
teammate: a received pass; an opponent while still fast: an interception; an opponent once it slowed: a
recovery; the keeper after a shot: a save; over a line: out of play, or a goal between the posts) name the
actions. Each carries a confidence from how clear its evidence is; floors per action decide what is answered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoreminer.inference.actions.pitch import LENGTH_M, WIDTH_M, Snapshot
from scoreminer.inference.actions.possession import Spell, sample_step

POST_M = 3.66  # half the goal's width
OUT_M = 0.5  # the ball this far over a line is out (the fit's error is about this)
BACK_IN_M = 3.0  # after a crossing, the ball must come this far back in before another counts
SHOT_RANGE_M = 38.0
SHOT_SPEED_M_S = 11.0
CLEAR_ZONE_M = 35.0  # clearances start this close to the team's own goal line
CLEAR_TRAVEL_M = 22.0
INTERCEPT_SPEED_M_S = 6.0  # an opponent who takes the ball still moving this fast cut out a pass
PASS_TRAVEL_M = 4.0
STRUCK_M_S = 8.0  # a ball leaving a player this fast was kicked, not carried on
SETTLED_M_S = 5.0  # a cleared ball has slowed to this (or stopped) by the time anyone reaches it
MAX_FLIGHT_S = 2.88  # a flight is followed this long at most
SETTLED_S = (0.24, 0.72)  # how long the next player keeps the ball before it counts as taken, from not to fully
MAX_BALL_M_S = 40.0  # a ball seen to move faster than this was moved by a restart (or a bad fit), not a kick


@dataclass(frozen=True)
class SpottedAction:
    """An action at a frame of the video (its own frame rate), with the spotter's confidence."""

    frame: int
    action: str
    confidence: float


@dataclass(frozen=True)
class Crossing:
    """The ball over a line: when, where, and how sure (seen beyond it, or only heading there when lost)."""

    frame: float
    point: np.ndarray
    goal_mouth: bool
    confidence: float


@dataclass(frozen=True)
class Release:
    """How the ball left a spell: `kind` is shot, clearance or pass; `confidence` how clearly."""

    kind: str
    confidence: float
    speed: float


def ramp(value: float, low: float, high: float) -> float:
    """0 at or below `low`, 1 at or above `high`, linear between."""
    return float(np.clip((value - low) / (high - low), 0.0, 1.0))


def spot(snaps: list[Snapshot], runs: list[Spell], attack: dict[int, float], fps: float) -> list[SpottedAction]:
    """Every action the tracking evidence shows, with confidences, in frame order."""
    step = sample_step(snaps)
    crossings = find_crossings(snaps, fps)
    found: list[SpottedAction] = []
    for i, spell in enumerate(runs):
        after = runs[i + 1] if i + 1 < len(runs) else None
        found += _between(spell, after, snaps, crossings, attack, fps, step)
    used = {round(a.frame) for a in found if a.action == "ball_out_of_play"}
    for crossing in crossings:  # crossings no spell led to (the ball lost before it)
        if not crossing.goal_mouth and round(crossing.frame) not in used and not _near_goal(crossing, found, fps):
            found.append(SpottedAction(int(round(crossing.frame)), "ball_out_of_play", crossing.confidence * 0.8))
    return sorted(found, key=lambda a: (a.frame, a.action))


def _near_goal(crossing: Crossing, found: list[SpottedAction], fps: float) -> bool:
    return any(a.action == "goal" and abs(a.frame - crossing.frame) < 3 * fps for a in found)


def _between(
    a: Spell,
    b: Spell | None,
    snaps: list[Snapshot],
    crossings: list[Crossing],
    attack: dict[int, float],
    fps: float,
    step: float,
) -> list[SpottedAction]:
    """The actions from the end of spell `a` to the start of `b` (or to the end of the clip)."""
    end = b.first.frame if b else np.inf
    path = [(s.frame, s.ball) for s in snaps if a.last.frame < s.frame < end and s.ball is not None]
    crossing = next((c for c in crossings if a.last.frame < c.frame < end), None)
    release = classify_release(a, path, b, attack, fps)
    released = int(round(a.last.frame + step / 2))
    certain = a.team_share
    out: list[SpottedAction] = []
    if release.kind == "shot":
        out.append(SpottedAction(released, "shot", release.confidence))
        if crossing is not None and crossing.goal_mouth:
            out.append(SpottedAction(released, "goal", release.confidence * crossing.confidence))
        elif crossing is None and b is not None and b.keeper and b.team != a.team:
            out.append(SpottedAction(_arrived(b, step), "save", release.confidence * ramp(b.seconds, *SETTLED_S)))
        elif b is not None and _kick_off(b) and b.first.frame - a.last.frame > 1.5 * fps:
            out.append(SpottedAction(released, "goal", release.confidence * 0.7))
    elif release.kind == "clearance":
        out.append(SpottedAction(released, "clearance", release.confidence))
    if crossing is not None and not crossing.goal_mouth:
        out.append(SpottedAction(int(round(crossing.frame)), "ball_out_of_play", crossing.confidence))
    if b is None or crossing is not None or release.kind == "shot" and b.keeper:
        struck = release.kind == "pass" and release.speed >= STRUCK_M_S
        if struck and (crossing is not None and not crossing.goal_mouth or b is None and len(path) >= 2):
            out.append(SpottedAction(released, "pass", release.confidence * certain * 0.8))  # never received
        return out
    return out + _arrival(a, b, path, release, released, fps, step)


def _arrival(
    a: Spell, b: Spell, path: list, release: Release, released: int, fps: float, step: float
) -> list[SpottedAction]:
    """What the next spell's first touch was: a received pass, an interception or a recovery."""
    if b.team < 0 or a.team < 0 or _same_player(a, b, fps):
        return []
    arrived = _arrived(b, step)
    certain = min(a.team_share, b.team_share)
    settled = ramp(b.seconds, *SETTLED_S)
    travel = float(np.linalg.norm(b.first.ball - a.last.ball))
    if release.kind in ("clearance", "shot"):
        return [SpottedAction(arrived, "recovery", certain * settled * 0.8)]
    if b.team == a.team:
        if travel < PASS_TRAVEL_M:
            return []
        passed = release.confidence * certain * ramp(travel, PASS_TRAVEL_M, 8.0)
        return [
            SpottedAction(released, "pass", passed),
            SpottedAction(arrived, "pass_received", passed * settled),
        ]
    speed = _arrival_speed(a, b, path, fps)
    if speed >= INTERCEPT_SPEED_M_S and travel >= PASS_TRAVEL_M:
        passed = release.confidence * certain * ramp(travel, PASS_TRAVEL_M, 8.0)
        return [
            SpottedAction(released, "pass", passed * 0.8),
            SpottedAction(arrived, "interception", passed * settled * ramp(speed, INTERCEPT_SPEED_M_S - 2, 10)),
        ]
    return [SpottedAction(arrived, "recovery", certain * settled * (1 - ramp(speed, 2, INTERCEPT_SPEED_M_S)))]


def classify_release(a: Spell, path: list, b: Spell | None, attack: dict[int, float], fps: float) -> Release:
    """Shot, clearance or pass, from the ball's speed and heading after the spell's last touch."""
    start = a.last.ball
    following = [(f, p) for f, p in path] + ([(b.first.frame, b.first.ball)] if b else [])
    if not following:
        return Release("pass", 0.0, 0.0)
    heading, speed = flight(start, a.last.frame, following, fps)
    sign = attack.get(a.team, 0.0)
    shot = _shot_confidence(start, heading, speed, sign)
    if shot > 0:
        return Release("shot", shot, speed)
    clearance = _clearance_confidence(start, heading, sign)
    if clearance > 0 and b is not None and _arrival_speed(a, b, path, fps) > SETTLED_M_S:
        clearance = 0.0  # taken on the move: a long pass, not a ball cleared to no one
    if clearance > 0:
        return Release("clearance", clearance, speed)
    return Release("pass", ramp(speed, 3.0, 8.0), speed)


def flight(start: np.ndarray, frame: int, following: list, fps: float) -> tuple[np.ndarray, float]:
    """Where the ball went from `start` in one straight flight, and its top speed on the way (m/s): up to its last
    sample that kept the first leg's heading (a turn, a stop, or a jump no kick makes ends it: a touch, a
    restart). The strike falls between two samples, so the first leg alone reads slow."""
    end, direction, last_frame, top = start, None, frame, 0.0
    for f, p in (item for item in following if item[0] - frame <= MAX_FLIGHT_S * fps):
        step = p - end
        length = float(np.linalg.norm(step))
        speed = length / max((f - last_frame) / fps, 1e-6)
        if speed > MAX_BALL_M_S:
            break
        if length < 0.3:
            if direction is not None:
                break  # it stopped
            continue
        if direction is not None and float(np.dot(step, direction)) / length < 0.8:
            break
        direction = step / length if direction is None else direction
        end, last_frame, top = p, f, max(top, speed)
        if top and speed < top / 3:
            break  # it was stopped (a touch) and rolls on with the player
    return end - start, top


def _shot_confidence(start: np.ndarray, heading: np.ndarray, speed: float, sign: float) -> float:
    """Fast, from within range, and on a line that crosses the attacked goal line near the posts."""
    if sign == 0 or heading[0] * sign <= 0:
        return 0.0
    goal_x = LENGTH_M if sign > 0 else 0.0
    distance = float(np.hypot(goal_x - start[0], WIDTH_M / 2 - start[1]))
    if distance > SHOT_RANGE_M or speed < SHOT_SPEED_M_S:
        return 0.0
    at_line = start[1] + heading[1] * (goal_x - start[0]) / heading[0]
    aim = abs(at_line - WIDTH_M / 2)
    return ramp(speed, SHOT_SPEED_M_S, 17.0) * (1 - ramp(aim, POST_M + 2, POST_M + 8)) * ramp(45 - distance, 0, 12)


def _clearance_confidence(start: np.ndarray, heading: np.ndarray, sign: float) -> float:
    """Long and away from the team's own goal, from its defensive third."""
    if sign == 0:
        return 0.0
    own_x = 0.0 if sign > 0 else LENGTH_M
    forward = float(heading[0] * sign)
    if abs(start[0] - own_x) > CLEAR_ZONE_M or forward < CLEAR_TRAVEL_M:
        return 0.0
    return ramp(forward, CLEAR_TRAVEL_M, CLEAR_TRAVEL_M + 10) * ramp(CLEAR_ZONE_M + 5 - abs(start[0] - own_x), 0, 10)


def find_crossings(snaps: list[Snapshot], fps: float) -> list[Crossing]:
    """Each time the ball goes over a touchline or goal line (once, until it is well back in)."""
    crossings: list[Crossing] = []
    armed, last = True, None
    for snap in snaps:
        ball = snap.ball
        if ball is None:
            continue
        if last is not None and armed and _outside(ball, OUT_M) and not _outside(last[1], 0.0):
            crossings.append(_crossing(last, (snap.frame, ball), snap.ball_confidence))
            armed = False
        elif not armed and _inside_by(ball, BACK_IN_M):
            armed = True
        last = (snap.frame, ball)
    return crossings


def _crossing(inside: tuple, outside: tuple, seen: float) -> Crossing:
    (f0, p0), (f1, p1) = inside, outside
    over = [(p1[1] < 0, 1, 0.0), (p1[1] > WIDTH_M, 1, WIDTH_M), (p1[0] < 0, 0, 0.0), (p1[0] > LENGTH_M, 0, LENGTH_M)]
    _, axis, line = next(o for o in over if o[0])
    u = float(np.clip((line - p0[axis]) / (p1[axis] - p0[axis]), 0, 1)) if p1[axis] != p0[axis] else 1.0
    point = p0 + (p1 - p0) * u
    mouth = axis == 0 and abs(point[1] - WIDTH_M / 2) <= POST_M
    beyond = max(-p1[1], p1[1] - WIDTH_M, -p1[0], p1[0] - LENGTH_M)
    confidence = ramp(beyond, OUT_M, 2.5) * (0.6 + 0.4 * ramp(seen, 0.1, 0.5)) * ramp(8 - (f1 - f0) / 25 * 4, 0, 4)
    return Crossing(f0 + (f1 - f0) * u, point, mouth, confidence)


def _outside(p: np.ndarray, margin: float) -> bool:
    return bool(p[0] < -margin or p[0] > LENGTH_M + margin or p[1] < -margin or p[1] > WIDTH_M + margin)


def _inside_by(p: np.ndarray, margin: float) -> bool:
    return bool(margin < p[0] < LENGTH_M - margin and margin < p[1] < WIDTH_M - margin)


def _same_player(a: Spell, b: Spell, fps: float) -> bool:
    """Two spells of one player (possession was lost from view for a moment, not passed)."""
    if a.team != b.team:
        return False
    gap = (b.first.frame - a.last.frame) / fps
    return bool(np.linalg.norm(a.last.player - b.first.player) <= 2.0 + 8.0 * gap) and bool(
        np.linalg.norm(b.first.ball - a.last.ball) < PASS_TRAVEL_M
    )


def _arrived(b: Spell, step: float) -> int:
    """The reception lies between the sample before the first touch and the touch itself."""
    return int(round(b.first.frame - step / 2))


def _arrival_speed(a: Spell, b: Spell, path: list, fps: float) -> float:
    """The ball's speed (m/s) as it came to `b`: the faster of its last two legs (the last may already be the
    first touch slowing it)."""
    points = [(a.last.frame, a.last.ball), *path, (b.first.frame, b.first.ball)][-3:]
    legs = [
        float(np.linalg.norm(p1 - p0)) / max(f1 - f0, 1) * fps
        for (f0, p0), (f1, p1) in zip(points, points[1:], strict=False)
    ]
    return max(legs)


def _kick_off(b: Spell) -> bool:
    """Play restarting on the centre spot."""
    return bool(np.linalg.norm(b.first.ball - np.array([LENGTH_M / 2, WIDTH_M / 2])) < 2.5)
