"""`scoreminer process-video` on a real clip with stand-in models: answer file, annotated video, summary."""

from __future__ import annotations

import json

import cv2
import pytest
from typer.testing import CliRunner

from conftest import write_env
from scoreminer.cli import app
from scoreminer.contract.score_vision import ChallengeAnswer
from synthetic_video import write_synthetic_clip

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.mark.parametrize("mode", [[], ["--reference"]], ids=["pipelined", "reference"])
def test_process_video_writes_answer_annotation_and_summary(tmp_path, tiny_models, mode):
    clip = write_synthetic_clip(tmp_path / "clip.mp4", frames=15, width=320, height=192)
    env = write_env(tmp_path / ".env", {"MODELS_DIR": tiny_models, "DEVICE": "cpu", "IMG_SIZE": 160})
    args = [
        "--env-file",
        str(env),
        "process-video",
        str(clip.path),
        "--out",
        str(tmp_path / "a.json"),
        "--annotate",
        str(tmp_path / "ann.mp4"),
        "--stride",
        "2",
        "--batch",
        "4",
        "--json",
        *mode,
    ]

    result = runner.invoke(app, args)

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["frames"] == 15 and summary["mode"] == ("reference" if mode else "pipelined")
    estimate = summary["validator_estimate"]
    assert 0 <= estimate["keypoints"] <= 1 and estimate["wall_s"] > 0 and 0 < estimate["speed"] <= 1
    assert set(estimate["boxes_dropped"]) >= {"dropped", "dropped_share", "dropped_by_reason"}
    assert any("CLIP" in note for note in estimate["notes"])
    answer = ChallengeAnswer.model_validate_json((tmp_path / "a.json").read_text())
    assert [f.frame_number for f in answer.frames] == list(range(15)) and answer.challenge_id == "clip"
    annotated = cv2.VideoCapture(str(tmp_path / "ann.mp4"))
    assert int(annotated.get(cv2.CAP_PROP_FRAME_COUNT)) == 15
    annotated.release()


def test_process_video_with_missing_weights_is_one_red_line(tmp_path):
    clip = write_synthetic_clip(tmp_path / "clip.mp4", frames=3, width=160, height=96)
    result = runner.invoke(app, ["--set", f"MODELS_DIR={tmp_path}", "process-video", str(clip.path)])
    assert result.exit_code == 1
    assert "weights file" in result.output and "not found" in result.output and "Traceback" not in result.output


def test_process_video_on_a_text_file_is_a_clear_error(tmp_path, tiny_models):
    fake = tmp_path / "notes.mp4"
    fake.write_text("hello")
    result = runner.invoke(app, ["--set", f"MODELS_DIR={tiny_models}", "process-video", str(fake)])
    assert result.exit_code == 1 and "is not a readable video" in result.output


def test_score_command_scores_a_truth_file_higher_than_a_broken_answer(tmp_path):
    from scoreminer.demo.render import render_clip, write_truth

    truth = render_clip(tmp_path / "m.mp4", seed=3, frames=12)
    truth_file = write_truth(tmp_path / "truth.json", truth)
    broken = json.loads(truth_file.read_text())
    frames = broken["frames"] if isinstance(broken, dict) else broken
    for frame in frames:  # every visible keypoint label rotated by one: consistent labels, wrong places
        points = frame["keypoints"]
        frame["keypoints"] = points[1:] + points[:1]
    (tmp_path / "broken.json").write_text(json.dumps(broken))

    scores = []
    for name in ("truth.json", "broken.json"):
        result = runner.invoke(app, ["score", str(tmp_path / name), "--video", str(tmp_path / "m.mp4"), "--json"])
        assert result.exit_code == 0, result.output
        scores.append(json.loads(result.stdout))
    assert scores[0]["keypoint_parts"]["fit"] > 99 and scores[0]["frames_fitted"] == 12
    assert scores[0]["keypoints"] > scores[1]["keypoints"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"hello": 1}', "has no frames"),
        ("not json", "is not JSON"),
        ('{"frames": [{"frame_number": 0, "keypoints": [[1, 2]], "objects": []}]}', "frames.0.keypoints"),
        ('{"frames": [{"frame_number": 0, "keypoints": [], "objects": [{"id": 1, "bbox": [1, 2]}]}]}', "frames.0"),
    ],
    ids=["no-frames", "not-json", "31-keypoints-short", "bad-box"],
)
def test_score_command_on_a_malformed_answer_is_one_red_line_and_exit_2(tmp_path, content, says):
    clip = write_synthetic_clip(tmp_path / "clip.mp4", frames=3, width=160, height=96)
    (tmp_path / "x.json").write_text(content)
    result = runner.invoke(app, ["score", str(tmp_path / "x.json"), "--video", str(clip.path)])
    assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 3  # one red line (rich may fold a long path)


def test_process_video_spots_actions_writes_the_turbovision_answer_and_scores_it(tmp_path, tiny_models):
    from scoreminer.contract import turbovision as tv

    clip = write_synthetic_clip(tmp_path / "clip.mp4", frames=15, width=320, height=192)
    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps({"actions": [{"frame": 5, "action": "pass"}]}))
    env = write_env(
        tmp_path / ".env",
        {"MODELS_DIR": tiny_models, "DEVICE": "cpu", "IMG_SIZE": 160, "PROTOCOL": "turbovision-private"},
    )
    out = tmp_path / "answer.json"
    args = ["--env-file", str(env), "process-video", str(clip.path), "--out", str(out), "--truth", str(truth), "--json"]
    result = runner.invoke(app, [*args, "--no-score"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert isinstance(summary["actions"], list) and summary["frames"] == 15
    assert summary["action_score"]["truth_weight"] == 1.0 and 0 <= summary["action_score"]["score"] <= 1
    answer = tv.ChallengeResponse.model_validate_json(out.read_text())
    assert answer.challenge_id == "clip" and answer.prediction.type == "soccer_action"
    plain = runner.invoke(app, [*args[:-1], "--no-score", "--no-actions"])
    assert plain.exit_code == 0 and "actions spotted" in plain.output  # --truth asks for them anyway
