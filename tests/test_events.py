"""Real matches' event data as Turbo Vision truth: the map per provider kind, windows, kloppy's own samples."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import kloppy
import pytest
from typer.testing import CliRunner

from scoreminer.actions.events import EventRow, EventsError, load_rows, parse_clock, to_actions, window
from scoreminer.cli import app
from scoreminer.scoring.actions import RULES

SAMPLES = Path(kloppy.__file__).parent / "tests" / "files"


def names(rows, provider):
    return [(a.time_s, a.action) for a in to_actions(rows, provider)]


def test_statsbomb_kind_receptions_one_aerial_event_for_two_players_blocks_of_its_own():
    rows = [
        EventRow("PASS", 1, 10.0, "COMPLETE", receive_s=11.2, team="a"),
        EventRow("DUEL", 1, 12.0, qualifiers=frozenset({"AERIAL", "LOOSE_BALL"})),
        EventRow("SHOT", 1, 14.0, "BLOCKED", team="a"),
        EventRow("GENERIC", 1, 14.1, raw_name="Block", team="b"),
        EventRow("SHOT", 1, 20.0, "GOAL", team="a"),
        EventRow("CARRY", 1, 21.0, team="b"),
        EventRow("PRESSURE", 1, 22.0, team="b"),
    ]
    assert names(rows, "statsbomb") == [
        (10.0, "pass"),
        (11.2, "pass_received"),
        (12.0, "aerial_duel"),
        (12.0, "aerial_duel"),  # StatsBomb logs the loser's; the subnet counts each player
        (14.0, "shot"),
        (14.1, "block"),  # its own Block event, not one derived from the shot as well
        (20.0, "shot"),
        (20.0, "goal"),
    ]


def test_wyscout_kind_duels_per_player_out_of_play_and_receptions_derived():
    rows = [
        EventRow("PASS", 1, 5.0, "COMPLETE", team="a"),
        EventRow("PASS", 1, 6.5, "OUT", team="a"),  # received when the team's next event began: 6.5
        EventRow("DUEL", 2, 30.0, qualifiers=frozenset({"GROUND"}), team="a"),
        EventRow("DUEL", 2, 30.2, qualifiers=frozenset({"GROUND"}), team="b"),  # the same duel, other player
        EventRow("DUEL", 2, 40.0, qualifiers=frozenset({"AERIAL"}), team="a"),
        EventRow("DUEL", 2, 40.0, qualifiers=frozenset({"AERIAL"}), team="b"),
        EventRow("SHOT", 2, 50.0, "SAVED", team="a"),
        EventRow("GOALKEEPER", 2, 50.1, qualifiers=frozenset({"SAVE", "REFLEX"}), team="b"),
        EventRow("SHOT", 2, 60.0, "OFF_TARGET", team="a"),
    ]
    assert names(rows, "wyscout") == [
        (5.0, "pass"),
        (6.5, "pass_received"),
        (6.5, "pass"),
        (7.5, "ball_out_of_play"),  # no ball-out events: derived from the outcome, a second after the kick
        (30.0, "tackle"),
        (40.0, "aerial_duel"),
        (40.0, "aerial_duel"),
        (50.0, "shot"),
        (50.1, "save"),
        (60.0, "shot"),
        (61.0, "ball_out_of_play"),
    ]


def test_metrica_kind_saves_from_shots_and_ball_out_events_kept():
    rows = [
        EventRow("SHOT", 1, 3.0, "SAVED", team="a"),
        EventRow("BALL_OUT", 1, 4.0),
        EventRow("PASS", 1, 9.0, "OUT", team="b"),  # Metrica logs the ball out itself: nothing derived
        EventRow("RECOVERY", 1, 12.0, team="a"),
        EventRow("FOUL_COMMITTED", 1, 15.0, team="a"),
        EventRow("SUBSTITUTION", 1, 16.0, team="b"),
    ]
    assert names(rows, "metrica") == [
        (3.0, "shot"),
        (3.0, "save"),
        (4.0, "ball_out_of_play"),
        (9.0, "pass"),
        (12.0, "recovery"),
        (15.0, "foul"),
        (16.0, "substitution"),
    ]


def test_a_window_is_the_events_in_it_at_25_fps():
    rows = [
        EventRow("PASS", 1, 599.0, "COMPLETE", receive_s=600.4, team="a"),
        EventRow("INTERCEPTION", 1, 610.0, team="b"),
        EventRow("CLEARANCE", 1, 629.6, team="b"),
        EventRow("TAKE_ON", 1, 630.0, team="a"),  # the end is open
        EventRow("TAKE_ON", 2, 615.0, team="a"),  # another period
    ]
    actions = to_actions(rows, "statsbomb")
    assert window(actions, 1, parse_clock("10:00"), parse_clock("10:30")) == [
        {"frame": 10, "action": "pass_received"},
        {"frame": 250, "action": "interception"},
        {"frame": 740, "action": "clearance"},
    ]
    with pytest.raises(EventsError, match="not after"):
        window(actions, 1, 630, 600)
    with pytest.raises(EventsError, match="not MM:SS"):
        parse_clock("ten")


def test_kloppys_statsbomb_match_gives_a_real_class_mix():
    rows = load_rows("statsbomb", SAMPLES / "statsbomb_event.json", SAMPLES / "statsbomb_lineup.json")
    counts = Counter(a.action for a in to_actions(rows, "statsbomb"))
    assert set(counts) <= set(RULES)
    # a real match: passes and receptions by the thousand, goals by the handful
    assert counts["pass"] > 1000 and counts["pass_received"] > 800 and 1 <= counts["goal"] <= 10
    assert counts["pass"] > 10 * counts["recovery"] > 0 and counts["shot"] > counts["goal"]


def test_cli_writes_a_truth_file_that_score_actions_reads(tmp_path):
    out = tmp_path / "truth.json"
    args = ["actions", "truth", str(SAMPLES / "statsbomb_event.json"), "--provider", "statsbomb"]
    args += ["--meta", str(SAMPLES / "statsbomb_lineup.json"), "--period", "1", "--from", "10:00", "--to", "10:30"]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    truth = json.loads(out.read_text())
    assert truth["source"]["provider"] == "statsbomb" and truth["actions"]
    assert all(0 <= a["frame"] < 750 for a in truth["actions"])
    scored = CliRunner().invoke(app, ["score", str(out), "--actions", str(out), "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["score"] == 1.0
    bad = CliRunner().invoke(app, ["actions", "truth", str(SAMPLES / "statsbomb_event.json"), "--provider", "nope"])
    assert bad.exit_code == 2 and "unknown provider" in bad.output
    wrong = CliRunner().invoke(app, ["actions", "truth", str(SAMPLES / "opta_f7.xml"), "--provider", "wyscout"])
    assert wrong.exit_code == 2 and "could not read" in wrong.output
