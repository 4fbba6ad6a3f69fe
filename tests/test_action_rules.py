"""The action rules, apart from the models: given what a perfect pipeline would see of a played match, they
recover its actions; and the pieces (teams, directions, crossings, floors) on hand-made cases."""

from __future__ import annotations

from statistics import mean

import numpy as np
import pytest

from scoreminer.contract.score_vision import PLAYER, REFEREE
from scoreminer.demo.perfect import perfect_output
from scoreminer.demo.play import PlayedMatch
from scoreminer.inference.actions.pitch import Snapshot
from scoreminer.inference.actions.rules import SpottedAction, find_crossings
from scoreminer.inference.actions.sightings import Sighting
from scoreminer.inference.actions.spotter import RuleSpotter, deduplicate
from scoreminer.inference.actions.teams import attack_directions, fit_teams
from scoreminer.scoring.actions import score_actions

HELD_OUT = (600, 601, 602, 603, 604, 605)  # seeds the rules were never tuned on


@pytest.mark.parametrize("stride", [5, 8])
def test_on_perfect_tracking_the_rules_recover_the_scripted_actions(stride):
    scores, false_goals = [], 0
    for seed in HELD_OUT:
        match = PlayedMatch(seed, 30.0)
        found = deduplicate(RuleSpotter().candidates(perfect_output(match, seed, stride)))
        scored = score_actions([(a.frame, a.action) for a in found], match.truth_actions())
        scores.append(scored.score)
        false_goals += sum(m.truth is None and m.prediction.action == "goal" for m in scored.matches)
    assert mean(scores) >= 0.8, scores
    assert false_goals == 0


def sighting(frame: int, colours: list, classes: list | None = None) -> Sighting:
    n = len(colours)
    return Sighting(
        frame,
        np.zeros((n, 4), np.float32),
        np.array(classes or [PLAYER] * n),
        np.full(n, 0.9, np.float32),
        np.array(colours, np.float32),
        None,
    )


def test_two_kits_make_two_teams_and_a_referee_belongs_to_neither():
    red, blue, black = [120, 190, 170], [90, 150, 70], [20, 128, 128]
    seen = [sighting(f, [red, red, blue, blue, black], [PLAYER] * 4 + [REFEREE]) for f in range(20)]
    model = fit_teams(seen)
    assert model is not None and model.separation > 50
    labels = model.label(np.array([red, blue, black, red], np.float32), np.array([PLAYER, PLAYER, REFEREE, PLAYER]))
    assert labels[0] == labels[3] != labels[1] and labels[2] == -1
    assert fit_teams(seen[:2]) is None  # too few shirts to tell teams apart


def test_the_team_standing_deeper_defends_the_left_goal():
    assert attack_directions({0: [70.0] * 9, 1: [40.0] * 9}) == {1: 1.0, 0: -1.0}
    assert attack_directions({0: [50.0] * 9, 1: [51.0] * 9}) == {}  # too close to tell
    assert attack_directions({0: [50.0] * 2, 1: [80.0] * 9}) == {}  # too few sightings


def snap(frame: int, ball: tuple[float, float] | None) -> Snapshot:
    return Snapshot(
        frame, np.zeros((0, 2)), np.zeros(0, int), np.zeros(0, int), None if ball is None else np.array(ball), 0.5
    )


def test_a_crossing_is_counted_once_until_the_ball_is_well_back_in():
    path = [
        (0, (60, 60)),
        (5, (60, 67)),
        (10, (60, 71.5)),
        (15, (60, 72)),
        (20, (60, 70)),
        (25, (60, 66)),
        (30, (60, 71)),
    ]
    crossings = find_crossings([snap(f, b) for f, b in path], 25.0)
    assert len(crossings) == 2  # out at 10, back in (66 m, 4 m inside) at 25, out again at 30
    first = crossings[0]
    assert 5 < first.frame < 10 and not first.goal_mouth and first.confidence > 0.3


def test_over_the_goal_line_between_the_posts_is_the_goal_mouth():
    crossings = find_crossings([snap(0, (110, 34)), snap(5, (118, 35)), snap(10, (121.5, 36))], 25.0)
    assert len(crossings) == 1 and crossings[0].goal_mouth
    wide = find_crossings([snap(0, (110, 40)), snap(5, (118, 42)), snap(10, (121.5, 43))], 25.0)
    assert len(wide) == 1 and not wide[0].goal_mouth


def test_floors_decide_what_is_answered_and_a_repeat_within_the_window_is_dropped():
    candidates = [
        SpottedAction(100, "pass", 0.9),
        SpottedAction(110, "pass", 0.6),  # the same pass seen twice: the surer one stays
        SpottedAction(300, "goal", 0.7),
        SpottedAction(400, "shot", 0.2),
    ]

    class Fixed(RuleSpotter):
        def candidates(self, output):
            return candidates

    kept = Fixed({"pass": 0.5, "goal": 0.8, "shot": 0.1}).spot(None)
    assert [(a.frame, a.action) for a in kept] == [(100, "pass"), (400, "shot")]
    assert Fixed({"pass": 0.5}).spot(None) == [SpottedAction(100, "pass", 0.9)]  # unlisted: never answered
    assert Fixed({"pass": 2.0}).spot(None) == []  # `off`
