"""The private track's football score on hand-made cases, computed as the central validator computes it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from scoreminer.cli import app
from scoreminer.scoring.actions import RULES, load_actions, score_actions

FPS = 25


def test_an_exact_answer_scores_one():
    truth = [(100, "pass"), (125, "pass_received"), (300, "shot"), (300, "goal")]
    scored = score_actions(truth, truth)
    assert scored.score == pytest.approx(1.0)
    assert scored.truth_weight == pytest.approx(1.0 + 1.4 + 4.7 + 10.9)


@pytest.mark.parametrize(
    ("action", "frames", "expected"),
    [
        ("pass", 12, 1 - 0.48),  # about half a second (12 frames, 0.48 s); tolerance 1 s, min 0
        ("pass", 25, None),  # exactly at the tolerance: a decay of 0 is no match
        ("interception", 25, 1 - 0.5 * 0.5),  # 1 s of a 2 s tolerance, min 0.5
        ("goal", 12, 1 - (0.48 / 3) * 0.5),  # tolerance 3 s, min 0.5
    ],
)
def test_a_late_prediction_earns_the_linear_decay(action, frames, expected):
    scored = score_actions([(100 + frames, action)], [(100, action)])
    assert scored.score == pytest.approx(expected if expected is not None else 0.0)
    assert (scored.matches[0].truth is None) == (expected is None)


def test_past_the_tolerance_a_prediction_earns_nothing_and_costs_its_weight():
    # 1.5 s off a pass (tolerance 1 s): unmatched, −1 over a truth weight of 1 → clipped to 0.
    scored = score_actions([(100 + 37, "pass")], [(100, "pass")])
    assert scored.score == 0.0 and scored.penalty == pytest.approx(1.0)


def test_a_wrong_class_is_no_match_and_costs_its_weight():
    truth = [(100, "pass"), (400, "shot")]
    scored = score_actions([(100, "recovery"), (400, "shot")], truth)
    assert scored.earned == pytest.approx(4.7) and scored.penalty == pytest.approx(1.5)
    assert scored.score == pytest.approx((4.7 - 1.5) / (1.0 + 4.7))


def test_a_flood_of_false_goals_scores_zero():
    truth = [(t, "pass") for t in range(0, 750, 50)]
    flood = [*truth, *((t, "goal") for t in range(10, 750, 25))]
    assert score_actions(truth, truth).score == pytest.approx(1.0)
    assert score_actions(flood, truth).score == 0.0


def test_each_truth_item_is_used_once_and_the_best_decay_wins():
    truth = [(100, "pass"), (110, "pass")]
    scored = score_actions([(110, "pass"), (111, "pass")], truth)
    taken = [(m.prediction.frame, m.truth.frame if m.truth else None) for m in scored.matches]
    assert taken == [(110, 110), (111, 100)]  # frame order: the first takes its exact match, the second the other


def test_names_the_validator_does_not_know_are_skipped_on_both_sides():
    scored = score_actions([(50, "dance"), (100, "pass")], [(100, "pass"), (10, "end_of_half")])
    assert scored.score == pytest.approx(1.0) and scored.penalty == 0.0


def test_no_truth_scores_zero():
    assert score_actions([(1, "pass")], []).score == 0.0


def test_the_table_is_the_validators():
    assert len(RULES) == 15
    assert RULES["goal"] == (10.9, 0.5, 3.0) and RULES["pass"] == (1.0, 0.0, 1.0) and RULES["foul"] == (7.7, 0.5, 2.5)


def test_score_command_reads_an_answer_and_a_truth_file(tmp_path):
    answer = tmp_path / "answer.json"
    answer.write_text(
        json.dumps(
            {
                "challenge_id": "1",
                "prediction": {"type": "soccer_action", "items": [{"frame": 10, "action": "pass", "confidence": 0.9}]},
                "processing_time": 1.0,
            }
        )
    )
    truth = tmp_path / "truth.json"
    truth.write_text(
        json.dumps({"frames": [], "actions": [{"frame": 10, "action": "pass"}, {"frame": 40, "action": "shot"}]})
    )
    assert [a.action for a in load_actions(truth)] == ["pass", "shot"]
    result = CliRunner().invoke(app, ["score", str(answer), "--actions", str(truth), "--json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.output)
    assert scored["score"] == pytest.approx(1.0 / 5.7, abs=1e-4)
    assert scored["per_action"]["shot"] == {"predicted": 0, "true": 1, "matched": 0, "precision": None, "recall": 0.0}
    table = CliRunner().invoke(app, ["score", str(answer), "--actions", str(truth)])
    assert "private-track action score 0.175" in table.output


def test_score_command_refuses_a_file_without_actions(tmp_path):
    answer = tmp_path / "a.json"
    answer.write_text(json.dumps({"frames": []}))
    result = CliRunner().invoke(app, ["score", str(answer), "--actions", str(answer)])
    assert result.exit_code == 2 and "holds no actions" in result.output
    neither = CliRunner().invoke(app, ["score", str(answer)])
    assert neither.exit_code == 2 and "--video" in neither.output
