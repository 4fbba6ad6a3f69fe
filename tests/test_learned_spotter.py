"""The learned spotter: features from the evidence, the shipped model, the floors it answers at, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from scoreminer.demo.perfect import perfect_output
from scoreminer.demo.play import FPS, PlayedMatch
from scoreminer.errors import ConfigError
from scoreminer.inference.actions.choice import make_spotter
from scoreminer.inference.actions.learned import (
    FEATURES,
    ActionModel,
    LearnedSpotter,
    SpotterModel,
    candidate_features,
    load_model,
    probabilities,
)
from scoreminer.inference.actions.spotter import RuleSpotter, candidates_from, evidence
from scoreminer.scoring.actions import score_actions


@pytest.fixture(scope="module")
def played():
    match = PlayedMatch(611, 500 / FPS)
    return match, perfect_output(match, 611, 6)


def test_features_read_the_evidence_in_seconds_and_metres(played):
    _, output = played
    seen = evidence(output)
    found = candidates_from(seen)
    features = candidate_features(seen, found)
    assert features.shape == (len(found), len(FEATURES)) and len(found) > 5
    column = {name: features[:, i] for i, name in enumerate(FEATURES)}
    assert np.all((column["ball_seen_share"] >= 0) & (column["ball_seen_share"] <= 1))
    assert np.all(column["rule_confidence"] == [a.confidence for a in found])
    # perfect tracking sees the ball and the pitch on every processed frame
    assert np.median(column["registered_share"]) == 1.0 and np.median(column["ball_seen_share"]) >= 0.9
    assert np.all(column["goal_distance_m"] <= 60) and np.all(column["clip_edge_s"] <= 3)


def only(action: str, coef_on_confidence: float, floor: float) -> SpotterModel:
    n = len(FEATURES)
    coef = [coef_on_confidence] + [0.0] * (n - 1)
    model = ActionModel(
        mean=[0.5] + [0.0] * (n - 1), scale=[0.1] + [1.0] * (n - 1), coef=coef, intercept=0.0, floor=floor
    )
    return SpotterModel(features=list(FEATURES), actions={action: model})


def test_a_model_keeps_what_clears_its_floor_and_answers_only_actions_it_knows(played):
    match, output = played
    rules = RuleSpotter().candidates(output)
    spotter = LearnedSpotter(only("pass", 5.0, 0.5))
    answered = spotter.spot(output)
    assert answered and {a.action for a in answered} == {"pass"}
    # chance > 0.5 exactly where the rules' confidence is above the model's mean (0.5)
    assert {a.frame for a in answered} <= {a.frame for a in rules if a.action == "pass" and a.confidence > 0.5}
    assert score_actions([(a.frame, a.action) for a in answered], match.truth_actions()).score > 0


def test_probabilities_follow_the_logistic_model():
    from scoreminer.inference.actions.rules import SpottedAction

    found = [SpottedAction(10, "pass", 0.9), SpottedAction(20, "pass", 0.1), SpottedAction(30, "goal", 1.0)]
    features = np.zeros((3, len(FEATURES)))
    features[:, 0] = [0.9, 0.1, 1.0]
    chance = probabilities(only("pass", 1.0, 0.5), found, features)
    assert chance[0] == pytest.approx(1 / (1 + np.exp(-4.0))) and chance[1] == pytest.approx(1 / (1 + np.exp(4.0)))
    assert chance[2] == 0.0  # no model of goals: never answered


def test_the_shipped_model_loads_and_is_what_action_spotter_learned_runs():
    model = load_model()
    assert tuple(model.features) == FEATURES and model.actions
    assert all(0 <= m.floor <= 1 for m in model.actions.values())
    assert isinstance(make_spotter("learned", {}), LearnedSpotter)


def test_a_bad_model_file_names_the_fix(tmp_path):
    missing = tmp_path / "none.json"
    with pytest.raises(ConfigError, match="no learned spotter") as error:
        load_model(missing)
    assert "train_action_spotter.py" in error.value.fix
    other = tmp_path / "other.json"
    other.write_text(SpotterModel(features=["something_else"], actions={}).model_dump_json())
    with pytest.raises(ConfigError, match="other features"):
        load_model(other)
    broken = tmp_path / "broken.json"
    broken.write_text('{"features": 3}')
    with pytest.raises(ConfigError, match="not a spotter model"):
        load_model(broken)


def test_an_unknown_spotter_is_a_clear_error():
    with pytest.raises(ConfigError, match="ACTION_SPOTTER=magic"):
        make_spotter("magic", {})
