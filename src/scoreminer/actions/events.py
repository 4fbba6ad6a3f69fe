"""Event data of real matches as Turbo Vision truth: each provider's events (read with kloppy) mapped to the 15
actions the private track pays for, with each provider's quirks, and a window of them as a 25 fps truth file.

The mapping (docs/actions.md has it as a table):

    kloppy event                      Turbo Vision action(s)
    PASS                              pass at the kick; pass_received at the reception when the pass is complete
    SHOT                              shot; goal beside it when it went in; save when it was saved and the
                                      provider logs no goalkeeper saves; block when it was blocked and the
                                      provider logs no blocks of its own
    RECOVERY / INTERCEPTION           recovery / interception
    CLEARANCE / TAKE_ON               clearance / take_on
    SUBSTITUTION / FOUL_COMMITTED     substitution / foul
    DUEL, aerial                      aerial_duel, one per player involved (the subnet's convention)
    DUEL, ground or tackle            tackle, one per duel (the tackler's)
    GOALKEEPER save, reflex, attempt  save
    BALL_OUT                          ball_out_of_play; providers without such events: derived from a pass or a
                                      shot whose outcome put the ball out
    StatsBomb "Block"                 block
    carries, pressure, cards, the rest  nothing (the private track does not pay for them)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from scoreminer.contract.turbovision import FRAME_RATE
from scoreminer.errors import ScoreminerError


class EventsError(ScoreminerError):
    """Event data that cannot be read or windowed (exit 2: the command was pointed at the wrong input)."""

    exit_code = 2


@dataclass(frozen=True)
class Quirks:
    """How a provider logs what the mapping needs."""

    receptions: bool  # a complete pass carries the time it was received (else: the next event of the team)
    duels_per_player: bool  # both players of a duel have an event (else one per duel: the loser's)
    ball_out_events: bool  # the ball going out is an event of its own (else derived from outcomes)
    goalkeeper_saves: bool  # the keeper's save is an event (else derived from a saved shot)
    blocks: bool  # a blocked shot has the blocker's own event


QUIRKS: dict[str, Quirks] = {
    "statsbomb": Quirks(
        receptions=True, duels_per_player=False, ball_out_events=True, goalkeeper_saves=True, blocks=True
    ),
    "impect": Quirks(
        receptions=True, duels_per_player=False, ball_out_events=True, goalkeeper_saves=True, blocks=False
    ),
    "wyscout": Quirks(
        receptions=False, duels_per_player=True, ball_out_events=False, goalkeeper_saves=True, blocks=False
    ),
    "metrica": Quirks(
        receptions=False, duels_per_player=True, ball_out_events=True, goalkeeper_saves=False, blocks=False
    ),
    "statsperform": Quirks(
        receptions=False, duels_per_player=True, ball_out_events=True, goalkeeper_saves=True, blocks=False
    ),
    "opta": Quirks(receptions=False, duels_per_player=True, ball_out_events=True, goalkeeper_saves=True, blocks=False),
    "sportec": Quirks(
        receptions=False, duels_per_player=False, ball_out_events=True, goalkeeper_saves=False, blocks=False
    ),
}
SAVES = {"SAVE", "REFLEX", "SAVE_ATTEMPT"}
OUT_RESULTS = {"OUT"}
SHOT_OUT = {"OFF_TARGET", "POST"}  # POST: only when nothing follows in play; counted as out, the usual outcome
SAME_DUEL_S = 0.5  # two per-player duel events this close are one duel


@dataclass(frozen=True)
class EventRow:
    """One provider event as the mapping reads it (from kloppy, or written by hand in tests)."""

    kind: str  # kloppy's EventType name: PASS, SHOT, DUEL, …
    period: int
    time_s: float  # from the start of its period
    result: str | None = None  # kloppy's result name: COMPLETE, OUT, GOAL, SAVED, …
    qualifiers: frozenset[str] = field(default_factory=frozenset)  # duel and goalkeeper types: AERIAL, SAVE, …
    receive_s: float | None = None
    team: str | None = None
    raw_name: str = ""  # the provider's own name for a GENERIC event ("Block", "Ball Receipt*")


@dataclass(frozen=True)
class TrueAction:
    period: int
    time_s: float
    action: str


class TruthFile(BaseModel):
    """What `scoreminer actions truth` writes: the window's actions at 25 fps, as `score actions` reads them."""

    challenge_id: str
    source: dict[str, Any]
    fps: float = FRAME_RATE
    actions: list[dict[str, Any]]


def to_actions(rows: Sequence[EventRow], provider: str) -> list[TrueAction]:
    """Every event mapped to the Turbo Vision actions it is worth, in time order."""
    quirks = quirks_of(provider)
    ordered = sorted(rows, key=lambda r: (r.period, r.time_s))
    out: list[TrueAction] = []
    for i, row in enumerate(ordered):
        out += [TrueAction(row.period, t, name) for t, name in _mapped(row, ordered[i + 1 :], quirks)]
    if quirks.duels_per_player:
        out = _one_tackle_per_duel(out)
    return sorted(out, key=lambda a: (a.period, a.time_s))


def _mapped(row: EventRow, after: Sequence[EventRow], quirks: Quirks) -> list[tuple[float, str]]:
    t = row.time_s
    simple = {
        "RECOVERY": "recovery",
        "INTERCEPTION": "interception",
        "CLEARANCE": "clearance",
        "TAKE_ON": "take_on",
        "SUBSTITUTION": "substitution",
        "FOUL_COMMITTED": "foul",
        "BALL_OUT": "ball_out_of_play",
    }
    if row.kind in simple:
        return [(t, simple[row.kind])]
    if row.kind == "PASS":
        out = [(t, "pass")]
        if row.result == "COMPLETE":
            received = row.receive_s if quirks.receptions else _next_of_team(row, after)
            if received is not None:
                out.append((received, "pass_received"))
        if row.result in OUT_RESULTS and not quirks.ball_out_events:
            out.append((row.receive_s if row.receive_s is not None else t + 1.0, "ball_out_of_play"))
        return out
    if row.kind == "SHOT":
        out = [(t, "shot")]
        if row.result in ("GOAL", "OWN_GOAL"):
            out.append((t, "goal"))
        if row.result == "SAVED" and not quirks.goalkeeper_saves:
            out.append((t, "save"))
        if row.result == "BLOCKED" and not quirks.blocks:
            out.append((t, "block"))
        if row.result in SHOT_OUT and not quirks.ball_out_events:
            out.append((t + 1.0, "ball_out_of_play"))
        return out
    if row.kind == "DUEL":
        if "AERIAL" in row.qualifiers:
            return [(t, "aerial_duel")] * (1 if quirks.duels_per_player else 2)
        if row.qualifiers & {"GROUND", "TACKLE", "SLIDING_TACKLE"}:
            return [(t, "tackle")]
        return []
    if row.kind == "GOALKEEPER" and row.qualifiers & SAVES:
        return [(t, "save")]
    if row.kind == "GENERIC" and quirks.blocks and row.raw_name.lower() == "block":
        return [(t, "block")]
    return []


def _next_of_team(row: EventRow, after: Sequence[EventRow]) -> float | None:
    # no reception times: the pass was received when its team's next event on the ball began
    for other in after:
        if other.period != row.period or other.time_s - row.time_s > 10:
            return None
        if other.team == row.team and other.kind not in ("GENERIC", "FORMATION_CHANGE", "SUBSTITUTION"):
            return other.time_s
    return None


def _one_tackle_per_duel(actions: list[TrueAction]) -> list[TrueAction]:
    # both players of a ground duel have an event; the tackle is one player's
    kept: list[TrueAction] = []
    for action in actions:
        twin = kept and kept[-1].action == "tackle" and action.action == "tackle"
        if twin and kept[-1].period == action.period and action.time_s - kept[-1].time_s <= SAME_DUEL_S:
            continue
        kept.append(action)
    return kept


def quirks_of(provider: str) -> Quirks:
    try:
        return QUIRKS[provider]
    except KeyError:
        raise EventsError(f"unknown provider {provider!r}", f"use one of {', '.join(sorted(QUIRKS))}") from None


def window(actions: Iterable[TrueAction], period: int, start_s: float, end_s: float) -> list[dict[str, Any]]:
    """The actions of one period between two clock times, as `{frame, action}` at 25 fps from `start_s`."""
    if end_s <= start_s:
        raise EventsError(f"--to {clock(end_s)} is not after --from {clock(start_s)}", "give a window of play")
    return [
        {"frame": int(round((a.time_s - start_s) * FRAME_RATE)), "action": a.action}
        for a in actions
        if a.period == period and start_s <= a.time_s < end_s
    ]


def parse_clock(text: str) -> float:
    """ "12:30" (or "12:30.5", "750s" is not accepted) → seconds from the period's start."""
    found = re.fullmatch(r"\s*(\d+):([0-5]?\d(?:\.\d+)?)\s*", text)
    if not found:
        raise EventsError(f"{text!r} is not MM:SS", "e.g. --from 12:30 --to 13:00")
    return int(found.group(1)) * 60 + float(found.group(2))


def clock(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


def rows_from_kloppy(dataset: Any) -> list[EventRow]:
    """kloppy's EventDataset as rows (times from each period's start)."""
    rows = []
    for event in dataset.events:
        qualifiers = frozenset(
            str(getattr(q.value, "name", q.value))
            for q in (event.qualifiers or [])
            if type(q).__name__ in ("DuelQualifier", "GoalkeeperQualifier")
        )
        receive = getattr(event, "receive_timestamp", None)
        raw = event.raw_event if isinstance(event.raw_event, dict) else {}
        raw_type = raw.get("type")
        rows.append(
            EventRow(
                kind=event.event_type.name,
                period=event.period.id,
                time_s=_seconds(event.timestamp),
                result=None if event.result is None else event.result.name,
                qualifiers=qualifiers,
                receive_s=None if receive is None else _seconds(receive),
                team=None if event.team is None else str(event.team.team_id),
                raw_name=str(raw_type.get("name", "")) if isinstance(raw_type, dict) else "",
            )
        )
    return rows


def _seconds(value: timedelta | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def load_rows(provider: str, event_data: Path, meta_data: Path | None = None) -> list[EventRow]:
    """Read a provider's event file (and its metadata or lineup file where kloppy needs one) with kloppy."""
    quirks_of(provider)
    try:
        import kloppy  # noqa: F401 - the optional extra
    except ImportError:
        raise EventsError("kloppy is not installed", "pip install 'scoreminer[events]'") from None
    if not event_data.is_file():
        raise EventsError(f"{event_data} is not a file", "pass the provider's event file")
    try:
        return rows_from_kloppy(_load(provider, event_data, meta_data))
    except EventsError:
        raise
    except Exception as exc:  # kloppy's parsers raise many kinds on a wrong file
        raise EventsError(
            f"kloppy could not read {event_data} as {provider} ({type(exc).__name__}: {str(exc)[:160]})",
            "check --provider and pass the metadata/lineup file with --meta where the provider needs one",
        ) from exc


def _load(provider: str, event_data: Path, meta_data: Path | None) -> Any:
    from kloppy import impect, metrica, opta, sportec, statsbomb, statsperform, wyscout

    def meta() -> str:
        if meta_data is None:
            raise EventsError(f"{provider} needs its metadata or lineup file", "pass it with --meta")
        return str(meta_data)

    events = str(event_data)
    if provider == "statsbomb":
        return statsbomb.load(event_data=events, lineup_data=meta()) if meta_data else statsbomb.load(event_data=events)
    if provider == "wyscout":
        return wyscout.load(event_data=events)
    if provider == "impect":
        return impect.load(event_data=events, lineup_data=meta())
    if provider == "metrica":
        return metrica.load_event(event_data=events, meta_data=meta())
    if provider == "statsperform":
        return statsperform.load_event(ma1_data=meta(), ma3_data=events)
    if provider == "opta":
        return opta.load(f7_data=meta(), f24_data=events)
    return sportec.load_event(event_data=events, meta_data=meta())
