"""The project's keypoint estimate against the official Score Vision validator code, on renders it never saw.

    python scripts/estimate_vs_official.py --official-python /tmp/sv-check/bin/python
        [--official ../shared/validator/score_kp.py] [--seeds 900,901] [--frames 300] [--strides 1,2,3]
        [--work /tmp/estimate-vs-official] [--out docs/scoring.md]

The official code (score-vision at 1791fe1, its keypoint scoring run unchanged by `score_kp.py`) needs its
own interpreter: numpy < 2.3 and OpenCV < 5 (`python3 -m venv /tmp/sv-check && /tmp/sv-check/bin/pip install
'numpy<2.3' 'opencv-python-headless<5'`). For each rendered clip and stride the demo models answer it through
the miner's pipeline at the demo presets; both scorers score that answer file (CLIP taken as passing every
frame, as score_kp.py does); the table shows both, their difference and each term side by side.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

from scoreminer.demo.presets import demo_models
from scoreminer.demo.render import render_clip
from scoreminer.inference.factory import build_pipeline
from scoreminer.inference.summary import challenge_answer
from scoreminer.scoring.estimate import estimate, load_answer, read_evidence
from scoreminer.settings import load_settings

ROOT = Path(__file__).parents[1]
SHARED_SCORER = ROOT.parent / "shared" / "validator" / "score_kp.py"


def answer_file(clip: Path, stride: int, work: Path) -> Path:
    """The demo models' answer to `clip` at `stride` (cached)."""
    out = work / f"{clip.stem}_s{stride}.json"
    if not out.is_file():
        settings = load_settings(preset=demo_models(), flags={"frame_stride": stride}, use_env_file=False)
        output = build_pipeline(settings).run(clip)
        out.write_text(challenge_answer(output, clip.stem).model_dump_json())
    return out


def official(python: str, scorer: Path, answer: Path, clip: Path) -> dict:
    """score_kp.py's JSON for one answer (the official code, in its own interpreter)."""
    done = subprocess.run(
        [python, str(scorer), str(answer), "--video", str(clip)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--official-python", required=True)
    parser.add_argument("--official", type=Path, default=SHARED_SCORER)
    parser.add_argument("--seeds", default="900,901")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--strides", default="1,2,3")
    parser.add_argument("--work", type=Path, default=Path("/tmp/estimate-vs-official"))
    parser.add_argument("--out", type=Path, default=None, help="replace the measured section of this Markdown file")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = [
        "| clip | stride | official | estimate | difference | frames scored (official / ours) | "
        "fit | on-line | inside | stability | players | scale | consistency |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    differences = []
    for seed in (int(s) for s in args.seeds.split(",")):
        clip = args.work / f"seed{seed}.mp4"
        if not clip.is_file():
            render_clip(clip, seed=seed, frames=args.frames)
        evidence = read_evidence(clip)
        for stride in (int(s) for s in args.strides.split(",")):
            answer = answer_file(clip, stride, args.work)
            theirs = official(args.official_python, args.official, answer, clip)
            ours = estimate(load_answer(answer)[0], evidence).keypoints
            c = theirs["components"]
            difference = ours.score - theirs["keypoints_final_score"]
            differences.append(abs(difference))
            pairs = [
                (c["avg_keypoint_score(0-100)"], ours.fit),
                (c["mean_on_line"] * 100, ours.on_line),
                (c["mean_inside"] * 100, ours.inside),
                (c["keypoint_stability"] * 100, ours.stability),
                ((c["player_plausibility"] * 100 + c["player_score(0-100)"]) / 2, ours.players),
                ((c["mean_scale"] + c["scale_valid"]) / 2, ours.scale),
                (c["kpts_stability_weighted_avg"], ours.consistency),
            ]
            terms = " | ".join(f"{a:.2f} / {b:.2f}" for a, b in pairs)
            rows.append(
                f"| seed {seed} | {stride} | {theirs['keypoints_final_score']:.3f} | {ours.score:.3f} | "
                f"{difference:+.3f} | {theirs['frames_to_validate']} / {ours.frames_scored} | {terms} |"
            )
            print(rows[-1], flush=True)
    summary = f"Largest difference {max(differences):.3f} over {len(differences)} answers (terms: official / ours)."
    lines = [*rows, "", summary]
    print("\n".join(lines))
    if args.out:
        text = args.out.read_text()
        block = "<!-- official:start -->\n" + "\n".join(lines) + "\n<!-- official:end -->"
        if "<!-- official:start -->" in text:
            head, rest = text.split("<!-- official:start -->", 1)
            text = head + block + rest.split("<!-- official:end -->", 1)[1]
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
        args.out.write_text(text)


if __name__ == "__main__":
    main()
