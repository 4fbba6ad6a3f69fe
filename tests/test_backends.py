"""Export backends through ultralytics' own export and loader: cache keying, atomicity, fallback, parity."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scoreminer.compare import compare
from scoreminer.demo.presets import PITCH, WEIGHTS, demo_models
from scoreminer.demo.render import render_clip
from scoreminer.inference.factory import build_pipeline
from scoreminer.inference.yolo import export
from scoreminer.inference.yolo.export import choose_backend, load_model, openvino_precision
from scoreminer.inference.yolo.loader import RunOptions
from scoreminer.inference.yolo.standin import build_standin
from scoreminer.settings import load_settings

pytestmark = pytest.mark.slow


def options(imgsz: int = 160, batch: int = 2) -> RunOptions:
    return RunOptions("cpu", False, imgsz, batch, 0.25)


@pytest.fixture
def weights(tmp_path: Path, tiny_models: Path) -> Path:
    copy = tmp_path / "models" / "player.pt"
    copy.parent.mkdir()
    shutil.copy(tiny_models / "football-player-detection.pt", copy)
    return copy


def entries(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_auto_picks_the_backend_for_the_device(monkeypatch):
    monkeypatch.setattr(export, "installed", lambda backend: backend in ("openvino", "tensorrt"))
    assert choose_backend("auto", "cpu") == "openvino" and choose_backend("auto", "cuda:0") == "tensorrt"
    monkeypatch.setattr(export, "installed", lambda backend: False)
    assert choose_backend("auto", "cpu") == "torch" and choose_backend("auto", "cuda:0") == "torch"
    assert choose_backend("onnx", "cpu") == "onnx" and choose_backend("auto", "mps") == "torch"


def test_export_is_cached_and_keyed_by_imgsz_and_weights(tmp_path, weights):
    cache = tmp_path / "cache"
    model, used = load_model(weights, "detect", "onnx", options(), cache)
    assert used == "onnx" and str(model.ckpt_path if hasattr(model, "ckpt_path") else "").find(".pt") == -1
    [first] = entries(cache)
    marker = json.loads((cache / first / "export.json").read_text())
    assert (marker["backend"], marker["imgsz"], marker["batch"], marker["device"]) == ("onnx", 160, 2, "cpu")
    stamp = (cache / first / marker["artifact"]).stat().st_mtime_ns

    load_model(weights, "detect", "onnx", options(), cache)  # same key: reused, not exported again
    assert entries(cache) == [first] and (cache / first / marker["artifact"]).stat().st_mtime_ns == stamp

    load_model(weights, "detect", "onnx", options(imgsz=192), cache)  # another size: a new export
    assert len(entries(cache)) == 2
    build_standin(weights, "detect")  # new random weights under the same name: a new hash, a new export
    load_model(weights, "detect", "onnx", options(), cache)
    assert len(entries(cache)) == 3 and not [name for name in entries(cache) if name.startswith(".")]


def test_a_corrupt_cached_export_is_rebuilt(tmp_path, weights, caplog):
    cache = tmp_path / "cache"
    load_model(weights, "detect", "onnx", options(), cache)
    [entry] = entries(cache)
    artifact = cache / entry / json.loads((cache / entry / "export.json").read_text())["artifact"]
    artifact.write_bytes(b"not an onnx file")
    with caplog.at_level(logging.WARNING):
        _, used = load_model(weights, "detect", "onnx", options(), cache)
    assert used == "onnx" and artifact.stat().st_size > 1000
    assert any("exporting again" in r.getMessage() for r in caplog.records)


def test_a_failed_export_falls_back_to_torch_with_one_warning_and_leaves_no_half_entry(
    tmp_path, weights, monkeypatch, caplog
):
    def broken_export(self, **kwargs):
        (Path(self.ckpt_path).parent / "half-written.onnx").write_bytes(b"\0" * 10)
        raise RuntimeError("exporter crashed")

    monkeypatch.setattr(export.YOLO, "export", broken_export)
    cache = tmp_path / "cache"
    with caplog.at_level(logging.WARNING):
        model, used = load_model(weights, "detect", "onnx", options(), cache)
    assert used == "torch" and model.task == "detect"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "onnx export of player.pt failed" in warnings[0] and "using torch" in warnings[0]
    assert entries(cache) == []  # nothing a later start could mistake for a finished export


def test_a_missing_backend_package_gives_torch_and_a_doctor_warning(tmp_path, weights, monkeypatch, caplog):
    from scoreminer.doctor import host

    monkeypatch.setattr(export, "installed", lambda backend: backend == "torch")
    with caplog.at_level(logging.WARNING):
        _, used = load_model(weights, "detect", "openvino", options(), tmp_path / "cache")
    assert used == "torch" and "pip install 'scoreminer[openvino]'" in caplog.text
    settings = load_settings(flags={"backend": "openvino", "device": "cpu"}, use_env_file=False)
    row = host.check_backend(settings)
    assert row.status == "warn" and "openvino" in row.found and "scoreminer[openvino]" in row.fix


def test_build_pipeline_applies_torch_threads_and_reports_the_backend(tmp_path, tiny_models):
    import torch

    settings = load_settings(
        flags={
            "models_dir": tiny_models,
            "device": "cpu",
            "img_size": 160,
            "torch_threads": 1,
            "backend": "onnx",
            "export_cache_dir": tmp_path / "cache",
        },
        use_env_file=False,
    )
    pipeline = build_pipeline(settings, warm_shape=(144, 256))
    assert pipeline.backend == "onnx" and pipeline.device == "cpu" and torch.get_num_threads() == 1
    torch.set_num_threads(2)


@pytest.mark.parametrize("backend", ["onnx", "openvino"])
def test_exported_answers_match_torch_on_the_demo_clip(tmp_path, backend):
    # Both run f32 (OPENVINO_PRECISION's default pins it even where the CPU has AVX-512 BF16 or AMX, which
    # OpenVINO would otherwise use): the same answer as torch on any x86-64 CPU.
    truth_clip = tmp_path / "clip.mp4"
    render_clip(truth_clip, seed=305, frames=16)
    answers = {}
    for name in ("torch", backend):
        settings = load_settings(
            preset=demo_models(),
            flags={"device": "cpu", "backend": name, "keypoint_mode": "raw", "export_cache_dir": tmp_path / "cache"},
            use_env_file=False,
        )
        pipeline = build_pipeline(settings)
        assert pipeline.backend == name
        answers[name] = pipeline.run(truth_clip).answers
    reference = [a.model_dump(mode="json") for a in answers["torch"]]
    agreement = compare(answers[backend], reference)
    people = [agreement.f1[name] for name in ("player", "goalkeeper", "referee") if agreement.f1[name] is not None]
    assert people and min(people) >= 0.99
    assert agreement.f1["ball"] is None or agreement.f1["ball"] >= 0.99
    assert agreement.keypoint_recall >= 0.99 and agreement.keypoint_error_px <= 0.5


def test_openvino_runs_the_precision_it_is_told(tmp_path):
    # ultralytics compiles with no hint, so OpenVINO picks bf16 on AVX-512 BF16 / AMX CPUs; f32 must hold anywhere.
    options = RunOptions("cpu", False, 160, 1, 0.25, precision="f32")
    model, used = load_model(WEIGHTS / PITCH, "pose", "openvino", options, tmp_path / "cache")
    assert used == "openvino" and openvino_precision(model) == "f32"
    # the pinned compile survives ultralytics recompiling for a new input shape
    model.predict(np.zeros((90, 160, 3), np.uint8), imgsz=160, verbose=False)
    assert openvino_precision(model) == "f32"


def test_keeping_freed_memory_stops_page_faults_per_batch():
    script = (
        "import sys, numpy as np\n"
        "from scoreminer.inference.allocator import keep_freed_memory, minor_faults\n"
        "ok = keep_freed_memory() if sys.argv[1] == 'keep' else True\n"
        "a = np.ones(200_000_000 // 8); del a\n"
        "before = minor_faults()\n"
        "for _ in range(5):\n"
        "    a = np.ones(200_000_000 // 8); del a\n"
        "print(ok, (minor_faults() - before) / 5)\n"
    )
    runs = {
        mode: subprocess.run(
            [sys.executable, "-c", script, mode], capture_output=True, text=True, check=True
        ).stdout.split()
        for mode in ("default", "keep")
    }
    assert runs["keep"][0] == "True"
    assert float(runs["keep"][1]) < 10 < float(runs["default"][1])


def test_check_env_names_backend_and_precision_and_warns_where_the_spot_check_would_differ():
    from scoreminer.doctor import host

    def row(**flags):
        return host.check_backend(load_settings(flags=flags, use_env_file=False))

    pinned = row(protocol="turbovision-private", device="cpu", backend="openvino")
    assert pinned.status == "ok" and "openvino (f32) on cpu" in pinned.found
    # DEVICE=auto on a CPU box: the spot check's GPU machine would pick CUDA and another runtime
    moved = row(protocol="turbovision-private", device="auto", backend="auto")
    if moved.found.endswith("cuda:0"):  # a GPU here: the spot check runs what this machine runs
        pytest.skip("this machine has a GPU")
    assert moved.status == "warn" and "the spot check (1 GPU) would run cuda:0" in moved.found
    assert "pin DEVICE and BACKEND" in moved.fix
    bf16 = row(protocol="turbovision-private", device="cpu", backend="openvino", openvino_precision="bf16")
    assert bf16.status == "warn" and "openvino (bf16)" in bf16.found
    assert row(protocol="score-vision", device="cpu", backend="openvino", openvino_precision="bf16").status == "ok"


@pytest.fixture(scope="module")
def played_answers(tmp_path_factory):
    """A played render answered under the private track's demo preset by each CPU backend (torch twice)."""
    from scoreminer.demo.play import FPS, PlayedMatch
    from scoreminer.inference.actions.choice import make_spotter
    from scoreminer.inference.process import process_video
    from scoreminer.scoring.actions import score_actions

    folder = tmp_path_factory.mktemp("played")
    match = PlayedMatch(4242, 300 / FPS)
    video = folder / "played.mp4"
    render_clip(video, seed=4242, frames=300, match=match)
    items, scores = {}, {}
    for name in ("torch", "torch-again", "onnx", "openvino"):
        flags = {"device": "cpu", "backend": name.split("-")[0], "export_cache_dir": folder / "cache"}
        flags |= {"protocol": "turbovision-private", "openvino_precision": "f32"}
        settings = load_settings(preset=demo_models(), flags=flags, use_env_file=False)
        pipeline = build_pipeline(settings, sightings=True)
        spotter = make_spotter(settings.action_spotter, settings.action_floors)
        run = process_video(pipeline, video, spotter=spotter, min_confidence=settings.keypoint_confidence)
        items[name] = [(a.frame, a.action) for a in run.actions or []]
        scores[name] = score_actions(items[name], match.truth_actions()).score
    return items, scores


@pytest.mark.slow
def test_spot_check_safe_the_same_challenge_twice_gives_the_same_items(played_answers):
    items, _ = played_answers
    assert items["torch"] and items["torch"] == items["torch-again"]


@pytest.mark.slow
def test_spot_check_safe_every_cpu_backend_scores_a_played_render_alike(played_answers):
    # A spot check reruns a challenge on the committed image elsewhere; 0.02 apart blacklists the miner.
    _, scores = played_answers
    assert all(abs(scores[name] - scores["torch"]) <= 0.02 for name in ("onnx", "openvino")), scores
