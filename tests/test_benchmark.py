"""The benchmark: grid parsing, verdicts, and an end-to-end run on a short clip with tiny models."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import write_env
from scoreminer.bench.grid import BenchConfig, build_grid, parse_ints
from scoreminer.bench.result import BenchmarkResult, BenchRow
from scoreminer.cli import app
from scoreminer.compare import Agreement
from scoreminer.errors import ConfigError
from synthetic_video import write_synthetic_clip


def test_parse_ints_sorts_dedupes_and_refuses_bad_items():
    assert parse_ints("3, 1,2,1", "stride") == [1, 2, 3]
    with pytest.raises(ConfigError, match="--stride '1,x'"):
        parse_ints("1,x", "stride")
    with pytest.raises(ConfigError, match="multiples of 32"):
        parse_ints("640,650", "imgsz", 32, 4096, 32)
    with pytest.raises(ConfigError):
        parse_ints("0", "batch")


def test_grid_has_the_reference_row_first_then_every_combination():
    grid = build_grid([1, 2], [1, 8], [640, 1280], None, [False])
    assert grid[0] == BenchConfig(1, 1, 1280, 1280, False, reference=True)
    assert len(grid) == 1 + 2 * 2 * 2
    assert {(c.stride, c.batch, c.imgsz, c.pitch_imgsz) for c in grid[1:]} == {
        (s, b, i, i) for s in (1, 2) for b in (1, 8) for i in (640, 1280)
    }
    assert build_grid([1], [4], [960], [640], [True])[1].pitch_imgsz == 640


def row(config, median, f1, frames_answered=1.0):
    agreement = Agreement(
        {"ball": None, "goalkeeper": None, "player": f1, "referee": None}, None, None, frames_answered
    )
    return BenchRow(config, 750, [median], {"inference": median, "decode_wait": 0.0}, 100.0, None, agreement)


def test_best_row_is_the_fastest_within_budget_and_agreement():
    ref = BenchConfig(1, 1, 1280, 1280, False, reference=True)
    fast_bad, fast_good, slow = (
        BenchConfig(3, 8, 640, 640, False),
        BenchConfig(2, 8, 1280, 1280, False),
        BenchConfig(1, 8, 1280, 1280, False),
    )
    result = BenchmarkResult(
        "v",
        "cpu",
        15.0,
        0.9,
        [
            row(ref, 30, 1.0),
            row(fast_bad, 5, 0.6),
            row(fast_good, 9, 0.95),
            row(slow, 14, 1.0),
            row(BenchConfig(4, 8, 640, 640, False), 3, 1.0, 0.9),
        ],
    )
    assert result.best().config == fast_good
    assert result.as_dict()["env"] == [
        "FRAME_STRIDE=2",
        "BATCH_SIZE=8",
        "PLAYER_IMG_SIZE=1280",
        "PITCH_IMG_SIZE=1280",
        "HALF=false",
        "BACKEND=torch",
    ]


def test_a_row_that_empties_the_keypoints_is_never_recommended():
    ref = BenchConfig(1, 1, 1280, 1280, False, reference=True)
    empties, keeps = BenchConfig(3, 8, 1280, 320, False), BenchConfig(2, 8, 1280, 640, False)
    rows = [row(ref, 30, 1.0), row(empties, 5, 1.0), row(keeps, 9, 1.0)]
    rows = [BenchRow(**{**r.__dict__, "keypoint_estimate": kp}) for r, kp in zip(rows, (0.40, 0.0, 0.39), strict=False)]
    assert BenchmarkResult("v", "cpu", 15.0, 0.9, rows).best().config == keeps


@pytest.mark.slow
def test_benchmark_end_to_end_2x2_grid(tmp_path, tiny_models):
    clip = write_synthetic_clip(tmp_path / "clip.mp4", frames=16, width=320, height=192)
    env = write_env(tmp_path / ".env", {"MODELS_DIR": tiny_models, "DEVICE": "cpu", "IMG_SIZE": 160})
    csv = tmp_path / "rows.csv"
    result = CliRunner().invoke(
        app,
        [
            "--env-file",
            str(env),
            "benchmark",
            str(clip.path),
            "--stride",
            "1,2",
            "--batch",
            "1,4",
            "--repeats",
            "1",
            "--json",
            "--csv",
            str(csv),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["rows"]) == 5 and data["rows"][0]["config"]["reference"] is True
    assert all(r["frames"] == 16 and r["agreement"]["frames_answered"] == 1.0 for r in data["rows"])
    assert data["rows"][0]["speedup"] == 1.0 and all(r["median_s"] > 0 for r in data["rows"])
    assert all(0 <= r["keypoint_estimate"] <= 1 and 0 <= r["boxes_dropped_share"] <= 1 for r in data["rows"])
    assert len(csv.read_text().splitlines()) == 6


@pytest.mark.slow
def test_benchmark_synthetic_with_frames_cut_and_table(tmp_path, tiny_models):
    env = write_env(tmp_path / ".env", {"MODELS_DIR": tiny_models, "DEVICE": "cpu", "IMG_SIZE": 160})
    # a budget no loaded machine misses: the verdict is about the table, not this CPU's speed
    args = ["--env-file", str(env), "bench", "--synthetic", "--frames", "6", "--stride", "2", "--repeats", "1"]
    result = CliRunner().invoke(app, [*args, "--budget", "3600"])
    assert result.exit_code == 0, result.output
    assert "ref 160/160 fp32" in result.stdout and "FRAME_STRIDE=2" in result.stdout


def test_benchmark_without_video_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["benchmark"])
    assert result.exit_code == 1 and "--synthetic" in result.output


def test_backends_are_one_more_grid_dimension_and_unknown_names_are_refused():
    from scoreminer.bench.grid import parse_backends
    from scoreminer.errors import UsageError

    assert parse_backends("torch, openvino,torch") == ["torch", "openvino"]
    with pytest.raises(UsageError, match="tensorflow"):
        parse_backends("torch,tensorflow")
    grid = build_grid([1, 2], [8], [640], [320], [False], ["torch", "onnx"])
    assert [c.label for c in grid] == [
        "ref 640/320 fp32",
        "s1 b8 640/320 fp32",
        "s2 b8 640/320 fp32",
        "s1 b8 640/320 fp32 onnx",
        "s2 b8 640/320 fp32 onnx",
    ]
    assert "BACKEND=onnx" in grid[3].env_lines() and grid[0].backend == "torch"


def test_preprocessing_is_a_grid_dimension_too():
    from scoreminer.bench.grid import parse_preprocesses
    from scoreminer.errors import UsageError

    assert parse_preprocesses("per-model,shared") == ["per-model", "shared"]
    with pytest.raises(UsageError, match="gpu"):
        parse_preprocesses("gpu")
    grid = build_grid([1], [8], [640], [320], [False], ["torch"], ["per-model", "shared"])
    assert [c.label for c in grid] == ["ref 640/320 fp32", "s1 b8 640/320 fp32 per-model", "s1 b8 640/320 fp32 shared"]
    assert grid[2].env_lines()[-1] == "PREPROCESS=shared"


@pytest.mark.slow
def test_a_bench_row_runs_the_pipeline_process_video_runs(tmp_path, tiny_models):
    """Same settings, same answer: a row varies only its grid dimensions over the factory's wiring (floors,
    line fitting, keypoint mode and the rest come from the settings as for serve and process-video)."""
    from scoreminer.bench.runner import ModelCache
    from scoreminer.inference.factory import Wiring, build_pipeline
    from scoreminer.settings import load_settings

    clip = write_synthetic_clip(tmp_path / "clip.mp4", frames=12, width=320, height=192)
    env = write_env(
        tmp_path / ".env",
        {
            "MODELS_DIR": tiny_models,
            "DEVICE": "cpu",
            "IMG_SIZE": 160,
            "FRAME_STRIDE": 2,
            "BATCH_SIZE": 4,
            "DETECTION_CONFIDENCE": 0.3,
            "BALL_CONFIDENCE": 0.02,
            "LINE_FIT_EVERY": 2,
            "KEYPOINT_CONFIDENCE": 0.1,
        },
    )
    settings = load_settings(env)
    row = BenchConfig(2, 4, 160, 160, False, backend="torch", preprocess=settings.preprocess)
    benched = ModelCache(Wiring.from_settings(settings)).pipeline(row)
    assert benched.config == build_pipeline(settings, warm_shape=None).config
    served = build_pipeline(settings, warm_shape=None).run(clip.path).answers
    assert [a.model_dump() for a in benched.run(clip.path).answers] == [a.model_dump() for a in served]


def test_openvino_rows_name_their_precision_and_are_measured_side_by_side():
    grid = build_grid([2], [8], [640], [320], [False], ["torch", "openvino"], None, ["f32", "bf16"])
    labels = [row.label for row in grid]
    assert labels == [
        "ref 640/320 fp32",
        "s2 b8 640/320 fp32",
        "s2 b8 640/320 fp32 openvino f32",
        "s2 b8 640/320 fp32 openvino bf16",
    ]
    assert "OPENVINO_PRECISION=bf16" in grid[3].env_lines() and not any("OPENVINO" in x for x in grid[1].env_lines())
