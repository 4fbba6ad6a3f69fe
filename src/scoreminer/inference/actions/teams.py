"""Two teams from shirt colours: k-means over every outfield player's shirt (goalkeepers and referees apart)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.cluster.vq import kmeans2

from scoreminer.contract.score_vision import PLAYER
from scoreminer.inference.actions.sightings import Sighting

MIN_SHIRTS = 20  # fewer outfield shirts than this and two teams cannot be told apart
AMBIGUOUS = 0.75  # a shirt nearer one centre by less than this ratio of distances belongs to neither
LIGHTNESS_WEIGHT = 0.5  # light and shade change L more than a and b: weigh it down


@dataclass(frozen=True)
class TeamModel:
    """The two teams' shirt colours (Lab); `label` gives each person 0, 1 or -1 (not an outfield player, or unclear)."""

    centres: np.ndarray  # (2, 3)

    def label(self, colours: np.ndarray, classes: np.ndarray) -> np.ndarray:
        out = np.full(len(colours), -1)
        if not len(colours):
            return out
        distance = np.linalg.norm(_features(colours)[:, None, :] - _features(self.centres)[None], axis=2)
        nearest = np.argmin(distance, axis=1)
        near, far = np.min(distance, axis=1), np.max(distance, axis=1)
        clear = (classes == PLAYER) & np.isfinite(near) & (near < AMBIGUOUS * far)
        out[clear] = nearest[clear]
        return out

    @property
    def separation(self) -> float:
        """How far apart the two kits are (Lab units, lightness weighed down): under ~15 they are hard to tell."""
        a, b = _features(self.centres)
        return float(np.linalg.norm(a - b))


def fit_teams(sightings: list[Sighting], seed: int = 0) -> TeamModel | None:
    """Cluster the outfield players' shirt colours into two teams; None when there are too few shirts."""
    shirts = [s.colour[(s.class_id == PLAYER) & np.all(np.isfinite(s.colour), axis=1)] for s in sightings]
    colours = np.concatenate(shirts) if shirts else np.zeros((0, 3))
    if len(colours) < MIN_SHIRTS:
        return None
    features = _features(colours).astype(np.float64)
    best = None
    for attempt in range(3):  # k-means++ from three seeds; keep the tightest split
        centres, labels = kmeans2(features, 2, minit="++", seed=seed + attempt)
        if len(set(labels.tolist())) < 2:
            continue
        spread = sum(float(np.sum((features[labels == k] - centres[k]) ** 2)) for k in (0, 1))
        if best is None or spread < best[0]:
            best = (spread, labels)
    if best is None:
        return None
    labels = best[1]
    centres = np.stack([np.median(colours[labels == k], axis=0) for k in (0, 1)])
    return TeamModel(centres)


def _features(colours: np.ndarray) -> np.ndarray:
    return np.asarray(colours, np.float64) * np.array([LIGHTNESS_WEIGHT, 1.0, 1.0])


def attack_directions(team_xs: dict[int, list[float]], min_gap_m: float = 2.0) -> dict[int, float]:
    """Which way each team attacks (+1: towards x = 120 m): the side whose players stand further back defends
    that end. Empty when the two teams' median positions are too close to tell."""
    if any(len(team_xs.get(team, [])) < 5 for team in (0, 1)):
        return {}
    medians = {team: float(np.median(team_xs[team])) for team in (0, 1)}
    if abs(medians[0] - medians[1]) < min_gap_m:
        return {}
    back = min(medians, key=lambda team: medians[team])
    return {back: 1.0, 1 - back: -1.0}
