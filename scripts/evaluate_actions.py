"""Measure action spotting on played demo matches and choose each action's confidence floor.

    python scripts/evaluate_actions.py [--train-seeds 500-519] [--held-out-seeds 600-609] [--stride N]
        [--replayed-train 1:60,1:210,...] [--replayed-held-out 2:60,...] [--work /tmp/actions-eval]
        [--out docs/actions.md] [--set KEY=VALUE ...]

Renders 30 s played matches (scoreminer.demo.play: true actions known), runs the demo models through the
miner's own pipeline at the demo presets for PROTOCOL=turbovision-private (or the given stride), and keeps
every candidate action with its confidence. On the training seeds each action's floor is the one that earns
the validator the most (matched weight × decay minus the weight of every unmatched prediction) while keeping
its precision above 0.5; an action that cannot is switched off. The held-out seeds then give each action's
precision and recall and the validator's score at those floors, beside the same rules fed perfect tracking
(the renderer's truth), which separates what the rules miss from what the models miss. Clips and
candidates are cached in --work.

Replayed windows (`scoreminer.demo.replay`) are 30 s of real play from kloppy's StatsBomb 360 sample match
(Turkey–Italy, Euro 2020): the ball along the real events, players where the freeze frames saw them, the camera
on the broadcast's visible area, the truth the real events. It is the only sample match with 360 frames, so
training windows come from its first half and held-out ones from its second.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from scoreminer.demo.perfect import perfect_output
from scoreminer.demo.play import FPS, PlayedMatch
from scoreminer.demo.presets import demo_models
from scoreminer.demo.render import render_clip
from scoreminer.inference.actions.learned import candidate_features
from scoreminer.inference.actions.rules import SpottedAction
from scoreminer.inference.actions.spotter import RuleSpotter, candidates_from, deduplicate, evidence
from scoreminer.inference.factory import build_pipeline
from scoreminer.scoring.actions import RULES, ActionScore, score_actions
from scoreminer.settings import load_settings

ROOT = Path(__file__).parents[1]
FLOORS = [round(0.05 * k, 2) for k in range(21)]
SPOTTED = ("pass", "pass_received", "recovery", "interception", "ball_out_of_play", "clearance", "shot", "save", "goal")


def seeds(text: str) -> list[int]:
    first, last = (int(v) for v in text.split("-"))
    return list(range(first, last + 1))


def windows(text: str) -> list[tuple[int, float]]:
    """ "1:60,2:210" → [(1, 60.0), (2, 210.0)]: period and start second of each replayed window."""
    return [(int(p), float(s)) for p, s in (item.split(":") for item in text.split(",") if item)]


def real_match():
    """kloppy's StatsBomb sample match with 360 freeze frames, in one static orientation."""
    import kloppy

    from scoreminer.actions.real_play import load_statsbomb

    files = Path(kloppy.__file__).parent / "tests" / "files"
    return load_statsbomb(
        files / "statsbomb_3788741_event.json",
        files / "statsbomb_3788741_lineup.json",
        files / "statsbomb_3788741_360.json",
    )


def replayed(dataset, period: int, start_s: float, frames: int):
    from scoreminer.actions.real_play import real_window
    from scoreminer.demo.replay import ReplayedMatch

    return ReplayedMatch(real_window(dataset, period, start_s, frames / FPS), seed=period * 10_000 + int(start_s))


def candidates(
    seed: int, stride: int, work: Path, pipeline, frames: int, match=None, name: str | None = None
) -> tuple[list[SpottedAction], list, float]:
    """Every candidate action on one played match or replayed window (cached), its true actions, and the
    pipeline's wall time."""
    name = name or f"p{seed}"
    cache = work / f"{name}_s{stride}.json"
    match = match or PlayedMatch(seed, frames / FPS)
    if cache.is_file():
        data = json.loads(cache.read_text())
        return [SpottedAction(**a) for a in data["candidates"]], match.truth_actions(), data["wall_s"]
    clip = work / f"{name}.mp4"
    if not clip.is_file():
        render_clip(clip, seed=seed, frames=frames, match=match)
    started = time.perf_counter()
    output = pipeline.run(clip)
    wall = time.perf_counter() - started
    seen = evidence(output)
    found = candidates_from(seen)
    features = candidate_features(seen, found).round(4).tolist()
    data = {"candidates": [a.__dict__ for a in found], "features": features, "wall_s": wall}
    cache.write_text(json.dumps({**data, "truth": match.truth_actions()}))
    return found, match.truth_actions(), wall


def answered(found: list[SpottedAction], floors: dict[str, float]) -> list[SpottedAction]:
    return deduplicate([a for a in found if a.confidence >= floors.get(a.action, 2.0)])


def net(scored: ActionScore, action: str) -> float:
    """What one action's predictions earned the validator, net of the weight of its unmatched ones."""
    return sum(m.earned for m in scored.matches if m.prediction.action == action)


def choose_floors(runs: list[tuple[list[SpottedAction], list]]) -> dict[str, float]:
    """Per action, the floor with the best net earnings over the runs at a precision above 0.5 (else off)."""
    floors = {}
    for action in SPOTTED:
        best, best_net = 2.0, 0.0
        for floor in FLOORS:
            scored = [score_actions([(a.frame, a.action) for a in answered(f, {action: floor})], t) for f, t in runs]
            rows = [s.per_action().get(action, {}) for s in scored]
            predicted = sum(r.get("predicted") or 0 for r in rows)
            matched = sum(r.get("matched") or 0 for r in rows)
            earned = sum(net(s, action) for s in scored)
            if predicted and matched / predicted > 0.5 and earned > best_net:
                best, best_net = floor, earned
        floors[action] = best
    return floors


def evaluate(runs: list[tuple[list[SpottedAction], list]], floors: dict[str, float]) -> tuple[dict, list[float]]:
    """Per action: answered, true, matched, precision, recall; and each run's validator score."""
    totals: dict[str, dict[str, int]] = {}
    scores = []
    for found, truth in runs:
        scored = score_actions([(a.frame, a.action) for a in answered(found, floors)], truth)
        scores.append(scored.score)
        for action, row in scored.per_action().items():
            total = totals.setdefault(action, {"predicted": 0, "true": 0, "matched": 0})
            for key in total:
                total[key] += int(row[key] or 0)
    return totals, scores


def table(totals: dict, floors: dict[str, float]) -> list[str]:
    lines = [
        "| action | weight | floor | answered | true | matched | precision | recall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for action in sorted(totals, key=lambda a: -RULES[a].weight if a in RULES else 0):
        t = totals[action]
        precision = f"{t['matched'] / t['predicted']:.2f}" if t["predicted"] else "–"
        recall = f"{t['matched'] / t['true']:.2f}" if t["true"] else "–"
        floor = floors.get(action, 2.0)
        shown = "off" if floor > 1 else f"{floor:.2f}"
        weight = RULES[action].weight if action in RULES else 0
        counts = f"{t['predicted']} | {t['true']} | {t['matched']}"
        lines.append(f"| {action} | {weight} | {shown} | {counts} | {precision} | {recall} |")
    return lines


def summary(scores: list[float]) -> str:
    ordered = sorted(scores)
    return (
        f"mean {sum(scores) / len(scores):.3f}, median {ordered[len(ordered) // 2]:.3f}, "
        f"min {ordered[0]:.3f}, max {ordered[-1]:.3f}"
    )


def replay_report(args, floors: dict[str, float], train: list, held: list) -> list[str]:
    """Held-out replayed windows at the scripted floors and at floors chosen on the replayed training windows."""
    own = choose_floors([(f, t) for f, t, _ in train])
    at_scripted, scripted_scores = evaluate([(f, t) for f, t, _ in held], floors)
    at_own, own_scores = evaluate([(f, t) for f, t, _ in held], own)
    every = {a: 0.0 for a in SPOTTED}
    _, every_scores = evaluate([(f, t) for f, t, _ in held], every)
    return [
        "",
        f"## Held-out replayed real windows, stride {args.stride} ({len(held)} windows of {args.frames} frames: "
        f"{args.replayed_held_out}; StatsBomb 3788741, second half)",
        "",
        f"At the floors above (chosen on scripted play): validator score per window {summary(scripted_scores)}.",
        "",
        *table(at_scripted, floors),
        "",
        f"At floors chosen on the {len(train)} first-half windows ({args.replayed_train}): {summary(own_scores)}. "
        f"Every candidate answered: {summary(every_scores)}.",
        "",
        *table(at_own, own),
        "",
        "Replayed floors: " + ",".join(f"{a}={'off' if f > 1 else f}" for a, f in own.items()),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-seeds", default="500-519")
    parser.add_argument("--held-out-seeds", default="600-609")
    parser.add_argument("--stride", type=int, default=None, help="default: the preset's")
    parser.add_argument("--replayed-train", default="1:60,1:210,1:360,1:510,1:660,1:810,1:960,1:1110")
    parser.add_argument("--replayed-held-out", default="2:60,2:210,2:360,2:510,2:660,2:810,2:960,2:1110")
    parser.add_argument("--frames", type=int, default=750)
    parser.add_argument("--work", type=Path, default=Path("/tmp/actions-eval"))
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown report here")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sets = {"PROTOCOL": "turbovision-private", **dict(item.split("=", 1) for item in args.sets)}
    flags = {} if args.stride is None else {"frame_stride": args.stride}
    settings = load_settings(preset=demo_models(), sets=sets, flags=flags, use_env_file=False)
    args.stride = settings.frame_stride
    pipeline = build_pipeline(settings, sightings=True)
    train = [candidates(s, args.stride, args.work, pipeline, args.frames) for s in seeds(args.train_seeds)]
    held = [candidates(s, args.stride, args.work, pipeline, args.frames) for s in seeds(args.held_out_seeds)]
    floors = choose_floors([(f, t) for f, t, _ in train])
    totals, scores = evaluate([(f, t) for f, t, _ in held], floors)
    perfect = []
    for seed in seeds(args.held_out_seeds):
        match = PlayedMatch(seed, args.frames / FPS)
        perfect.append((RuleSpotter().candidates(perfect_output(match, seed, args.stride)), match.truth_actions()))
    perfect_totals, perfect_scores = evaluate(perfect, {a: 0.0 for a in SPOTTED})
    walls = [w for _, _, w in held]
    dataset = real_match() if args.replayed_held_out else None

    def replays(text: str) -> list:
        out = []
        for period, start in windows(text):
            match = replayed(dataset, period, start, args.frames)
            seed, name = period * 10_000 + int(start), f"r{period}_{int(start)}"
            out.append(candidates(seed, args.stride, args.work, pipeline, args.frames, match, name))
        return out

    replay_train = replays(args.replayed_train) if dataset is not None else []
    replay_held = replays(args.replayed_held_out) if dataset is not None else []
    lines = [
        f"## Held-out renders, stride {args.stride} ({len(held)} played matches of {args.frames} frames, seeds "
        f"{args.held_out_seeds}; floors chosen on seeds {args.train_seeds})",
        "",
        f"Validator score per clip: mean {sum(scores) / len(scores):.3f}, "
        f"median {sorted(scores)[len(scores) // 2]:.3f}, min {min(scores):.3f}, max {max(scores):.3f}. "
        "Pipeline wall time per clip (this machine): median "
        f"{sorted(walls)[len(walls) // 2]:.1f} s.",
        "",
        *table(totals, floors),
        "",
        f"The same rules on perfect tracking of the same matches (the renderer's boxes, shirts and homography, every "
        f"candidate answered): mean score {sum(perfect_scores) / len(perfect_scores):.3f}.",
        "",
        *table(perfect_totals, {a: 0.0 for a in SPOTTED}),
        "",
        "Floors (ACTION_FLOORS): " + ",".join(f"{a}={'off' if f > 1 else f}" for a, f in floors.items()),
    ]
    if replay_held:
        lines += replay_report(args, floors, replay_train, replay_held)
    print("\n".join(lines))
    print(json.dumps(floors))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
