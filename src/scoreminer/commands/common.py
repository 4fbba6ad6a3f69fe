"""What the commands share: the consoles, common options, the CLI state and the --demo presets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from scoreminer.settings import Preset, Settings, load_settings

console = Console()
err_console = Console(stderr=True)

Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Demo = Annotated[
    bool,
    typer.Option("--demo", help="Use the shipped demo models at their sizes (a preset: .env and --set still win)."),
]


@dataclass
class CliState:
    """Global options; settings are built when a command asks, so `--help` never trips on a bad .env."""

    env_file: Path | None
    sets: dict[str, str] = field(default_factory=dict)

    def settings(self, preset: Preset | None = None, lenient: bool = False, **flags: Any) -> Settings:
        """The one settings object: this command's flags > --set > environment > .env > preset > defaults.

        `lenient`: a bad value holds its default instead of failing (for commands that read one setting)."""
        return load_settings(self.env_file, self.sets, flags=flags, preset=preset, lenient=lenient)


def demo_preset(demo: bool) -> Preset | None:
    from scoreminer.demo.presets import demo_models

    return demo_models() if demo else None


def demo_miner_preset() -> tuple[Preset, Path]:
    from scoreminer.demo.presets import demo_miner

    return demo_miner(Path("demo").resolve())
