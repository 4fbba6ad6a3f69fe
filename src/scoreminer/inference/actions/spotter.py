"""The action-spotting seam: `ActionSpotter` turns a pipeline run into actions; `RuleSpotter` is the rules.

A learned spotter can replace the rules behind the same seam (ACTION_SPOTTER chooses). Frames answered are
counted at the validator's 25 fps whatever the video's own rate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from scoreminer.contract.turbovision import FRAME_RATE, ActionItem
from scoreminer.errors import ConfigError
from scoreminer.inference.actions.pitch import Snapshot, snapshots
from scoreminer.inference.actions.possession import Spell, keeper_teams, spells
from scoreminer.inference.actions.rules import SpottedAction, spot
from scoreminer.inference.actions.teams import attack_directions, fit_teams
from scoreminer.inference.pipeline import PipelineOutput

DUPLICATE_S = 0.8  # one action answered twice this close together is one action seen twice


class ActionSpotter(Protocol):
    """Anything that reads a pipeline run (with sightings) and says which actions happened, and when."""

    def spot(self, output: PipelineOutput) -> list[SpottedAction]: ...


@dataclass
class RuleSpotter:
    """Rules over teams, pitch positions and possession; answers the actions at or above their floor."""

    floors: dict[str, float] = field(default_factory=dict)

    def candidates(self, output: PipelineOutput) -> list[SpottedAction]:
        """Every action the rules see, whatever its confidence, in 25-fps frames."""
        return candidates_from(evidence(output))

    def spot(self, output: PipelineOutput) -> list[SpottedAction]:
        kept = [a for a in self.candidates(output) if a.confidence >= self.floors.get(a.action, 2.0)]
        return deduplicate(kept)


@dataclass(frozen=True)
class Evidence:
    """What the spotters read of a run: processed frames on the pitch, possession spells, attack directions."""

    snaps: list[Snapshot]
    spells: list[Spell]
    attack: dict[int, float]
    fps: float
    frames: int  # frames in the video
    processed: list[int]  # the frames the models ran on (a snapshot needs a fit as well)


def evidence(output: PipelineOutput) -> Evidence:
    """The run's sightings on the pitch, teams fitted, possession found."""
    if output.sightings is None:
        raise ConfigError(
            "the pipeline kept no sightings", "run it with PipelineConfig(sightings=True) to spot actions"
        )
    seen = output.sightings.sightings
    teams = fit_teams(seen)
    snaps = snapshots(seen, output.frames, teams)
    xs: dict[int, list[float]] = defaultdict(list)
    for snap in snaps:
        for team, (x, _) in zip(snap.teams, snap.players, strict=False):
            if team >= 0:
                xs[int(team)].append(float(x))
    attack = attack_directions(xs)
    fps = output.info.fps or FRAME_RATE
    processed = [r.frame_number for r in output.frames if r.processed]
    return Evidence(snaps, spells(snaps, keeper_teams(snaps, attack), fps), attack, fps, len(output.frames), processed)


def candidates_from(seen: Evidence) -> list[SpottedAction]:
    """The rules' actions on this evidence, whatever their confidence, in 25-fps frames."""
    found = spot(seen.snaps, seen.spells, seen.attack, seen.fps)
    scale = FRAME_RATE / seen.fps
    return [SpottedAction(int(round(a.frame * scale)), a.action, round(a.confidence, 4)) for a in found]


def deduplicate(actions: list[SpottedAction]) -> list[SpottedAction]:
    """Of the same action answered within DUPLICATE_S, the most confident one (each extra would cost its weight)."""
    kept: list[SpottedAction] = []
    for action in sorted(actions, key=lambda a: -a.confidence):
        if not any(k.action == action.action and abs(k.frame - action.frame) < DUPLICATE_S * FRAME_RATE for k in kept):
            kept.append(action)
    return sorted(kept, key=lambda a: (a.frame, a.action))


def answer_items(actions: list[SpottedAction]) -> list[ActionItem]:
    """The contract's items for these actions."""
    return [ActionItem(frame=a.frame, action=a.action, confidence=float(np.clip(a.confidence, 0, 1))) for a in actions]
