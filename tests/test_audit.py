"""`audit pull` / `audit score` against a loopback bucket serving files in the exporter's exact layout."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from media_server import MediaServer
from scoreminer.cli import app
from scoreminer.demo.play import FPS, PlayedMatch
from scoreminer.demo.render import render_clip

ELEMENT = "SoccerActions_v1"


def entry(video_url: str, truth: list[dict], predictions: list[dict]) -> bytes:
    """One element's audit as the exporter stores it (compact JSON, football formatting)."""
    response = {"miner_hotkey": "5Fwinner", "video_url": video_url, "predictions": predictions}
    return json.dumps({"miner_response": response, "groundtruth": truth}, separators=(",", ":")).encode()


def bucket(server_files: dict, keys: list[str]) -> None:
    index = json.dumps(keys).encode()
    server_files["manako/audit/index.json"] = index
    server_files[f"manako/audit/{ELEMENT}/index.json"] = index


TRUTH = [{"frame": 10, "action": "pass"}, {"frame": 40, "action": "pass_received"}]


def test_pull_fetches_each_entry_its_video_truth_and_the_winners_answer_and_resumes(tmp_path):
    tmp_path = tmp_path / "out"
    with MediaServer() as server:
        keys = [f"manako/audit/{ELEMENT}/{b:09d}.json" for b in (7000100, 7000200)]
        server.files["video/a.mp4"] = b"\x00\x00\x00\x18ftypmp42" + b"x" * 1000
        for key in keys:
            server.files[key] = entry(server.url("/video/a.mp4"), TRUTH, TRUTH[:1])
        bucket(server.files, keys)
        index = server.url("/manako/audit/index.json")
        result = CliRunner().invoke(app, ["audit", "pull", "--index", index, "--out", str(tmp_path), "--json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert [p.rsplit("/", 1)[1] for p in report["fetched"]] == [f"{ELEMENT}-007000200", f"{ELEMENT}-007000100"]
        clip = tmp_path / f"{ELEMENT}-007000200"
        assert sorted(p.name for p in clip.iterdir()) == ["entry.json", "truth.json", "video.mp4", "winner.json"]
        assert json.loads((clip / "truth.json").read_text())["actions"] == TRUTH
        assert json.loads((clip / "winner.json").read_text())["prediction"]["items"] == TRUTH[:1]
        again = CliRunner().invoke(app, ["audit", "pull", "--index", index, "--out", str(tmp_path), "--json"])
        assert json.loads(again.stdout)["fetched"] == [] and len(json.loads(again.stdout)["kept"]) == 2
        assert server.requests["/video/a.mp4"] == 2  # the second pull fetched no video again
        limited = CliRunner().invoke(
            app, ["audit", "pull", "--index", index, "--out", str(tmp_path / "one"), "--limit", "1"]
        )
        assert limited.exit_code == 0 and len(list((tmp_path / "one").iterdir())) == 1


def test_a_missing_video_and_a_bad_entry_are_named_and_nothing_half_written_is_kept(tmp_path):
    out = tmp_path / "out"
    with MediaServer() as server:
        good, missing, bad = (f"manako/audit/{ELEMENT}/{b:09d}.json" for b in (1, 2, 3))
        server.files["video/a.mp4"] = b"video bytes"
        server.files[good] = entry(server.url("/video/a.mp4"), TRUTH, TRUTH)
        server.files[missing] = entry(server.url("/video/gone.mp4"), TRUTH, TRUTH)
        server.files[bad] = json.dumps({"miner_response": {"video_url": "x", "predictions": []}}).encode()
        bucket(server.files, [good, missing, bad])
        args = ["audit", "pull", "--index", server.url("/manako/audit/index.json"), "--out", str(out)]
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "000000002.json: its video cannot be downloaded (video_url: its host answered 404" in result.output
    assert "000000003.json: the entry is not a football audit" in result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{ELEMENT}-000000001"]  # no staging, no half clip


def test_a_truncated_index_is_one_clear_error(tmp_path):
    out = tmp_path / "out"
    with MediaServer() as server:
        server.files["manako/audit/index.json"] = b'["manako/audit/SoccerActions_v1/000000001.js'
        args = ["audit", "pull", "--index", server.url("/manako/audit/index.json"), "--out", str(out)]
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "cannot be read (JSONDecodeError" in result.output
    assert "AUDIT_INDEX_URL" in result.output and not list(out.iterdir())


def test_audit_score_answers_each_clip_and_puts_the_winner_beside_it(tmp_path):
    # a played render stands in for the published clip: its true actions are the ground truth
    match = PlayedMatch(300, 120 / FPS)
    video = tmp_path / "clip.mp4"
    render_clip(video, seed=300, frames=120, match=match)
    truth = match.truth_actions()
    assert truth
    with MediaServer({"clip.mp4": video.read_bytes()}) as server:
        key = f"manako/audit/{ELEMENT}/000000009.json"
        server.files[key] = entry(server.url("/video/clip.mp4"), truth, truth)  # the winner answered the truth
        bucket(server.files, [key])
        pulled = tmp_path / "audit"
        args = ["audit", "pull", "--index", server.url("/manako/audit/index.json"), "--out", str(pulled)]
        assert CliRunner().invoke(app, args).exit_code == 0
    result = CliRunner().invoke(app, ["audit", "score", str(pulled), "--demo", "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["clip"] == f"{ELEMENT}-000000009" and row["winner_score"] == 1.0 and row["truth"] == len(truth)
    assert 0.0 <= row["score"] <= 1.0 and row["answered"] >= 0
    empty = CliRunner().invoke(app, ["audit", "score", str(tmp_path / "nothing")])
    assert empty.exit_code == 1 and "holds no pulled clip" in empty.output
