"""Real play in the renderer: a window of a real match (`scoreminer.actions.real_play`) drawn as a `Match`, its
truth the real events, so the spotter is judged on play nobody here scripted.

The ball runs along the events' locations (a pass from its kick to its reception, a carry to its end, a shot
to where it ended). Players stand where the 360 freeze frames put them: each frame's anonymous players are
matched to a team's eleven by the Hungarian method, and a player moves in a straight line between two frames
that saw them (a player no frame saw keeps the formation of `Match`). The camera aims at the middle of the
broadcast's visible area where the 360 data has it, else after the ball.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from scoreminer.actions.real_play import RealWindow
from scoreminer.contract.score_vision import GOALKEEPER, PLAYER
from scoreminer.demo.play import FPS
from scoreminer.demo.scene import Match
from scoreminer.pitch import LENGTH, WIDTH

SPRINT_CM_S = 900.0  # a slot matched to a player further than this runs away from them: it jumps instead
AIM_SMOOTH_S = 1.5  # the camera follows the visible area's centre smoothed over this long


class ReplayedMatch(Match):
    """A `Match` whose ball and players follow a real window; `truth_actions` are its real events."""

    def __init__(self, play: RealWindow, seed: int = 0) -> None:
        super().__init__(seed)
        self.play = play
        self.fps = FPS
        self.frames = int(round(play.duration_s * FPS))
        self._ball_t, self._ball_xy = play.ball[:, 0], play.ball[:, 1:]
        self._slots = _slot_tracks(self, play)
        areas = [(f.time_s, f.visible_area.mean(axis=0)) for f in play.frames if f.visible_area is not None]
        self._aim = (np.array([t for t, _ in areas]), np.array([c for _, c in areas])) if areas else None

    def ball(self, t: float) -> np.ndarray:
        return np.array([np.interp(t, self._ball_t, self._ball_xy[:, k]) for k in (0, 1)])

    def positions(self, t: float) -> np.ndarray:
        ball = self.ball(t)
        out = self.formation(t, ball)
        for actor, (times, points) in self._slots.items():
            if len(times):
                out[actor] = [np.interp(t, times, points[:, k]) for k in (0, 1)]
        out[0] = ball
        return out

    def aim(self, t: float) -> np.ndarray | None:
        """Where the broadcast camera looked (the visible area's centre, smoothed), or None without 360 data."""
        if self._aim is None:
            return None
        times, centres = self._aim
        lags = np.linspace(0, AIM_SMOOTH_S, 7)
        return np.mean([[np.interp(t - lag, times, centres[:, k]) for k in (0, 1)] for lag in lags], axis=0)

    def truth_actions(self) -> list[dict]:
        """The real events of the window in the answer's shape (`frame`, `action`)."""
        return [dict(a) for a in self.play.actions if 0 <= a["frame"] < self.frames]


def _slot_tracks(match: Match, play: RealWindow) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per actor (keepers and outfield players), the times and places freeze frames saw them."""
    seen: dict[int, list[tuple[float, np.ndarray]]] = {}
    for frame in sorted(play.frames, key=lambda f: f.time_s):
        shape = match.formation(frame.time_s, _ball_at(play, frame.time_s))
        for team in (0, 1):
            for keepers in (True, False):
                actors = [
                    i
                    for i, a in enumerate(match.actors)
                    if a.team == team and a.class_id == (GOALKEEPER if keepers else PLAYER)
                ]
                rows = np.flatnonzero((frame.team == team) & (frame.keeper == keepers))
                if not len(rows):
                    continue
                last = np.array([seen[i][-1][1] if i in seen else shape[i] for i in actors])
                cost = np.linalg.norm(last[:, None, :] - frame.xy[rows][None, :, :], axis=2)
                for slot, row in zip(*linear_sum_assignment(cost), strict=True):
                    actor, point = actors[slot], frame.xy[rows[row]]
                    track = seen.setdefault(actor, [])
                    if track and frame.time_s - track[-1][0] < 1 / FPS:
                        track.pop()  # two events at one moment: the later frame stands
                    if track and np.linalg.norm(point - track[-1][1]) > SPRINT_CM_S * (frame.time_s - track[-1][0]):
                        track.append((frame.time_s - 1 / FPS, track[-1][1]))  # too far to run: jump at the last moment
                    track.append((frame.time_s, np.clip(point, 0, (LENGTH, WIDTH))))
    return {
        actor: (np.array([t for t, _ in track]), np.array([p for _, p in track]))
        for actor, track in seen.items()
        if track
    }


def _ball_at(play: RealWindow, t: float) -> np.ndarray:
    return np.array([np.interp(t, play.ball[:, 0], play.ball[:, k]) for k in (1, 2)])
