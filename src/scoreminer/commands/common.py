"""What the commands share: the consoles, common options, the CLI state and the --demo presets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from scoreminer.settings import Preset, Settings, load_settings

if TYPE_CHECKING:
    from scoreminer.contract.manifest import Manifest

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


def load_manifest(ctx: typer.Context, manifest: Path | None, say: bool = True) -> tuple[Manifest, str]:
    """(manifest, where it came from): --manifest, else the live index (MANIFEST_URL), else the shipped one."""
    from scoreminer.contract.manifest import read_manifest
    from scoreminer.errors import ManifestError
    from scoreminer.network.manifest import fetch_manifest

    if manifest is not None:
        return read_manifest(manifest), str(manifest)
    settings = ctx.obj.settings(lenient=True)
    try:
        return fetch_manifest(settings.manifest_url), settings.manifest_url
    except ManifestError as exc:
        if say:
            err_console.print(f"[yellow]{exc.problem}; using the shipped football manifest[/]", highlight=False)
        return read_manifest(None), "shipped football manifest"
