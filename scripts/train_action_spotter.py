"""Train the learned spotter (ACTION_SPOTTER=learned) and compare it with the rules on held-out windows.

    python scripts/train_action_spotter.py [--work /tmp/actions-eval] [--stride 6]
        [--out src/scoreminer/inference/actions/learned_spotter.json] [--report docs/actions-learned.md]

Reads what `scripts/evaluate_actions.py --work DIR` cached for every clip (the rules' candidates, their
features, the true actions): training clips are the scripted seeds 500-519 and the replayed first-half windows
(r1_*), held-out clips the scripted seeds 600-609 and the replayed second-half windows (r2_*). A candidate is a
positive when a true action of its kind lies within the validator's tolerance. Per action: scikit-learn's
logistic regression on standardised features, then the floor on its probability that earns the validator most
on the training clips at a precision above 0.5 (else the action is not answered). The held-out clips are then
scored with the rules (ACTION_FLOORS as evaluate_actions chose them) and the learned model side by side.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from scoreminer.inference.actions.learned import FEATURES, SHIPPED, ActionModel, SpotterModel, probabilities
from scoreminer.inference.actions.rules import SpottedAction
from scoreminer.inference.actions.spotter import deduplicate
from scoreminer.scoring.actions import RULES, score_actions

sys.path.insert(0, str(Path(__file__).parent))
from evaluate_actions import FLOORS, SPOTTED, evaluate, table  # the sibling script's report helpers

Clip = tuple[list[SpottedAction], np.ndarray, list[dict]]


def load(work: Path, stride: int, prefix: str) -> dict[str, Clip]:
    """The cached clips whose names start with `prefix` (p5…, p6…, r1_…, r2_…)."""
    out = {}
    for path in sorted(work.glob(f"{prefix}*_s{stride}.json")):
        data = json.loads(path.read_text())
        if "features" not in data or "truth" not in data:
            continue
        found = [SpottedAction(**a) for a in data["candidates"]]
        features = np.array(data["features"], float).reshape(len(found), len(FEATURES))
        out[path.name.removesuffix(f"_s{stride}.json")] = (found, features, data["truth"])
    return out


def labels(found: list[SpottedAction], truth: list[dict]) -> np.ndarray:
    """1 where a true action of the candidate's kind lies within the validator's tolerance."""
    out = np.zeros(len(found))
    for i, a in enumerate(found):
        rule = RULES.get(a.action)
        if rule is None:
            continue
        out[i] = any(t["action"] == a.action and abs(t["frame"] - a.frame) / 25 <= rule.tolerance_s for t in truth)
    return out


def fit(clips: dict[str, Clip]) -> SpotterModel:
    """A logistic model per action over the training clips, and its floor."""
    actions = {}
    for action in SPOTTED:
        rows = [(f[i], y) for found, f, truth in clips.values() for i, y in _rows(found, truth, action)]
        if not rows:
            continue
        x = np.array([r[0] for r in rows])
        y = np.array([r[1] for r in rows])
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
        if y.min() == y.max():  # one class only: a constant chance
            rate = float(np.clip(y.mean(), 0.02, 0.98))
            coef, intercept = np.zeros(len(FEATURES)), float(np.log(rate / (1 - rate)))
        else:
            model = LogisticRegression(C=0.5, max_iter=2000, class_weight="balanced").fit((x - mean) / scale, y)
            coef, intercept = model.coef_[0], float(model.intercept_[0])
        actions[action] = ActionModel(
            mean=mean.round(5).tolist(),
            scale=scale.round(5).tolist(),
            coef=np.round(coef, 5).tolist(),
            intercept=round(intercept, 5),
            floor=2.0,
        )
    model = SpotterModel(features=list(FEATURES), actions=actions)
    for action in list(actions):
        actions[action].floor = _best_floor(model, clips, action)
    model.actions = {a: m for a, m in actions.items() if m.floor <= 1.0}
    return model


def _rows(found: list[SpottedAction], truth: list[dict], action: str):
    y = labels(found, truth)
    return [(i, y[i]) for i, a in enumerate(found) if a.action == action]


def answered(model: SpotterModel, clip: Clip, floors: dict[str, float] | None = None) -> list[SpottedAction]:
    """What the learned spotter answers on a cached clip (its own floors unless given)."""
    found, features, _ = clip
    chance = probabilities(model, found, features)
    floors = floors or {a: m.floor for a, m in model.actions.items()}
    kept = [
        SpottedAction(a.frame, a.action, float(p))
        for a, p in zip(found, chance, strict=True)
        if a.action in model.actions and p >= floors.get(a.action, 2.0)
    ]
    return deduplicate(kept)


def _best_floor(model: SpotterModel, clips: dict[str, Clip], action: str) -> float:
    best, best_net = 2.0, 0.0
    for floor in FLOORS:
        predicted = matched = 0
        earned = 0.0
        for clip in clips.values():
            mine = [a for a in answered(model, clip, {action: floor}) if a.action == action]
            scored = score_actions([(a.frame, a.action) for a in mine], clip[2])
            row = scored.per_action().get(action, {})
            predicted += int(row.get("predicted") or 0)
            matched += int(row.get("matched") or 0)
            earned += sum(m.earned for m in scored.matches)
        if predicted and matched / predicted > 0.5 and earned > best_net:
            best, best_net = floor, earned
    return best


def rules_runs(clips: dict[str, Clip]) -> list[tuple[list[SpottedAction], list[dict]]]:
    return [(found, truth) for found, _, truth in clips.values()]


def learned_runs(model: SpotterModel, clips: dict[str, Clip]) -> list[tuple[list[SpottedAction], list[dict]]]:
    # the learned answers are final: every one is answered (floor 0 in `evaluate`)
    return [(answered(model, clip), clip[2]) for clip in clips.values()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/actions-eval"))
    parser.add_argument("--stride", type=int, default=6)
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--report", type=Path, default=None, help="write the Markdown comparison here")
    args = parser.parse_args()
    from scoreminer.settings.model import ACTION_FLOORS

    train = {**load(args.work, args.stride, "p5"), **load(args.work, args.stride, "r1_")}
    held = {"scripted": load(args.work, args.stride, "p6"), "replayed": load(args.work, args.stride, "r2_")}
    if not train or not any(held.values()):
        raise SystemExit(f"no cached clips with features in {args.work}: run scripts/evaluate_actions.py first")
    model = fit(train)
    model.trained_on = {
        "clips": sorted(train),
        "stride": args.stride,
        "positives": int(sum(labels(c[0], c[2]).sum() for c in train.values())),
    }
    args.out.write_text(model.model_dump_json(indent=1) + "\n")
    everything = {a: 0.0 for a in SPOTTED}
    lines = [
        f"Learned spotter trained on {len(train)} clips ({sum(k.startswith('p') for k in train)} scripted, "
        f"{sum(k.startswith('r') for k in train)} replayed first-half windows); floors: "
        + ", ".join(f"{a}={m.floor:.2f}" for a, m in model.actions.items()),
        "",
    ]
    for kind, clips in held.items():
        if not clips:
            continue
        rules_totals, rules_scores = evaluate(rules_runs(clips), dict(ACTION_FLOORS))
        learned_totals, learned_scores = evaluate(learned_runs(model, clips), everything)
        lines += [
            f"### Held-out {kind} ({len(clips)} clips): rules mean {np.mean(rules_scores):.3f}, "
            f"learned mean {np.mean(learned_scores):.3f}",
            "",
            "Per clip (rules / learned): "
            + ", ".join(f"{r:.2f}/{x:.2f}" for r, x in zip(rules_scores, learned_scores, strict=True)),
            "",
            "Rules:",
            "",
            *table(rules_totals, dict(ACTION_FLOORS)),
            "",
            "Learned:",
            "",
            *table(learned_totals, {a: m.floor for a, m in model.actions.items()}),
            "",
        ]
    print("\n".join(lines))
    if args.report:
        args.report.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
