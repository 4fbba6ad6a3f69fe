"""Real play in the renderer: a window of kloppy's StatsBomb 360 match replayed, its truth the real events."""

from __future__ import annotations

import json
from pathlib import Path

import kloppy
import numpy as np
import pytest

from scoreminer.actions.events import EventsError, rows_from_kloppy, to_actions, window
from scoreminer.actions.real_play import load_statsbomb, real_window
from scoreminer.demo.replay import ReplayedMatch
from scoreminer.pitch import LENGTH, WIDTH

SAMPLES = Path(kloppy.__file__).parent / "tests" / "files"
MATCH = "3788741"


@pytest.fixture(scope="module")
def dataset():
    return load_statsbomb(
        SAMPLES / f"statsbomb_{MATCH}_event.json",
        SAMPLES / f"statsbomb_{MATCH}_lineup.json",
        SAMPLES / f"statsbomb_{MATCH}_360.json",
    )


@pytest.fixture(scope="module")
def replay(dataset):
    return ReplayedMatch(real_window(dataset, 1, 120.0, 30.0), seed=1)


def raw_events(period: int, start_s: float, end_s: float) -> list[dict]:
    """The provider's own file, read without kloppy: the events of one period's window."""
    out = []
    for event in json.loads((SAMPLES / f"statsbomb_{MATCH}_event.json").read_text()):
        h, m, s = event["timestamp"].split(":")
        t = int(h) * 3600 + int(m) * 60 + float(s)
        if event["period"] == period and start_s <= t < end_s:
            out.append(event)
    return out


def test_a_replayed_windows_truth_is_the_real_events_in_it(dataset, replay):
    assert replay.truth_actions() == window(to_actions(rows_from_kloppy(dataset), "statsbomb"), 1, 120.0, 150.0)
    raw = raw_events(1, 120.0, 150.0)
    names = [a["action"] for a in replay.truth_actions()]
    assert names.count("pass") == sum(e["type"]["name"] == "Pass" for e in raw) > 0
    assert names.count("shot") == sum(e["type"]["name"] == "Shot" for e in raw)
    assert all(0 <= a["frame"] < 750 for a in replay.truth_actions())


def test_the_ball_is_where_each_event_started(replay):
    for event in raw_events(1, 120.0, 150.0):
        if event["type"]["name"] not in ("Pass", "Shot", "Carry") or "location" not in event:
            continue
        h, m, s = event["timestamp"].split(":")
        t = int(h) * 3600 + int(m) * 60 + float(s) - 120.0
        x, y = event["location"][:2]
        # StatsBomb puts every event in its team's attacking direction; the replay has one static orientation
        spots = [np.array([x / 120 * LENGTH, y / 80 * WIDTH]), np.array([(1 - x / 120) * LENGTH, (1 - y / 80) * WIDTH])]
        ball = replay.ball(t)
        assert min(np.linalg.norm(ball - spot) for spot in spots) < 150, (event["type"]["name"], t)


def test_players_stand_where_the_freeze_frames_saw_them(replay):
    frames = replay.play.frames
    assert len(frames) > 10
    for frame in frames[::4]:
        if not 0 <= frame.time_s < 30:
            continue
        drawn = replay.positions(frame.time_s)[1:-1]  # the referee is not in the 360 data
        nearest = np.min(np.linalg.norm(drawn[:, None] - frame.xy[None], axis=2), axis=0)
        assert np.median(nearest) < 50 and np.mean(nearest < 100) >= 0.9


def test_the_camera_aims_inside_the_broadcasts_visible_area(replay):
    areas = [(f.time_s, f.visible_area) for f in replay.play.frames if f.visible_area is not None]
    assert areas
    inside = 0
    for t, polygon in areas:
        aim = replay.aim(t)
        low, high = polygon.min(axis=0) - 1000, polygon.max(axis=0) + 1000  # smoothed over 1.5 s: near, not on
        inside += bool(np.all(aim >= low) and np.all(aim <= high))
    assert inside / len(areas) >= 0.9


def test_a_window_outside_the_period_is_a_clear_error(dataset):
    with pytest.raises(EventsError, match="no play"):
        real_window(dataset, 1, 5000.0)
