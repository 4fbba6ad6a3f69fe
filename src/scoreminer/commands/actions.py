"""`actions truth`: a window of a real match's event data as a Turbo Vision truth file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scoreminer.commands.common import console

actions_app = typer.Typer(help="Football actions from event data (the `scoreminer[events]` extra: kloppy).")


@actions_app.command("truth")
def truth_cmd(
    events: Annotated[Path, typer.Argument(help="The provider's event file.")],
    provider: Annotated[
        str, typer.Option("--provider", help="statsbomb, wyscout, impect, metrica, statsperform, opta, sportec.")
    ],
    period: Annotated[int, typer.Option("--period", min=1, max=5, help="The period the window lies in.")] = 1,
    start: Annotated[str, typer.Option("--from", help="Window start, MM:SS from the period's start.")] = "00:00",
    end: Annotated[str, typer.Option("--to", help="Window end, MM:SS (30 s is a private-track clip).")] = "00:30",
    meta: Annotated[
        Path | None,
        typer.Option("--meta", help="Its metadata/lineup file where kloppy needs one (ma1 for statsperform)."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the truth file here (default: print it).")] = None,
) -> None:
    """The true actions of one window, frames at 25 fps from --from, as `score actions` reads them."""
    from scoreminer.actions.events import TruthFile, clock, load_rows, parse_clock, to_actions, window

    start_s, end_s = parse_clock(start), parse_clock(end)
    actions = window(to_actions(load_rows(provider, events, meta), provider), period, start_s, end_s)
    source = {"file": events.name, "provider": provider, "period": period, "from": clock(start_s), "to": clock(end_s)}
    truth = TruthFile(challenge_id=f"{events.stem}-p{period}-{int(start_s)}", source=source, actions=actions)
    text = truth.model_dump_json(indent=2)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text)
    console.print(
        f"{len(actions)} actions in {clock(start_s)}–{clock(end_s)} of period {period} → {out}", highlight=False
    )
