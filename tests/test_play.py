"""The demo plays football: its scripted events happen in the picture at the frames its truth names."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from scoreminer.contract.score_vision import GOALKEEPER, PLAYER
from scoreminer.contract.turbovision import ACTIONS
from scoreminer.demo.play import FPS, POST_CM, PlayedMatch
from scoreminer.demo.render import render_clip, write_truth
from scoreminer.pitch import LENGTH, WIDTH

SEEDS = range(300, 312)


@pytest.fixture(scope="module")
def matches() -> list[PlayedMatch]:
    return [PlayedMatch(seed, 30.0) for seed in SEEDS]


def nearest(match: PlayedMatch, frame: int) -> tuple[int, float]:
    """The actor nearest the ball at `frame` (index into match.actors) and its distance in cm."""
    positions = match.positions(frame / FPS)
    distance = np.linalg.norm(positions[1:] - positions[0], axis=1)
    index = int(np.argmin(distance)) + 1
    return index, float(distance[index - 1])


def ball(match: PlayedMatch, frame: int) -> np.ndarray:
    return match.ball(frame / FPS)


def test_play_is_deterministic_and_every_action_is_a_scored_one(matches):
    again = PlayedMatch(SEEDS[0], 30.0)
    assert again.actions == matches[0].actions and np.array_equal(again.ball_track, matches[0].ball_track)
    names = Counter(a.action for m in matches for a in m.actions)
    assert set(names) <= set(ACTIONS)
    # Over a dozen 30 s matches every kind of event the script plays shows up.
    assert {"pass", "pass_received", "interception", "shot", "ball_out_of_play"} <= set(names)
    assert names["goal"] + names["save"] >= 1
    assert all(0 <= a.frame < 750 for m in matches for a in m.actions)


def test_a_received_pass_is_at_a_teammates_feet_and_an_interception_at_an_opponents(matches):
    checked = Counter()
    for match in matches:
        actions = match.actions
        for i, action in enumerate(actions):
            if action.action not in ("pass_received", "interception"):
                continue
            passer_frame = max(a.frame for a in actions[:i] if a.action == "pass")
            passer, _ = nearest(match, passer_frame)
            taker, distance = nearest(match, action.frame)
            assert distance < 250, (match.actors[0], action)  # the ball is at the taker's feet
            same = match.actors[taker].team == match.actors[passer].team
            assert same == (action.action == "pass_received"), action
            assert taker != passer
            checked[action.action] += 1
    assert checked["pass_received"] > 30 and checked["interception"] > 3


def test_the_ball_leaves_at_a_pass_and_travels(matches):
    for match in matches:
        for action in (a for a in match.actions if a.action == "pass"):
            holder, distance = nearest(match, action.frame)
            assert match.actors[holder].class_id in (PLAYER, GOALKEEPER) and distance < 250
            assert np.linalg.norm(ball(match, action.frame + 12) - ball(match, action.frame)) > 300


def test_ball_out_of_play_is_stamped_where_it_crosses_a_line(matches):
    seen = 0
    for match in matches:
        for action in (a for a in match.actions if a.action == "ball_out_of_play"):
            x, y = ball(match, action.frame)
            on_line = min(abs(y), abs(y - WIDTH), abs(x), abs(x - LENGTH))
            assert on_line < 80, (x, y)  # within a frame's travel of the line
            assert not (abs(x) < 80 or abs(x - LENGTH) < 80) or abs(y - WIDTH / 2) > POST_CM
            seen += 1
    assert seen >= 5


def test_a_shot_flies_at_the_goal_and_a_goal_crosses_between_the_posts_with_its_shot(matches):
    goals = 0
    for match in matches:
        frames = {a.frame for a in match.actions if a.action == "shot"}
        for action in (a for a in match.actions if a.action == "shot"):
            start, later = ball(match, action.frame), ball(match, action.frame + 10)
            goal_x = LENGTH if later[0] > start[0] else 0.0
            assert abs(goal_x - start[0]) < 3600 and np.linalg.norm(later - start) > 500  # near the goal, and fast
        for action in (a for a in match.actions if a.action == "goal"):
            assert action.frame in frames  # a goal is stamped with its shot
            path = [ball(match, action.frame + k) for k in range(0, int(3 * FPS))]
            crossing = next(p for p in path if p[0] < 0 or p[0] > LENGTH)
            assert abs(crossing[1] - WIDTH / 2) < POST_CM
            goals += 1
        for action in (a for a in match.actions if a.action == "save"):
            keeper, distance = nearest(match, action.frame)
            assert match.actors[keeper].class_id == GOALKEEPER and distance < 250
    assert goals >= 1


def test_a_played_clip_writes_its_actions_into_the_truth_file(tmp_path):
    match = PlayedMatch(7, 3.0)
    truth = render_clip(tmp_path / "p.mp4", seed=7, frames=75, width=320, height=180, match=match)
    path = write_truth(tmp_path / "truth.json", truth, actions=match.truth_actions())
    written = json.loads(path.read_text())
    assert written["actions"] == [{"frame": a.frame, "action": a.action} for a in match.actions]
    assert len(written["frames"]) == 75 and written["actions"][0]["action"] == "pass"
