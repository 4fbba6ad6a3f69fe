"""Where everyone is at time t: two teams, two goalkeepers, a referee and a ball, all moving smoothly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoreminer.contract.score_vision import BALL, GOALKEEPER, PLAYER, REFEREE
from scoreminer.pitch import LENGTH, WIDTH

# Outfield formation (fractions of the half, attacking +x for team 0).
FORMATION = [
    (0.3, 0.2),
    (0.3, 0.4),
    (0.3, 0.6),
    (0.3, 0.8),
    (0.6, 0.15),
    (0.6, 0.38),
    (0.6, 0.62),
    (0.6, 0.85),
    (0.9, 0.35),
    (0.9, 0.65),
]


@dataclass(frozen=True)
class Actor:
    """One person or the ball: a stable id, a class, a team (0/1, -1 for neither)."""

    track: int
    class_id: int
    team: int
    base: tuple[float, float]
    phase: tuple[float, float, float, float]


class Match:
    """Deterministic motion from a seed; `positions(t)` gives every actor's (x, y) in cm."""

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.ball_phase = rng.uniform(0, 2 * np.pi, 6)
        self.actors: list[Actor] = [Actor(1, BALL, -1, (0, 0), (0, 0, 0, 0))]
        track = 2
        for team in (0, 1):
            keeper_x = 500.0 if team == 0 else LENGTH - 500.0
            self.actors.append(Actor(track, GOALKEEPER, team, (keeper_x, WIDTH / 2), tuple(rng.uniform(0, 6.28, 4))))
            track += 1
            for fx, fy in FORMATION:
                x = fx * LENGTH / 2 if team == 0 else LENGTH - fx * LENGTH / 2
                self.actors.append(Actor(track, PLAYER, team, (x, fy * WIDTH), tuple(rng.uniform(0, 6.28, 4))))
                track += 1
        self.actors.append(Actor(track, REFEREE, -1, (LENGTH / 2, WIDTH / 2), tuple(rng.uniform(0, 6.28, 4))))

    def ball(self, t: float) -> np.ndarray:
        p = self.ball_phase
        x = LENGTH / 2 + 3600 * np.sin(0.09 * t + p[0]) + 900 * np.sin(0.31 * t + p[1])
        y = WIDTH / 2 + 2000 * np.sin(0.13 * t + p[2]) + 600 * np.sin(0.41 * t + p[3])
        return np.array([x, y])

    def aim(self, t: float) -> np.ndarray | None:
        """Where a broadcast camera looked at `t` when the match knows it (a replay of real play); None: the
        renderer's camera follows the ball."""
        return None

    def positions(self, t: float) -> np.ndarray:
        """(N, 2) positions in actor order; the ball first."""
        return self.formation(t, self.ball(t))

    def formation(self, t: float, ball: np.ndarray, push: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
        """Where everyone stands at `t` when the ball is at `ball`: the shape shifts after it, people wobble.

        `push` moves each team's outfield players along the pitch (cm), as a side with the ball pushes up."""
        shift = np.array([0.45 * (ball[0] - LENGTH / 2), 0.3 * (ball[1] - WIDTH / 2)])
        out = [ball]
        for actor in self.actors[1:]:
            a, b, c, d = actor.phase
            wobble = np.array(
                [
                    350 * np.sin(0.5 * t + a) + 150 * np.sin(1.3 * t + b),
                    300 * np.sin(0.45 * t + c) + 120 * np.sin(1.1 * t + d),
                ]
            )
            if actor.class_id == GOALKEEPER:
                pos = np.array([actor.base[0], WIDTH / 2 + 0.25 * (ball[1] - WIDTH / 2)]) + wobble * 0.3
            elif actor.class_id == REFEREE:
                pos = ball + np.array([-900.0, 700.0]) + wobble
            else:
                pos = np.array(actor.base) + shift + wobble + np.array([push[actor.team], 0.0])
            out.append(np.clip(pos, [100, 100], [LENGTH - 100, WIDTH - 100]))
        return np.array(out)
