"""Domain randomisation in the demo renderer: looks vary per match, the truth stays exact, the data is balanced."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np

from scoreminer.contract.score_vision import BALL, GOALKEEPER, PLAYER, REFEREE
from scoreminer.demo.dataset import DatasetSpec, export
from scoreminer.demo.draw import PERSON_CM, _covers
from scoreminer.demo.look import DEFAULT, random_look
from scoreminer.demo.render import camera_at, render_frame, shots
from scoreminer.demo.scene import Match


def _distance(a, b) -> float:
    return float(np.linalg.norm(np.subtract(a, b, dtype=float)))


def test_a_seed_always_gives_the_same_look_and_seeds_differ():
    assert random_look(7) == random_look(7)
    looks = [random_look(seed) for seed in range(40)]
    assert len({look.grass for look in looks}) == 40 and not any(look == DEFAULT for look in looks)
    assert {look.mowing for look in looks} == {"stripes", "checks", "none"}
    assert min(look.rig.elevation for look in looks) < 1600 and max(look.rig.elevation for look in looks) > 3000


def test_goalkeepers_and_the_referee_never_wear_a_teams_colours():
    for seed in range(200):
        kits = random_look(seed).kits
        teams = [kits[(PLAYER, 0)][0], kits[(PLAYER, 1)][0]]
        others = [kits[(GOALKEEPER, 0)][0], kits[(GOALKEEPER, 1)][0], kits[(REFEREE, -1)][0]]
        assert _distance(*teams) > 120, seed
        assert all(_distance(o, t) > 90 for o in others for t in teams), seed
        assert _distance(others[0], others[2]) > 90 and _distance(others[1], others[2]) > 90, seed


def test_light_and_camera_artefacts_change_pixels_not_the_truth():
    look = random_look(3)
    plan = shots(3, 20, True, look)
    plain, truth = render_frame(Match(3), 4.0, plan, 640, 360, None, replace(look, gain=1.0, blur_px=0, jpeg=0))
    worn, worn_truth = render_frame(Match(3), 4.0, plan, 640, 360, None, replace(look, gain=0.7, blur_px=7, jpeg=40))
    assert truth == worn_truth
    assert np.abs(plain.astype(int) - worn.astype(int)).mean() > 10


def test_players_range_from_distant_specks_to_close_ups():
    heights = []
    for seed in range(100, 124):  # the training seeds
        look = random_look(seed)
        match, plan = Match(seed), shots(seed, 120, True, look)
        for t in np.linspace(0, 120, 40):
            camera = camera_at(match, t, plan, 1280, 720, look)
            ground = np.hstack([match.positions(t)[1:], np.zeros((23, 1))])
            feet, front = camera.project(ground)
            heads, _ = camera.project(ground + [0, 0, PERSON_CM])
            heights += list((feet[:, 1] - heads[:, 1])[camera.visible(feet, front)])
    assert min(heights) < 20 and max(heights) > 140  # 16 to 151 px (docs/demo-models.md)


def test_a_ball_behind_a_player_is_not_in_the_truth():
    person = (100.0, 50.0, 136.0, 150.0)
    assert _covers(person, (115.0, 120.0, 121.0, 126.0))  # behind the legs
    assert not _covers(person, (150.0, 120.0, 156.0, 126.0))  # beside them


def test_exported_data_is_balanced_and_its_labels_fit_the_images(tmp_path):
    spec = DatasetSpec(train_seeds=(101, 102, 103), val_seeds=(), frames_per_seed=8)
    detect, pose = export(tmp_path, spec)
    assert detect.is_file() and pose.is_file()
    crops = sorted((tmp_path / "detect" / "labels" / "train").glob("*.txt"))
    assert len(crops) == 24
    per_crop = Counter()
    for label in crops:
        rows = [line.split() for line in label.read_text().splitlines() if line.strip()]
        for _cls, *box in rows:
            x, y, w, h = map(float, box)
            assert 0 <= x - w / 2 and x + w / 2 <= 1.0001 and 0 <= y - h / 2 and y + h / 2 <= 1.0001
        per_crop.update({int(c) for c, *_ in rows})
    assert per_crop[BALL] >= 0.7 * len(crops) and per_crop[GOALKEEPER] >= 0.3 * len(crops)
    assert per_crop[REFEREE] >= 0.5 * len(crops)
    poses = list((tmp_path / "pose" / "labels" / "train").glob("*.txt"))
    assert len(poses) == 24 and all(len(p.read_text().split()) == 5 + 32 * 3 for p in poses)
