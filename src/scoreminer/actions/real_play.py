"""A window of a real match's play as positions, read with kloppy from event data (StatsBomb, with 360 freeze
frames where the provider has them): the ball along the events' start and end locations, the players each
freeze frame showed, the broadcast camera's visible area, and the window's true actions.

Positions are in centimetres on this project's template pitch (`scoreminer.pitch`), both halves in one static
orientation (home attacking +x in the first period, as kloppy's STATIC_HOME_AWAY puts it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from scoreminer.actions.events import EventsError, rows_from_kloppy, to_actions, window
from scoreminer.pitch import LENGTH, WIDTH

PASS_M_S = 15.0  # a pass with no reception time travels at this speed
SHOT_M_S = 25.0
STATSBOMB_YARDS = (120.0, 80.0)  # the 360 files' raw visible-area polygons are in these units


@dataclass(frozen=True)
class FreezeFrame:
    """The players one event's 360 frame showed: positions (cm), team (0 home, 1 away), goalkeeper or not."""

    time_s: float  # from the window's start
    xy: np.ndarray  # (n, 2)
    team: np.ndarray  # (n,)
    keeper: np.ndarray  # (n,) bool
    visible_area: np.ndarray | None  # (k, 2) polygon, cm


@dataclass(frozen=True)
class RealWindow:
    """What a replay needs of one window of a real match."""

    source: dict[str, Any]
    duration_s: float
    ball: np.ndarray  # (k, 3): time from the window's start (s), x, y (cm); in time order
    frames: list[FreezeFrame]
    actions: list[dict[str, Any]]  # {frame, action} at 25 fps from the window's start

    @property
    def has_players(self) -> bool:
        """Whether 360 freeze frames place the players (else a replay keeps a formation around the ball)."""
        return bool(self.frames)


def load_statsbomb(event_data: Path, lineup_data: Path, three_sixty: Path | None = None) -> Any:
    """A StatsBomb match read with kloppy in one static orientation (with its 360 frames when given)."""
    try:
        from kloppy import statsbomb
    except ImportError:
        raise EventsError("kloppy is not installed", "pip install 'scoreminer[events]'") from None
    for path in (event_data, lineup_data, *([three_sixty] if three_sixty else [])):
        if not path.is_file():
            raise EventsError(f"{path} is not a file", "pass the match's StatsBomb event, lineup and 360 files")
    kwargs = {"three_sixty_data": str(three_sixty)} if three_sixty else {}
    dataset = statsbomb.load(event_data=str(event_data), lineup_data=str(lineup_data), **kwargs)
    return dataset.transform(to_orientation="STATIC_HOME_AWAY")


def real_window(dataset: Any, period: int, start_s: float, duration_s: float = 30.0) -> RealWindow:
    """The positions and true actions of `duration_s` of `period` from `start_s` (a kloppy EventDataset)."""
    end_s = start_s + duration_s
    home = dataset.metadata.teams[0]
    events = [e for e in dataset.events if e.period.id == period]
    if not events or _seconds(events[-1].timestamp) < end_s:
        raise EventsError(
            f"period {period} has no play from {start_s:.0f} s to {end_s:.0f} s", "choose a window inside the period"
        )
    margin = 5.0  # keyframes just outside the window keep the ball moving at its edges
    ball: list[tuple[float, float, float]] = []
    frames: list[FreezeFrame] = []
    for event in events:
        t = _seconds(event.timestamp)
        if not start_s - margin <= t <= end_s + margin:
            continue
        ball += [(time - start_s, *xy) for time, xy in _ball_keyframes(event)]
        frame = _freeze_frame(event, home, t - start_s)
        if frame is not None:
            frames.append(frame)
    if len(ball) < 2:
        raise EventsError(f"no located events from {start_s:.0f} s to {end_s:.0f} s", "choose a window with play")
    ordered = np.array(sorted(ball, key=lambda k: k[0]))
    actions = window(to_actions(rows_from_kloppy(dataset), "statsbomb"), period, start_s, end_s)
    name = getattr(dataset.metadata, "game_id", None) or "-".join(t.name for t in dataset.metadata.teams)
    source = {"provider": "statsbomb", "match": str(name), "period": period, "from_s": start_s, "to_s": end_s}
    return RealWindow(source, duration_s, ordered, frames, actions)


def _ball_keyframes(event: Any) -> list[tuple[float, np.ndarray]]:
    """Where the ball was at an event's start and, for passes, carries and shots, where and when it ended."""
    t = _seconds(event.timestamp)
    start = _cm(event.coordinates)
    if start is None:
        return []
    out = [(t, start)]
    kind = event.event_type.name
    if kind == "PASS":
        end = _cm(getattr(event, "receiver_coordinates", None))
        received = getattr(event, "receive_timestamp", None)
        if end is not None:
            flight = _seconds(received) - t if received is not None else _travel(start, end, PASS_M_S)
            out.append((t + max(flight, 0.2), end))
    elif kind == "CARRY":
        end = _cm(getattr(event, "end_coordinates", None))
        finished = getattr(event, "end_timestamp", None)
        if end is not None and finished is not None:
            out.append((max(_seconds(finished), t + 0.2), end))
    elif kind == "SHOT":
        end = _cm(getattr(event, "result_coordinates", None))
        if end is not None:
            out.append((t + max(_travel(start, end, SHOT_M_S), 0.2), end))
    return out


def _freeze_frame(event: Any, home: Any, t: float) -> FreezeFrame | None:
    frame = getattr(event, "freeze_frame", None)
    if frame is None or not frame.players_data:
        return None
    xy, team, keeper = [], [], []
    for player, data in frame.players_data.items():
        point = _cm(data.coordinates)
        if point is None:
            continue
        xy.append(point)
        team.append(0 if player.team == home else 1)
        position = getattr(player, "starting_position", None)
        keeper.append(bool(getattr(player, "attributes", {}).get("goalkeeper")) or "Goalkeeper" in str(position))
    if not xy:
        return None
    return FreezeFrame(t, np.array(xy), np.array(team), np.array(keeper), _visible_area(event))


def _visible_area(event: Any) -> np.ndarray | None:
    """The 360 frame's visible-area polygon in cm and the static orientation (kloppy leaves it raw: yards, the
    acting team attacking +x; the event's own location shows whether kloppy mirrored the event)."""
    raw = (getattr(event.freeze_frame, "other_data", None) or {}).get("visible_area")
    location = event.raw_event.get("location") if isinstance(event.raw_event, dict) else None
    if not raw or location is None or event.coordinates is None:
        return None
    polygon = np.array(raw, float).reshape(-1, 2) / STATSBOMB_YARDS
    as_raw = np.array(location[:2], float) / STATSBOMB_YARDS
    if np.linalg.norm(as_raw - [event.coordinates.x, event.coordinates.y]) > 0.05:
        polygon = 1.0 - polygon  # kloppy turned this event round; turn its polygon round with it
    return polygon * (LENGTH, WIDTH)


def _cm(point: Any) -> np.ndarray | None:
    if point is None or getattr(point, "x", None) is None or getattr(point, "y", None) is None:
        return None
    if not (np.isfinite(point.x) and np.isfinite(point.y)):
        return None
    return np.array([float(point.x) * LENGTH, float(point.y) * WIDTH])


def _travel(start: np.ndarray, end: np.ndarray, speed_m_s: float) -> float:
    return float(np.linalg.norm(end - start)) / 100.0 / speed_m_s


def _seconds(value: timedelta | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
