"""`scoreminer process-video` on a real clip with stand-in models: answer file, annotated video, summary."""

from __future__ import annotations

import json

import cv2
import pytest
from typer.testing import CliRunner

from conftest import write_env
from scoreminer.cli import app
from scoreminer.network.wire import ChallengeAnswer
from scoreminer.video.synthetic import write_synthetic_clip

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.mark.parametrize("mode", [[], ["--reference"]], ids=["pipelined", "reference"])
def test_process_video_writes_answer_annotation_and_summary(tmp_path, tiny_models, mode):
    clip = write_synthetic_clip(tmp_path / "clip.mp4", frames=15, width=320, height=192)
    env = write_env(tmp_path / ".env", {"MODELS_DIR": tiny_models, "DEVICE": "cpu", "IMG_SIZE": 160})
    args = ["--env-file", str(env), "process-video", str(clip.path), "--out", str(tmp_path / "a.json"),
            "--annotate", str(tmp_path / "ann.mp4"), "--stride", "2", "--batch", "4", "--json", *mode]

    result = runner.invoke(app, args)

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["frames"] == 15 and summary["mode"] == ("reference" if mode else "pipelined")
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
