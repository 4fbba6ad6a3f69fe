"""Regenerate .env.example and the README's configuration table from the Settings model."""

from __future__ import annotations

import re
from pathlib import Path

from scoreminer.settings import Settings

ROOT = Path(__file__).parents[1]
DERIVED = {"player_img_size": "IMG_SIZE", "pitch_img_size": "IMG_SIZE"}


def default_text(name: str) -> str:
    value = Settings.model_fields[name].default
    if name in DERIVED:
        return DERIVED[name]
    return "" if value is None else ",".join(value) if isinstance(value, list) else str(value)


def env_example() -> str:
    lines = ["# scoreminer settings. Copy to .env next to where you run the miner, or pass --env-file.",
             "# Precedence: command-line flag > process environment > this file > default.",
             "# Relative paths here are relative to this file's folder.", ""]
    for name, info in Settings.model_fields.items():
        value = "44" if name == "netuid" else "" if name in DERIVED else default_text(name)
        lines += [f"# {info.description} Allowed: {info.json_schema_extra['allowed']}.", f"{name.upper()}={value}", ""]
    return "\n".join(lines)


def readme_table() -> str:
    rows = ["| setting | default | meaning | allowed |", "|---|---|---|---|"]
    for name, info in Settings.model_fields.items():
        rows.append(f"| `{name.upper()}` | `{default_text(name)}` | {info.description} | {info.json_schema_extra['allowed']} |")
    return "\n".join(rows)


def main() -> None:
    (ROOT / ".env.example").write_text(env_example())
    readme = (ROOT / "README.md").read_text()
    table = "<!-- settings:start -->\n" + readme_table() + "\n<!-- settings:end -->"
    readme = re.sub(r"<!-- settings:start -->.*<!-- settings:end -->", lambda m: table, readme, flags=re.S)
    (ROOT / "README.md").write_text(readme)


if __name__ == "__main__":
    main()
