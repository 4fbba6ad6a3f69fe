"""Scripted football for the demo: possession, passes, interceptions, clearances, shots, saves, goals and balls
out of play, at 25 fps, with the true action list (the private track's action names and conventions).

A seeded script plans the ball frame by frame and who controls it; everyone else keeps the formation of
`Match`, which shifts after the scripted ball. A player the script needs (the holder, a receiver running onto a
pass, a keeper making a save) is steered to where the script wants them and eased back into the shape after.
Action frames follow the validator's definitions: a pass at the kick (intercepted or misplaced ones too), its
reception where a teammate controls it, an interception where an opponent cuts a pass, a recovery where a
loose ball is won, a shot and its goal at the strike, a save where the keeper stops it, ball out of play where
the ball crosses a line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoreminer.contract.score_vision import GOALKEEPER, PLAYER
from scoreminer.demo.scene import Match
from scoreminer.pitch import LENGTH, WIDTH

FPS = 25.0
POST_CM = 366.0  # half the goal's width
REACH_CM = 120.0  # the ball runs this far ahead of the dribbler's feet (a push ahead at running pace)
BLEND_FRAMES = 30  # frames over which a steered player leaves or rejoins the formation
MARGIN_CM = 300.0  # dribblers stay this far inside the lines
PUSH_CM = 1800.0  # how far up the pitch a side in possession pushes its outfield players
SPACE_CM = 300.0  # players the script does not steer keep this far from the ball (this demo has no tackles)


@dataclass(frozen=True)
class TrueAction:
    frame: int
    action: str


class PlayedMatch(Match):
    """A `Match` whose ball is played: `ball(t)` follows the script and `actions` lists what happened."""

    def __init__(self, seed: int, duration_s: float = 30.0, fps: float = FPS) -> None:
        super().__init__(seed)
        self.fps = fps
        self.frames = int(round(duration_s * fps))
        script = _Script(self, np.random.default_rng(seed + 11), self.frames)
        script.play()
        self.ball_track = script.ball
        self.actions = [a for a in sorted(script.actions, key=lambda a: a.frame) if a.frame < self.frames]
        self._weight, self._target = _steering(script.control)
        self._push = _pushes(script.owner)

    def ball(self, t: float) -> np.ndarray:
        f = float(np.clip(t * self.fps, 0, len(self.ball_track) - 1))
        i = int(f)
        j = min(i + 1, len(self.ball_track) - 1)
        return self.ball_track[i] + (self.ball_track[j] - self.ball_track[i]) * (f - i)

    def positions(self, t: float) -> np.ndarray:
        ball = self.ball(t)
        n = int(np.clip(round(t * self.fps), 0, len(self.ball_track) - 1))
        shape = self.formation(t, ball, tuple(self._push[n]))
        w = self._weight[n][:, None]
        steered = np.where(w > 0, shape * (1 - w) + np.nan_to_num(self._target[n]) * w, shape)
        steered[0] = ball
        return _make_space(steered, self._weight[n])

    def truth_actions(self) -> list[dict]:
        """The true actions in the answer's shape (`frame`, `action`)."""
        return [{"frame": a.frame, "action": a.action} for a in self.actions]


def _make_space(positions: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Players nobody steers step back from the ball to SPACE_CM (the ball is first)."""
    out = positions.copy()
    offset = out[1:] - out[0]
    distance = np.linalg.norm(offset, axis=1)
    close = (distance < SPACE_CM) & (weight[1:] == 0)
    direction = np.where(distance[:, None] > 1e-6, offset / np.maximum(distance, 1e-6)[:, None], [0.0, 1.0])
    out[1:][close] = out[0] + direction[close] * SPACE_CM
    return out


def _pushes(owner: np.ndarray) -> np.ndarray:
    """(frames, 2): how far each side's shape is pushed up, eased over a second as possession changes hands."""
    kernel = np.ones(int(FPS)) / FPS
    pushes = np.zeros((len(owner), 2))
    for team in (0, 1):
        has = np.convolve((owner == team).astype(float), kernel, mode="same")
        pushes[:, team] = has * PUSH_CM * _Script.attack(team)
    return pushes


def _steering(control: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame and actor: how strongly the script steers them (0..1, eased) and where to."""
    frames, actors = control.shape[:2]
    held = ~np.isnan(control[:, :, 0])
    weight = np.zeros((frames, actors))
    target = np.full_like(control, np.nan)
    index = np.arange(frames)
    for a in range(actors):
        steps = np.flatnonzero(held[:, a])
        if not len(steps):
            continue
        right = np.searchsorted(steps, index).clip(0, len(steps) - 1)
        left = (right - 1).clip(0, len(steps) - 1)
        nearest = np.where(np.abs(steps[left] - index) <= np.abs(steps[right] - index), steps[left], steps[right])
        distance = np.abs(nearest - index)
        linear = np.clip(1 - distance / BLEND_FRAMES, 0, 1)
        weight[:, a] = linear * linear * (3 - 2 * linear)
        target[:, a] = control[nearest, a]
    return weight, target


class _Script:
    """Plans the ball frame by frame and who controls it; writes the true actions."""

    def __init__(self, match: Match, rng: np.random.Generator, frames: int) -> None:
        self.match, self.rng, self.frames = match, rng, frames
        # Plan a little past the end so the last action's flight is whole.
        self.total = frames + int(6 * FPS)
        self.ball = np.full((self.total + 1, 2), np.nan)
        self.control = np.full((self.total + 1, len(match.actors), 2), np.nan)
        self.owner = np.full(self.total + 1, -1)  # the team on the ball, frame by frame (-1: dead ball)
        self.actions: list[TrueAction] = []
        self.f = 0

    # -- who is who ------------------------------------------------------------------------------

    def team(self, actor: int) -> int:
        return self.match.actors[actor].team

    def outfield(self, team: int) -> list[int]:
        return [i for i, a in enumerate(self.match.actors) if a.class_id == PLAYER and a.team == team]

    def keeper(self, team: int) -> int:
        return next(i for i, a in enumerate(self.match.actors) if a.class_id == GOALKEEPER and a.team == team)

    @staticmethod
    def attack(team: int) -> float:
        """+1 when the team attacks the goal at x = LENGTH (team 0), -1 for the other."""
        return 1.0 if team == 0 else -1.0

    def shape(self, f: int) -> np.ndarray:
        """The formation at frame f around the ball as planned so far."""
        ball = self.ball[min(f, self.total)]
        push = [PUSH_CM * self.attack(team) * (self.owner[f] == team) for team in (0, 1)]
        return self.match.formation(f / FPS, ball, (push[0], push[1]))

    # -- the ball's motion -------------------------------------------------------------------------

    def done(self) -> bool:
        return self.f >= self.frames

    def place(self, actor: int, point: np.ndarray, frames: int) -> None:
        """`actor` stands over the ball at `point` for `frames` (a restart, a keeper holding it)."""
        for f in range(self.f, min(self.f + frames, self.total) + 1):
            self.ball[f] = point
            self.control[f, actor] = point
            self.owner[f] = self.team(actor)
        self.f = min(self.f + frames, self.total)

    def dribble(self, holder: int, frames: int) -> None:
        """The holder runs with the ball at their feet."""
        team = self.team(holder)
        angle = self.rng.uniform(-0.6, 0.6)
        speed = self.rng.uniform(350, 600) / FPS  # cm per frame
        direction = np.array([self.attack(team) * np.cos(angle), np.sin(angle)])
        feet = self.ball[self.f] - direction * REACH_CM
        for f in range(self.f, min(self.f + frames, self.total) + 1):
            low, high = np.array([MARGIN_CM, MARGIN_CM]), np.array([LENGTH - MARGIN_CM, WIDTH - MARGIN_CM])
            nxt = feet + direction * speed
            direction = np.where((nxt < low) | (nxt > high), -direction, direction)
            feet = np.clip(feet + direction * speed, low, high)
            self.control[f, holder] = feet
            self.ball[f] = feet + direction * REACH_CM
            self.owner[f] = team
        self.f = min(self.f + frames, self.total)

    def fly(self, target: np.ndarray, speed_cm_s: float, ease: bool = False) -> int:
        """The ball travels from where it is to `target`; returns the arrival frame (decelerating with `ease`)."""
        start, kicker = self.ball[self.f].copy(), self.owner[self.f]
        frames = max(2, int(round(np.linalg.norm(target - start) / speed_cm_s * FPS)))
        end = min(self.f + frames, self.total)
        for f in range(self.f, end + 1):
            u = (f - self.f) / frames
            self.ball[f] = start + (target - start) * ((1 - (1 - u) ** 2) if ease else u)
            self.owner[f] = kicker
        self.f = end
        return end

    def crossing(self, start: np.ndarray, target: np.ndarray, axis: int, line: float, f0: int, f1: int) -> int:
        """The frame the ball, flying f0 → f1 in a straight line, crosses `line` on `axis`."""
        u = (line - start[axis]) / (target[axis] - start[axis])
        return f0 + int(round(np.clip(u, 0, 1) * (f1 - f0)))

    def say(self, frame: int, *actions: str) -> None:
        self.actions += [TrueAction(int(frame), a) for a in actions]

    # -- the play ------------------------------------------------------------------------------------

    def play(self) -> None:
        holder = self.kick_off(0)
        while not self.done():
            keeper = self.match.actors[holder].class_id == GOALKEEPER
            self.dribble(holder, int(0.4 * FPS) if keeper else int(self.rng.integers(int(1.0 * FPS), int(2.4 * FPS))))
            if self.done():
                break
            holder = self.release(holder)
        last = self.ball[self.f]
        self.ball[self.f :] = last

    def kick_off(self, team: int) -> int:
        centre = np.array([LENGTH / 2, WIDTH / 2])
        self.ball[self.f] = centre
        shape = self.shape(self.f)
        taker = min(self.outfield(team), key=lambda i: np.linalg.norm(shape[i] - centre))
        self.place(taker, centre, int(0.6 * FPS))
        return taker

    def release(self, holder: int) -> int:
        """What the holder does with the ball; returns who holds it next."""
        team, here = self.team(holder), self.ball[self.f].copy()
        goal = np.array([LENGTH if self.attack(team) > 0 else 0.0, WIDTH / 2])
        own_goal_x = 0.0 if self.attack(team) > 0 else LENGTH
        roll = self.rng.uniform()
        if np.linalg.norm(goal - here) < 3500 and self.match.actors[holder].class_id == PLAYER and roll < 0.7:
            return self.shoot(holder, goal)
        if abs(here[0] - own_goal_x) < 3500 and self.match.actors[holder].class_id == PLAYER and roll < 0.6:
            return self.clear(holder)
        return self.pass_ball(holder)

    def pass_ball(self, holder: int) -> int:
        team, start, release = self.team(holder), self.ball[self.f].copy(), self.f
        shape = self.shape(self.f)
        mates = [i for i in self.outfield(team) if i != holder and 800 < np.linalg.norm(shape[i] - start) < 3200]
        if not mates:
            mates = sorted(
                (i for i in self.outfield(team) if i != holder), key=lambda i: np.linalg.norm(shape[i] - start)
            )[:1]
        forward = np.array([self.attack(team) * (shape[i][0] - start[0]) for i in mates])
        odds = np.exp(forward / 900.0)
        receiver = mates[int(self.rng.choice(len(mates), p=odds / odds.sum()))]
        target = shape[receiver].copy()
        self.say(release, "pass")
        roll = self.rng.uniform()
        if roll < 0.08:
            return self.misplace(holder, start, target)
        if roll < 0.24:
            cutter = self.cutter(team, start, target, shape)
            if cutter is not None:
                point = start + (target - start) * self.rng.uniform(0.4, 0.75)
                arrived = self.fly(point, self.rng.uniform(1000, 1500))
                self.control[arrived, cutter] = point
                self.say(arrived, "interception")
                return cutter
        arrived = self.fly(target, self.rng.uniform(1000, 1600))
        self.control[arrived, receiver] = target
        self.say(arrived, "pass_received")
        return receiver

    def cutter(self, team: int, start: np.ndarray, target: np.ndarray, shape: np.ndarray) -> int | None:
        """The opponent nearest the pass's lane, when one is close enough to cut it out."""
        lane = target - start
        best, best_distance = None, 900.0
        for i in self.outfield(1 - team):
            u = np.clip(np.dot(shape[i] - start, lane) / np.dot(lane, lane), 0.3, 0.8)
            distance = float(np.linalg.norm(shape[i] - (start + lane * u)))
            if distance < best_distance:
                best, best_distance = i, distance
        return best

    def misplace(self, holder: int, start: np.ndarray, aim: np.ndarray) -> int:
        """A pass that runs out over the nearer touchline; the other team throws it in."""
        side = 0.0 if start[1] < WIDTH / 2 else WIDTH
        target = np.array([aim[0], -400.0 if side == 0.0 else WIDTH + 400.0])
        release = self.f
        arrived = self.fly(target, self.rng.uniform(1000, 1500))
        crossed = self.crossing(start, target, 1, side, release, arrived)
        self.say(crossed, "ball_out_of_play")
        spot = start + (target - start) * (side - start[1]) / (target[1] - start[1])
        self.place_dead(int(1.2 * FPS))
        return self.restart(1 - self.team(holder), spot, self.outfield(1 - self.team(holder)))

    def clear(self, holder: int) -> int:
        """A long kick away from goal, to no one; whoever reaches the ball first wins it back."""
        team, start, release = self.team(holder), self.ball[self.f].copy(), self.f
        target = np.array(
            [
                np.clip(start[0] + self.attack(team) * self.rng.uniform(3500, 5000), 600, LENGTH - 600),
                self.rng.uniform(1200, WIDTH - 1200),
            ]
        )
        self.say(release, "clearance")
        landed = self.fly(target, self.rng.uniform(1700, 2200), ease=True)
        shape = self.shape(landed)
        runners = self.outfield(0) + self.outfield(1)
        winner = min(runners, key=lambda i: np.linalg.norm(shape[i] - target))
        wait = int(self.rng.uniform(0.3, 0.8) * FPS)
        self.place_dead(wait)
        self.control[self.f, winner] = target
        self.say(self.f, "recovery")
        return winner

    def shoot(self, holder: int, goal: np.ndarray) -> int:
        team, start, release = self.team(holder), self.ball[self.f].copy(), self.f
        on_target = self.rng.uniform() < 0.55  # on target well inside the posts, or clearly wide of them
        offset = self.rng.uniform(0, POST_CM - 40) if on_target else self.rng.uniform(POST_CM + 50, 900)
        aim = np.array([goal[0], goal[1] + offset * self.rng.choice([-1.0, 1.0])])
        self.say(release, "shot")
        keeper = self.keeper(1 - team)
        if on_target and self.rng.uniform() < 0.5:
            point = start + (aim - start) * self.rng.uniform(0.8, 0.92)
            arrived = self.fly(point, self.rng.uniform(1800, 2600))
            self.control[arrived, keeper] = point
            self.say(arrived, "save")
            self.place(keeper, point, int(1.2 * FPS))
            return keeper
        beyond = aim + (aim - start) / np.linalg.norm(aim - start) * 150
        arrived = self.fly(beyond, self.rng.uniform(1800, 2600))
        if on_target:
            self.say(release, "goal")  # a goal is stamped with its shot
            self.place_dead(int(2.5 * FPS))
            return self.kick_off(1 - team)
        self.say(self.crossing(start, beyond, 0, goal[0], release, arrived), "ball_out_of_play")
        self.place_dead(int(1.2 * FPS))
        kick = np.array([550.0 if goal[0] == 0 else LENGTH - 550.0, WIDTH / 2 + self.rng.uniform(-800, 800)])
        return self.restart(1 - team, kick, [keeper])

    def place_dead(self, frames: int) -> None:
        """The ball lies where it stopped (in the net, over a line, on the grass) for `frames`."""
        here = self.ball[self.f].copy()
        for f in range(self.f, min(self.f + frames, self.total) + 1):
            self.ball[f] = here
            self.owner[f] = -1
        self.f = min(self.f + frames, self.total)

    def restart(self, team: int, spot: np.ndarray, takers: list[int]) -> int:
        """Play resumes at `spot` with the nearest of `takers` (a throw-in, a goal kick)."""
        self.f = min(self.f + 1, self.total)
        self.ball[self.f] = spot
        shape = self.shape(self.f)
        taker = min(takers, key=lambda i: np.linalg.norm(shape[i] - spot))
        self.place(taker, spot, int(0.8 * FPS))
        return taker
