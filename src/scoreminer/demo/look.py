"""How a rendered match looks: the default broadcast, or one drawn at random per match (domain randomisation).

Everything here changes pixels only; the scene, the camera's geometry and hence the truth stay exact.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass, field

import numpy as np

from scoreminer.contract.score_vision import GOALKEEPER, PLAYER, REFEREE

BGR = tuple[int, int, int]
Kit = tuple[BGR, BGR, BGR]  # shirt, shorts, socks

DEFAULT_KITS: dict[tuple[int, int], Kit] = {
    (PLAYER, 0): ((40, 40, 210), (235, 235, 235), (30, 30, 30)),
    (PLAYER, 1): ((200, 90, 30), (40, 40, 40), (30, 30, 30)),
    (GOALKEEPER, 0): ((0, 215, 255), (20, 20, 20), (30, 30, 30)),
    (GOALKEEPER, 1): ((150, 40, 150), (230, 230, 230), (30, 30, 30)),
    (REFEREE, -1): ((25, 25, 25), (25, 25, 25), (30, 30, 30)),
}
# Each role has its own family of kits, as on a real broadcast: referees in black or near-black,
# goalkeepers in loud fluorescent colours, and teams in anything far from both families (and from each
# other). Across matches a colour then always means the same role, which is what a detector can learn.
REFEREE_SHIRTS: list[BGR] = [(20, 20, 20), (50, 50, 50), (70, 35, 20)]
KEEPER_SHIRTS: list[BGR] = [(0, 255, 255), (60, 255, 60), (0, 140, 255), (180, 60, 255), (255, 230, 0), (0, 255, 170)]
SKINS: list[BGR] = [(120, 160, 205), (90, 130, 180), (60, 90, 130), (45, 65, 95), (150, 185, 225)]


@dataclass(frozen=True)
class Rig:
    """Where the main camera stands and how it moves: offset behind the touchline, height, zooms, pan gain."""

    side_offset: float = 4500.0
    elevation: float = 2200.0
    wide_zoom: tuple[float, float] = (1.55, 1.75)
    tight_zoom: tuple[float, float] = (2.2, 2.5)
    pan_gain: float = 0.85


@dataclass(frozen=True)
class Look:
    """Pitch, lines, stands, kits, light and camera artefacts of one rendered match."""

    grass: tuple[BGR, BGR] = ((50, 135, 55), (60, 150, 65))
    mowing: str = "stripes"  # stripes | checks | none
    stripe_cm: float = 1000.0
    line_colour: BGR = (240, 240, 240)
    line_cm: float = 12.0
    stands: BGR = (70, 70, 80)
    crowd: float = 0.0  # texture strength of the stands, 0 = flat
    boards: bool = False
    kits: dict[tuple[int, int], Kit] = field(default_factory=lambda: dict(DEFAULT_KITS))
    skins: tuple[BGR, ...] = (SKINS[0],)
    gain: float = 1.0
    bias: float = 0.0
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)
    shadow: float = 1.0  # brightness of the shadowed part of the pitch, 1 = no shadow
    shadow_x: float = 6000.0  # the shadow's edge, pitch cm along the length
    blur_px: int = 0  # horizontal motion blur length
    noise: float = 3.0  # sensor noise sigma
    jpeg: int = 0  # re-encode at this JPEG quality, 0 = never
    rig: Rig = field(default_factory=Rig)


DEFAULT = Look()


def random_look(seed: int) -> Look:
    """A look drawn from `seed`: the same seed always gives the same look."""
    rng = np.random.default_rng([seed, 44])
    base = _hsv(rng.uniform(0.22, 0.4), rng.uniform(0.35, 0.8), rng.uniform(0.35, 0.7))
    shade = rng.uniform(0.04, 0.18) * rng.choice([-1, 1])
    b, g, r = (int(np.clip(c * (1 + shade), 0, 255)) for c in base)
    line = int(rng.uniform(175, 255))
    return Look(
        grass=(base, (b, g, r)),
        mowing=str(rng.choice(["stripes", "stripes", "checks", "none"])),
        stripe_cm=float(rng.uniform(500, 1300)),
        line_colour=(line, line, min(255, line + int(rng.integers(0, 10)))),
        line_cm=float(rng.uniform(8, 16)),
        stands=_hsv(rng.uniform(0, 1), rng.uniform(0, 0.5), rng.uniform(0.15, 0.55)),
        crowd=float(rng.uniform(0, 1)),
        boards=bool(rng.uniform() < 0.7),
        kits=random_kits(rng),
        skins=tuple(SKINS),
        gain=float(rng.uniform(0.75, 1.25)),
        bias=float(rng.uniform(-20, 20)),
        tint=(float(rng.uniform(0.88, 1.12)), float(rng.uniform(0.88, 1.12)), float(rng.uniform(0.88, 1.12))),
        shadow=float(rng.uniform(0.55, 0.85)) if rng.uniform() < 0.35 else 1.0,
        shadow_x=float(rng.uniform(2000, 10000)),
        blur_px=int(rng.choice([0, 0, 3, 5, 7])),
        noise=float(rng.uniform(0, 7)),
        jpeg=int(rng.choice([0, 40, 60, 80])),
        rig=Rig(
            side_offset=float(rng.uniform(3000, 6500)),
            elevation=float(rng.uniform(1200, 3500)),
            wide_zoom=(lo := float(rng.uniform(0.9, 1.5)), lo + 0.2),
            tight_zoom=(hi := float(rng.uniform(2.0, 3.2)), hi + 0.3),
            pan_gain=float(rng.uniform(0.7, 0.95)),
        ),
    )


def random_kits(rng: np.random.Generator) -> dict[tuple[int, int], Kit]:
    """Two team kits far apart in colour and from the referee and goalkeeper families; one kit per role."""
    teams: list[BGR] = []
    reserved = REFEREE_SHIRTS + KEEPER_SHIRTS
    while len(teams) < 2:
        shirt = _hsv(rng.uniform(0, 1), rng.uniform(0, 0.8), rng.uniform(0.35, 0.95))
        if all(_distance(shirt, t) > 120 for t in teams) and all(_distance(shirt, r) > 110 for r in reserved):
            teams.append(shirt)
    keepers = _pick(rng, KEEPER_SHIRTS, teams, 2)
    referee = _pick(rng, REFEREE_SHIRTS, teams + keepers, 1)[0]
    kits: dict[tuple[int, int], Kit] = {}
    for team in (0, 1):
        kits[(PLAYER, team)] = (teams[team], _any_colour(rng), _any_colour(rng))
        kits[(GOALKEEPER, team)] = (keepers[team], _any_colour(rng), _any_colour(rng))
    kits[(REFEREE, -1)] = (referee, (25, 25, 25), (25, 25, 25))
    return kits


def _pick(rng: np.random.Generator, palette: list[BGR], avoid: list[BGR], count: int) -> list[BGR]:
    far = [c for c in palette if all(_distance(c, a) > 90 for a in avoid)]
    chosen: list[BGR] = []
    for index in rng.permutation(len(far)):
        if all(_distance(far[index], c) > 90 for c in chosen):
            chosen.append(far[index])
        if len(chosen) == count:
            return chosen
    # The palettes are wide enough that this is rare; a loud colour far from everything is made up instead.
    while len(chosen) < count:
        colour = _hsv(rng.uniform(0, 1), 1.0, 1.0)
        if all(_distance(colour, a) > 90 for a in avoid + chosen):
            chosen.append(colour)
    return chosen


def _any_colour(rng: np.random.Generator) -> BGR:
    return _hsv(rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.1, 0.95))


def _hsv(h: float, s: float, v: float) -> BGR:
    r, g, b = colorsys.hsv_to_rgb(h, s, v)
    return (int(b * 255), int(g * 255), int(r * 255))


def _distance(a: BGR, b: BGR) -> float:
    return float(np.linalg.norm(np.subtract(a, b, dtype=float)))
