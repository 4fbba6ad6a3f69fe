"""The learned spotter (ACTION_SPOTTER=learned): the rules propose, a small model per action decides.

Each candidate the rules see is described by a few numbers from the evidence around it (the rules' own
confidence, how much of the ball and the pitch the pipeline saw, the ball's speed, the nearest player, where on
the pitch it happened, how crowded the moment is with other candidates); a logistic model per action, trained
on scripted and replayed real windows (`scripts/train_action_spotter.py`), turns them into the chance that the
validator matches the candidate, and the answer keeps what clears each action's floor. Features are in
seconds and metres, never samples, so any stride reads the same. The model is a JSON file of coefficients,
applied with numpy: nothing to install or fetch at serve time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import BaseModel, ValidationError

from scoreminer.contract.turbovision import FRAME_RATE
from scoreminer.errors import ConfigError
from scoreminer.inference.actions.pitch import LENGTH_M, WIDTH_M
from scoreminer.inference.actions.rules import SpottedAction
from scoreminer.inference.actions.spotter import Evidence, candidates_from, deduplicate, evidence
from scoreminer.inference.pipeline import PipelineOutput

SHIPPED = Path(__file__).with_name("learned_spotter.json")
TRAINER = "scripts/train_action_spotter.py"
NEAR_S = 0.5  # evidence is read this far either side of a candidate
CROWD_S = 1.0
FEATURES = (
    "rule_confidence",
    "ball_seen_share",
    "registered_share",
    "ball_top_speed",
    "nearest_player_m",
    "players_seen",
    "goal_distance_m",
    "line_distance_m",
    "candidates_near",
    "clip_edge_s",
)


class ActionModel(BaseModel):
    """One action's logistic model over standardised features, and the floor its probability must clear."""

    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    floor: float


class SpotterModel(BaseModel):
    """The learned spotter's file: the feature names it was trained on and a model per action it answers."""

    features: list[str]
    actions: dict[str, ActionModel]
    trained_on: dict[str, object] = {}


def load_model(path: Path = SHIPPED) -> SpotterModel:
    """The spotter model at `path` (the shipped one by default), checked against this code's features."""
    try:
        model = SpotterModel.model_validate_json(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"no learned spotter at {path}", f"train one: python {TRAINER}") from None
    except ValidationError as exc:
        raise ConfigError(
            f"{path} is not a spotter model ({exc.error_count()} errors)", f"retrain: python {TRAINER}"
        ) from None
    if tuple(model.features) != FEATURES:
        raise ConfigError(f"{path} was trained on other features", f"retrain it: python {TRAINER}")
    return model


def candidate_features(seen: Evidence, found: list[SpottedAction]) -> np.ndarray:
    """(n, len(FEATURES)): the numbers the model reads for each candidate (frames at 25 fps)."""
    fps = seen.fps
    frames = np.array([s.frame for s in seen.snaps], float)
    processed = np.array(seen.processed, float)
    out = np.zeros((len(found), len(FEATURES)))
    for i, action in enumerate(found):
        at = action.frame * fps / FRAME_RATE  # in the video's own frames
        near = [s for s, f in zip(seen.snaps, frames, strict=True) if abs(f - at) <= NEAR_S * fps]
        balls = [s for s in near if s.ball is not None]
        expected = max(int(np.sum(np.abs(processed - at) <= NEAR_S * fps)), 1)
        speeds = []
        for a, b in zip(balls, balls[1:], strict=False):
            assert a.ball is not None and b.ball is not None  # `balls` holds only snapshots with one
            speeds.append(float(np.linalg.norm(b.ball - a.ball)) / max((b.frame - a.frame) / fps, 1e-6))
        closest = min(balls, key=lambda s: abs(s.frame - at)) if balls else None
        nearest = 20.0
        ball = None
        if closest is not None and closest.ball is not None:
            ball = closest.ball
            if len(closest.players):
                nearest = float(min(np.linalg.norm(closest.players - ball, axis=1).min(), 20.0))
        goal = line = 30.0
        if ball is not None:
            goal = float(min(np.hypot(ball[0] - gx, ball[1] - WIDTH_M / 2) for gx in (0.0, LENGTH_M)))
            line = float(min(abs(ball[0]), abs(LENGTH_M - ball[0]), abs(ball[1]), abs(WIDTH_M - ball[1])))
        out[i] = [
            action.confidence,
            min(len(balls) / expected, 1.0),
            min(len(near) / expected, 1.0),
            min(max(speeds, default=0.0), 40.0),
            nearest,
            float(np.median([len(s.players) for s in near])) if near else 0.0,
            min(goal, 60.0),
            min(line, 30.0),
            sum(abs(o.frame - action.frame) <= CROWD_S * FRAME_RATE for o in found) - 1,
            min(min(at, seen.frames - at) / fps, 3.0),
        ]
    return out


def probabilities(model: SpotterModel, found: list[SpottedAction], features: np.ndarray) -> np.ndarray:
    """The model's chance that each candidate is matched (0 for actions it has no model of)."""
    out = np.zeros(len(found))
    for i, action in enumerate(found):
        m = model.actions.get(action.action)
        if m is None:
            continue
        z = (features[i] - np.array(m.mean)) / np.array(m.scale)
        out[i] = 1.0 / (1.0 + np.exp(-(float(z @ np.array(m.coef)) + m.intercept)))
    return out


class LearnedSpotter:
    """The rules' candidates, kept where the learned model's chance clears the action's floor."""

    def __init__(self, model: SpotterModel | None = None) -> None:
        self.model = model or load_model()

    def spot(self, output: PipelineOutput) -> list[SpottedAction]:
        seen = evidence(output)
        found = candidates_from(seen)
        chance = probabilities(self.model, found, candidate_features(seen, found))
        kept = [
            SpottedAction(a.frame, a.action, round(float(p), 4))
            for a, p in zip(found, chance, strict=True)
            if a.action in self.model.actions and p >= self.model.actions[a.action].floor
        ]
        return deduplicate(kept)
