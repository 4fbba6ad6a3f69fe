"""Facts of the validator ↔ miner contract that every layer shares: keypoint count and class table."""

from __future__ import annotations

KEYPOINT_COUNT = 32
BALL, GOALKEEPER, PLAYER, REFEREE = 0, 1, 2, 3
CLASS_NAMES = {BALL: "ball", GOALKEEPER: "goalkeeper", PLAYER: "player", REFEREE: "referee"}
