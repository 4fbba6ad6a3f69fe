"""Who has the ball, sample by sample: the nearest outfield player or goalkeeper within reach, as spells.

A spell is one player keeping the ball over consecutive processed frames: the same team, and a position that
moves no faster than a sprinting player between two samples. A touch seen on one sample only is a ball passing
by, not possession. The ball unseen for a sample or two (behind a player) does not end a spell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scoreminer.contract.score_vision import GOALKEEPER, PLAYER
from scoreminer.inference.actions.pitch import LENGTH_M, Snapshot

REACH_M = 2.2  # the ball within this of a player's feet is theirs (a dribbler pushes it a metre or so ahead)
CARRIED_M_S = 8.0  # a ball under control moves no faster than its player runs; a pass flies past faster
SPRINT_M_S = 9.0  # a player moves no faster between two samples
SLACK_M = 2.0  # plus this for the fit's error
# Thresholds are in seconds, never in samples, so every stride sees the same football. A spell ends after
# 0.72 s with the ball unseen, or 0.48 s with it seen away from everyone (the ball seen loose weighs 1.5×).
UNSEEN_COST, FREE_COST, AWAY_LIMIT_S = 1.0, 1.5, 0.72
MIN_SPELL_S = 0.48  # shorter contacts are the ball passing a player by, not possession


@dataclass(frozen=True)
class Touch:
    """One sample where a player has the ball."""

    frame: int
    team: int
    player: np.ndarray  # feet, metres
    ball: np.ndarray
    keeper: bool


@dataclass
class Spell:
    """One player on the ball over consecutive samples."""

    touches: list[Touch] = field(default_factory=list)
    step_s: float = 0.04  # seconds between the samples it was built from

    @property
    def seconds(self) -> float:
        """How long the spell lasted, each sample standing for one step of time."""
        return len(self.touches) * self.step_s

    @property
    def first(self) -> Touch:
        return self.touches[0]

    @property
    def last(self) -> Touch:
        return self.touches[-1]

    @property
    def team(self) -> int:
        """The team most touches say (-1 when none knows)."""
        known = [t.team for t in self.touches if t.team >= 0]
        return int(np.bincount(known).argmax()) if known else -1

    @property
    def team_share(self) -> float:
        """How sure the team is: the share of touches that name it."""
        team = self.team
        return sum(t.team == team for t in self.touches) / len(self.touches) if team >= 0 else 0.0

    @property
    def keeper(self) -> bool:
        return sum(t.keeper for t in self.touches) * 2 > len(self.touches)


def keeper_teams(snaps: list[Snapshot], attack: dict[int, float]) -> tuple[int, int]:
    """The team of the keeper at the left goal and at the right one (-1, -1 when directions are unknown)."""
    left = next((team for team, sign in attack.items() if sign > 0), -1)  # attacks right, so defends the left goal
    right = next((team for team, sign in attack.items() if sign < 0), -1)
    return left, right


def ball_speeds(snaps: list[Snapshot], fps: float) -> list[float]:
    """Per sample, the slower of the ball's speeds from the previous and to the next sample it is seen on (m/s):
    slow on either side means a player may have it (a reception, a release); fast on both, it flies past."""
    seen = [i for i, s in enumerate(snaps) if s.ball is not None]
    speeds = [np.inf] * len(snaps)
    for k, i in enumerate(seen):
        legs = []
        for j in seen[max(k - 1, 0) : k] + seen[k + 1 : k + 2]:
            a, b = snaps[i].ball, snaps[j].ball
            assert a is not None and b is not None  # `seen` holds only samples with a ball
            legs.append(float(np.linalg.norm(b - a)) / max(abs(snaps[j].frame - snaps[i].frame), 1) * fps)
        speeds[i] = min(legs) if legs else 0.0
    return speeds


def owner(snap: Snapshot, keepers: tuple[int, int], speed: float = 0.0) -> Touch | None:
    """The touch at this sample: the nearest outfield player or keeper within reach of a ball slow enough to be
    under control, if any."""
    if snap.ball is None or not len(snap.players) or speed > CARRIED_M_S:
        return None
    can = (snap.classes == PLAYER) | (snap.classes == GOALKEEPER)
    distance = np.where(can, np.linalg.norm(snap.players - snap.ball, axis=1), np.inf)
    nearest = int(np.argmin(distance))
    if distance[nearest] > REACH_M:
        return None
    keeper = bool(snap.classes[nearest] == GOALKEEPER)
    team = int(snap.teams[nearest])
    if keeper:
        team = keepers[0] if snap.players[nearest][0] < LENGTH_M / 2 else keepers[1]
    return Touch(snap.frame, team, snap.players[nearest], snap.ball, keeper)


def spells(snaps: list[Snapshot], keepers: tuple[int, int], fps: float, min_s: float = MIN_SPELL_S) -> list[Spell]:
    """Possession spells in frame order (spells shorter than `min_s` seconds are dropped)."""
    out: list[Spell] = []
    current: Spell | None = None
    away = 0.0
    step_s = sample_step(snaps) / fps
    for snap, speed in zip(snaps, ball_speeds(snaps, fps), strict=True):
        touch = owner(snap, keepers, speed)
        if touch is None:
            away += (UNSEEN_COST if snap.ball is None else FREE_COST) * step_s
            if current is not None and away >= AWAY_LIMIT_S - 1e-9:
                out.append(current)
                current = None
            continue
        away = 0.0
        if current is not None and _same_player(current.last, touch, fps):
            current.touches.append(touch)
            continue
        if current is not None:
            out.append(current)
        current = Spell([touch], step_s)
    if current is not None:
        out.append(current)
    return [s for s in out if s.seconds >= min_s - 1e-9]


def sample_step(snaps: list[Snapshot]) -> float:
    """Frames between processed samples (the stride), from the snapshots themselves."""
    if len(snaps) < 2:
        return 1.0
    return float(np.median(np.diff([s.frame for s in snaps])))


def _same_player(a: Touch, b: Touch, fps: float) -> bool:
    if a.team >= 0 and b.team >= 0 and a.team != b.team:
        return False
    reach = SLACK_M + SPRINT_M_S * (b.frame - a.frame) / fps
    return bool(np.linalg.norm(a.player - b.player) <= reach)
