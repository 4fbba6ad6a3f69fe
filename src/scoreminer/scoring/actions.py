"""Turbo Vision's private-track football score, as the central validator computes it.

Source: score-technologies/turbovision `scorevision/validator/central/private_track/scoring.py` and
`scorevision/utils/actions.py` (head ea7412f). Predictions are taken in frame order; each is matched to the
unused truth item of the same action with the highest time decay `1 − (Δt / tolerance)(1 − min_score)`
within the tolerance and earns weight × decay; an unmatched prediction costs its weight; the score is
(earned − penalties) / total truth weight, clipped to [0, 1]. Names the validator does not know are skipped on
both sides; confidence plays no part. Frames are counted at 25 fps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from scoreminer.contract.turbovision import FRAME_RATE


class ActionRule(NamedTuple):
    weight: float
    min_score: float
    tolerance_s: float


RULES: dict[str, ActionRule] = {
    "pass": ActionRule(1.0, 0.0, 1.0),
    "pass_received": ActionRule(1.4, 0.0, 1.0),
    "recovery": ActionRule(1.5, 0.0, 1.5),
    "tackle": ActionRule(2.5, 0.1, 1.5),
    "interception": ActionRule(2.8, 0.5, 2.0),
    "ball_out_of_play": ActionRule(2.9, 0.5, 2.0),
    "clearance": ActionRule(3.1, 0.5, 2.0),
    "take_on": ActionRule(3.2, 0.5, 2.0),
    "substitution": ActionRule(4.2, 0.5, 2.0),
    "block": ActionRule(4.2, 0.5, 2.0),
    "aerial_duel": ActionRule(4.3, 0.5, 2.0),
    "shot": ActionRule(4.7, 0.5, 2.0),
    "save": ActionRule(7.3, 0.5, 2.0),
    "foul": ActionRule(7.7, 0.5, 2.5),
    "goal": ActionRule(10.9, 0.5, 3.0),
}


class Item(NamedTuple):
    """One action at one frame (a prediction or a truth item)."""

    frame: int
    action: str


def decay(delta_s: float, rule: ActionRule) -> float:
    """The share of an action's weight earned `delta_s` away from the truth (0 past the tolerance)."""
    if delta_s > rule.tolerance_s:
        return 0.0
    return 1 - (delta_s / rule.tolerance_s) * (1 - rule.min_score)


@dataclass(frozen=True)
class Match:
    """A prediction and the truth item it took (None: unmatched, it costs its weight)."""

    prediction: Item
    truth: Item | None
    earned: float


@dataclass(frozen=True)
class ActionScore:
    """The score and how it came about: what each prediction earned or cost."""

    score: float
    earned: float
    penalty: float
    truth_weight: float
    matches: list[Match] = field(default_factory=list)
    truth: list[Item] = field(default_factory=list)

    def per_action(self) -> dict[str, dict[str, float | None]]:
        """For each action: predicted, true, matched, precision and recall (matched counts; None where 0/0)."""
        predicted = Counter(m.prediction.action for m in self.matches)
        matched = Counter(m.prediction.action for m in self.matches if m.truth is not None)
        true = Counter(t.action for t in self.truth)
        return {
            name: {
                "predicted": predicted[name],
                "true": true[name],
                "matched": matched[name],
                "precision": round(matched[name] / predicted[name], 4) if predicted[name] else None,
                "recall": round(matched[name] / true[name], 4) if true[name] else None,
            }
            for name in sorted(set(predicted) | set(true))
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "earned": round(self.earned, 4),
            "penalty": round(self.penalty, 4),
            "truth_weight": round(self.truth_weight, 4),
            "per_action": self.per_action(),
        }


def score_actions(predictions: Iterable[Any], truth: Iterable[Any], fps: float = FRAME_RATE) -> ActionScore:
    """The validator's score of `predictions` against `truth` (items, dicts or models with frame and action)."""
    preds = sorted((item(p) for p in predictions), key=lambda p: p.frame)  # stable, as the validator's sort
    known_truth = [t for t in map(item, truth) if t.action in RULES]
    total = sum(RULES[t.action].weight for t in known_truth)
    if total == 0:
        return ActionScore(0.0, 0.0, 0.0, 0.0, [], known_truth)
    used: set[int] = set()
    earned = penalty = 0.0
    matches = []
    for pred in preds:
        rule = RULES.get(pred.action)
        if rule is None:
            continue
        index, best = _best_match(pred, known_truth, used, rule, fps)
        if index is None:
            penalty += rule.weight
            matches.append(Match(pred, None, -rule.weight))
        else:
            used.add(index)
            earned += rule.weight * best
            matches.append(Match(pred, known_truth[index], rule.weight * best))
    score = max(0.0, min(1.0, (earned - penalty) / total))
    return ActionScore(score, earned, penalty, total, matches, known_truth)


def _best_match(
    pred: Item, truth: list[Item], used: set[int], rule: ActionRule, fps: float
) -> tuple[int | None, float]:
    best_index, best = None, 0.0
    for i, candidate in enumerate(truth):
        if i in used or candidate.action != pred.action:
            continue
        delta = abs(pred.frame - candidate.frame) / fps
        if delta <= rule.tolerance_s:
            value = decay(delta, rule)
            if value > best:  # strictly better: the first of equals wins, and a zero decay never matches
                best_index, best = i, value
    return best_index, best


def item(value: Any) -> Item:
    """An Item from a dict (`frame`, `action`, or the ground truth's `type`), a model or a tuple."""
    if isinstance(value, Item):
        return value
    if isinstance(value, Mapping):
        return Item(int(value["frame"]), str(value.get("action") or value.get("type")))
    if isinstance(value, tuple):
        return Item(int(value[0]), str(value[1]))
    return Item(int(value.frame), str(value.action))


def load_actions(path: Path) -> list[Item]:
    """The actions in a file: an answer (`prediction.items`), a truth file (`actions`), or a bare list."""
    import json

    from scoreminer.errors import AnswerFileError

    try:
        data = json.loads(path.read_text())
        if isinstance(data, dict):
            data = (data.get("prediction") or {}).get("items", data.get("actions", data.get("items")))
        if not isinstance(data, list):
            raise ValueError("no list of actions (prediction.items, actions or a list)")
        return [item(entry) for entry in data]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnswerFileError(
            f"{path} holds no actions ({exc})",
            "pass a Turbo Vision answer, a demo truth.json with `actions`, or a list of {frame, action}",
        ) from None
