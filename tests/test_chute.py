"""The open-source track's chute: a built folder passes the validator's checks, each rule fails a folder made to
break it, the served chute answers the three payload shapes, and the manifest and Element metrics."""

from __future__ import annotations

import base64
import json
import shutil
import threading
import time
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
import uvicorn

from scoreminer.chute.build import build_chute
from scoreminer.chute.check import check_chute, sample_from_video
from scoreminer.chute.rules import code_findings, file_findings
from scoreminer.chute.sandbox import run_sandboxed
from scoreminer.chute.serve import create_chute_app, frame_payload
from scoreminer.contract.manifest import read_manifest
from scoreminer.demo.presets import demo_models
from scoreminer.demo.render import render_clip
from scoreminer.errors import ChuteError
from scoreminer.server.download import Downloader
from scoreminer.settings import load_settings

pytestmark = pytest.mark.slow
ELEMENT = read_manifest().element("scoreminer/PlayerDetect_v1")


def demo_settings(cache: Path, size: int = 640):
    return load_settings(
        preset=demo_models(), flags={"player_img_size": size, "export_cache_dir": cache}, use_env_file=False
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The demo detector built into a chute folder at 640 px (fast enough for the line on a 2-core CI box)."""
    root = tmp_path_factory.mktemp("chute")
    build_chute(root / "repo", demo_settings(root / "exports"), ELEMENT)
    return root / "repo"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Ten frames of an unseen render, with their truth."""
    folder = tmp_path_factory.mktemp("render")
    truth = render_clip(folder / "clip.mp4", seed=951, frames=30)
    return sample_from_video(folder / "clip.mp4", 10, truth)


def variant(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "variant"
    shutil.copytree(built, copy)
    return copy


def edit_miner(folder: Path, old: str, new: str) -> None:
    source = (folder / "miner.py").read_text()
    assert old in source
    (folder / "miner.py").write_text(source.replace(old, new, 1))


def test_a_built_folder_passes_chute_check(built: Path, sample, tmp_path: Path) -> None:
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("scoreminer-chute-*"))
    report = check_chute(built, demo_settings(tmp_path / "exports"), ELEMENT, sample, sizes=[640], threads=[2])
    assert set(Path(tempfile.gettempdir()).glob("scoreminer-chute-*")) == before  # the variants' copies are gone
    failed = [r for r in report.rows if r.passed is False]
    assert not failed, failed
    checks = {r.check for r in report.rows}
    assert {"load as the template does", "latency p95", "ONNX on CPU vs torch", "element score"} <= checks
    assert report.element_score is not None and report.element_score["f1"]["player"] > 0.8
    assert len(list(built.iterdir())) == 5 and (built / "chute_config.yml").is_file()


def test_a_folder_over_the_cap_is_refused_at_build(tmp_path: Path) -> None:
    tight = ELEMENT.model_copy(update={"max_model_size_mb": 1})
    with pytest.raises(ChuteError, match="over the 1 MiB"):
        build_chute(tmp_path / "repo", demo_settings(tmp_path / "exports"), tight)


@pytest.mark.parametrize(
    ("name", "size", "reason"),
    [
        ("weights.pt", 10, ".pt files are banned"),
        ("padding.txt", 31 * 2**20, "over 30 MiB"),
        ("x.pkl", 5, "not an allowed"),
    ],
)
def test_file_rules(built: Path, tmp_path: Path, name: str, size: int, reason: str) -> None:
    folder = variant(built, tmp_path)
    assert file_findings(folder) == []
    (folder / name).write_bytes(b"\0" * size)
    assert any(reason in f.why for f in file_findings(folder))


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("import json\n", "import json\nimport socket\n", "imports socket"),
        ("import json\n", "import json\nfrom urllib import request\n", "imports urllib"),
        (
            "        root = Path(path_hf_repo)\n",
            "        root = Path(path_hf_repo)\n        open(root / 'chute.json').close()\n",
            "calls open()",
        ),
        (
            "        root = Path(path_hf_repo)\n",
            "        root = Path(path_hf_repo)\n        eval('1')\n",
            "calls eval()",
        ),
        ("import json\n", "import json\nimport os\nos.system('true')\n", "calls os.system()"),
    ],
)
def test_code_rules(built: Path, tmp_path: Path, old: str, new: str, reason: str) -> None:
    folder = variant(built, tmp_path)
    assert code_findings(folder / "miner.py") == []
    edit_miner(folder, old, new)
    assert [f.why for f in code_findings(folder / "miner.py")] == [reason]


SANDBOX_BREAKS = {
    "a second .py imported": (
        [("import json\n", "import json\nimport helpers\n")],
        "load",
        "outside the standard library and site-packages",
    ),
    "other parameter names": (
        [
            ("def predict_batch(self, batch_images", "def predict_batch(self, images"),
            ("enumerate(batch_images)", "enumerate(images)"),
        ],
        "signature",
        "batch_images",
    ),
    "a socket while predicting": (
        [("        results = []\n", "        __import__('socket').socket()\n        results = []\n")],
        "predict",
        "network access is disabled",
    ),
}


@pytest.mark.parametrize("case", list(SANDBOX_BREAKS))
def test_the_sandbox_refuses(built: Path, sample, tmp_path: Path, case: str) -> None:
    edits, stage, message = SANDBOX_BREAKS[case]
    folder = variant(built, tmp_path)
    (folder / "helpers.py").write_text("VALUE = 1\n")  # importable from the repo folder, were it not refused
    for old, new in edits:
        edit_miner(folder, old, new)
    run = run_sandboxed(folder, [[sample.frames[0]]])
    assert run.stage == stage and message in (run.error or "")


def test_a_slow_miner_fails_the_latency_line(built: Path, sample, tmp_path: Path) -> None:
    folder = variant(built, tmp_path)
    edit_miner(folder, "import json\n", "import json\nimport time\n")
    edit_miner(folder, "        results = []\n", "        time.sleep(0.15)\n        results = []\n")
    report = check_chute(folder, demo_settings(tmp_path / "exports"), ELEMENT, sample, sizes=[640], threads=[2])
    latency = next(r for r in report.rows if r.check == "latency p95")
    assert latency.passed is False and "line 110 ms" in latency.detail
    assert not report.passed


def test_boxes_that_drift_fail_the_consistency_check(built: Path, sample, tmp_path: Path) -> None:
    folder = variant(built, tmp_path)
    edit_miner(
        folder,
        "x1, y1, x2, y2 = (int(round(float(v))) for v in box)",
        "x1, y1, x2, y2 = (int(round(float(v) + 6)) for v in box)",
    )
    report = check_chute(folder, demo_settings(tmp_path / "exports"), ELEMENT, sample, sizes=[640], threads=[2])
    consistency = next(r for r in report.rows if r.check == "ONNX on CPU vs torch")
    assert consistency.passed is False and float(consistency.detail.split()[3].rstrip(",")) < 0.95


def test_p95_is_taken_as_the_validator_takes_it() -> None:
    from scoreminer.chute.sandbox import SandboxRun

    run = SandboxRun(latencies_ms=[10.0] * 9 + [500.0])  # one outlier in ten is free
    assert run.p95_ms() == 10.0
    run.latencies_ms = [10.0] * 8 + [400.0, 500.0]
    assert run.p95_ms() == 400.0


class ChuteServer:
    """The chute app on a real uvicorn on loopback."""

    def __init__(self, folder: Path, port: int) -> None:
        app = create_chute_app(folder, Downloader(64 * 2**20, 30.0))
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self) -> ChuteServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the chute server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def test_chute_serve_answers_the_three_payload_shapes(built: Path, sample, tmp_path: Path, free_port: int) -> None:
    from media_server import MediaServer

    frames = sample.frames[:3]
    clip = tmp_path / "three.mp4"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"mp4v"), 25, frames[0].shape[1::-1])
    for frame in frames:
        writer.write(frame)
    writer.release()
    png = cv2.imencode(".png", frames[0])[1].tobytes()
    with (
        MediaServer({"clip.mp4": clip.read_bytes(), "frame.png": png}) as media,
        ChuteServer(built, free_port) as chute,
    ):
        with httpx.Client(base_url=chute.base, timeout=60) as client:
            health = client.post("/health", json={}).json()
            assert health["status"] == "healthy" and "detector" in health["model_loaded"]
            # 1. frames as base64 PNG, ids as the validator numbers them
            payload = frame_payload(frames, first_id=40)
            payload["meta"]["batch_size"] = 2  # two chunks: the ids must still follow the request
            answer = client.post("/predict", json=payload).json()
            assert answer["success"] and [f["frame_id"] for f in answer["predictions"]["frames"]] == [40, 41, 42]
            assert all(len(f["keypoints"]) == 32 for f in answer["predictions"]["frames"])
            players = [b for b in answer["predictions"]["frames"][0]["boxes"] if b["cls_id"] == 2]
            assert len(players) >= 5
            # 2. a video URL: frame_id = offset + i, across batch chunks
            video = {"url": media.url("/video/clip.mp4"), "meta": {"batch_size": 2, "n_keypoints": 32}}
            answer = client.post("/predict", json=video).json()
            assert answer["success"] and [f["frame_id"] for f in answer["predictions"]["frames"]] == [0, 1, 2]
            # 3. one image as a frame URL
            image = {"frames": [{"frame_id": 0, "url": media.url("/video/frame.png")}], "meta": {"n_frames_total": 1}}
            answer = client.post("/predict", json=image).json()
            assert answer["success"] and len(answer["predictions"]["frames"]) == 1
            # an undecodable frame: the template's envelope, HTTP 200, no crash
            broken = {"frames": [{"frame_id": 0, "data": base64.b64encode(b"not a png").decode()}]}
            response = client.post("/predict", json=broken)
            assert response.status_code == 200 and response.json()["success"] is False
            assert "not a decodable image" in response.json()["error"]


def test_the_miner_pads_keypoints_and_numbers_frames(built: Path, sample) -> None:
    from scoreminer.chute.serve import load_miner

    miner = load_miner(built)
    results = miner.predict_batch(sample.frames[:2], 7, 14)
    assert [r.frame_id for r in results] == [7, 8]
    assert all(r.keypoints == [(0, 0)] * 14 for r in results)  # this Element scores no keypoints
    assert isinstance(np.asarray([b.conf for b in results[0].boxes]), np.ndarray)


def test_manifest_reading_and_errors(tmp_path: Path) -> None:
    from scoreminer.errors import ManifestError

    manifest = read_manifest()
    element = manifest.element(None)
    assert element.id == "scoreminer/PlayerDetect_v1" and element.latency_line_ms == 110
    assert manifest.element("scoreminer/PitchCalib_v1").scores_keypoints
    with pytest.raises(ManifestError, match="use one of"):
        manifest.element("nope/Detect-x")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"elements": [{"id": "a/Detect-x", "metrics": {"pillars": {"map50": 0.5}}}]}))
    with pytest.raises(ManifestError, match="sum to 0.5"):
        read_manifest(bad)


def test_the_live_index_is_read_from_a_loopback_server(tmp_path: Path) -> None:
    from media_server import MediaServer
    from scoreminer.network.manifest import fetch_manifest

    newest = "element: ignored\nwindow_id: w2\nelements:\n  - id: manak0/Detect-fire\n    objects: [fire, smoke]\n"
    newest += "    metrics: {pillars: {map50: 0.6, false_positive: 0.4}}\n    latency_p95_ms: 100\n"
    files = {
        "index.json": json.dumps(["8100000-old.yaml", "8200000-new.yaml"]).encode(),
        "8100000-old.yaml": b"elements: []\n",
        "8200000-new.yaml": newest.encode(),
    }
    with MediaServer(files) as media:
        manifest = fetch_manifest(media.url("/video/index.json"))
    assert manifest.window_id == "w2" and manifest.element(None).objects == ["fire", "smoke"]


def test_cli_elements_falls_back_to_the_shipped_manifest(free_port: int) -> None:
    from typer.testing import CliRunner

    from scoreminer.cli import app

    unreachable = f"http://127.0.0.1:{free_port}/manifest/index.json"
    result = CliRunner().invoke(app, ["--set", f"MANIFEST_URL={unreachable}", "elements", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert listed["source"] == "shipped football manifest"
    assert [e["id"] for e in listed["elements"]][:2] == ["scoreminer/PlayerDetect_v1", "scoreminer/PitchCalib_v1"]
    missing = CliRunner().invoke(app, ["elements", "--manifest", "/nope/manifest.json"])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_cli_score_element_and_challenge_chute(built: Path, sample, tmp_path: Path, free_port: int) -> None:
    from typer.testing import CliRunner

    from scoreminer.chute.serve import load_miner
    from scoreminer.cli import app
    from scoreminer.scoring.elements import read_chute_frames

    miner = load_miner(built)
    frames = sample.frames[:3]
    answer = {"success": True, "predictions": {"frames": [r.model_dump() for r in miner.predict_batch(frames, 0, 32)]}}
    truth = [
        {"frame_id": i, "boxes": [{**b, "cls_id": b["cls_id"]} for b in f["boxes"]]}
        for i, f in enumerate(read_chute_frames(answer))
    ]
    (tmp_path / "answer.json").write_text(json.dumps(answer))
    (tmp_path / "truth.json").write_text(json.dumps(truth))
    args = ["score", str(tmp_path / "answer.json"), "--truth", str(tmp_path / "truth.json")]
    manifest = ["--manifest", str(Path(__file__).parents[1] / "src/scoreminer/contract/manifests/football.json")]
    result = CliRunner().invoke(app, [*args, "--element", "scoreminer/PlayerDetect_v1", *manifest, "--json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    assert scored["pillars"]["iou"] == 1.0 and scored["pillars"]["count"] == 1.0  # scored against itself
    broken = CliRunner().invoke(app, ["score", str(tmp_path / "answer.json"), "--truth", str(built / "chute.json"),
                                      "--element", "scoreminer/PlayerDetect_v1", *manifest])  # fmt: skip
    assert broken.exit_code == 2 and "not a chute answer" in broken.output

    clip = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"mp4v"), 25, frames[0].shape[1::-1])
    for frame in frames:
        writer.write(frame)
    writer.release()
    with ChuteServer(built, free_port) as chute:
        sent = CliRunner().invoke(app, ["challenge", "--chute", chute.base, "--video", str(clip), "--json"])
    assert sent.exit_code == 0, sent.output
    report = json.loads(sent.stdout)
    assert report["success"] and len(report["predictions"]["frames"]) == 3


def test_a_keypoint_element_gets_the_pitch_model_only(sample, tmp_path: Path) -> None:
    from scoreminer.chute.serve import load_miner

    element = read_manifest().element("scoreminer/PitchCalib_v1")
    built = build_chute(tmp_path / "repo", demo_settings(tmp_path / "exports"), element)
    assert built.detector_imgsz is None and sorted(p.name for p in built.folder.glob("*.onnx")) == ["pitch.onnx"]
    results = load_miner(built.folder).predict_batch(sample.frames[:2], 0, 32)
    assert all(r.boxes == [] and len(r.keypoints) == 32 for r in results)
    assert sum(point != (0, 0) for point in results[0].keypoints) >= 4
    report = check_chute(built.folder, demo_settings(tmp_path / "exports"), element, sample, sizes=[480], threads=[2])
    assert report.passed, report.rows
    # the keypoint line metric is scored (its cases are in test_element_score); a working answer earns at least δ
    assert report.element_score is not None and set(report.element_score["pillars"]) == {"iou"}
    assert report.element_score["composite"] >= element.beta * element.delta_floor
