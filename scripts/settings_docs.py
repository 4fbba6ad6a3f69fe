"""Regenerate .env.example, the README's configuration table (from the Settings model) and its PM2 example."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from scoreminer.settings import Settings

ROOT = Path(__file__).parents[1]
DERIVED = {
    "player_img_size": "IMG_SIZE",
    "pitch_img_size": "IMG_SIZE",
    "ball_confidence": "DETECTION_CONFIDENCE",
    "port": "7999; 8000 under turbovision-private",
    "challenge_deadline_s": "240; 30 under turbovision-private",
    "download_timeout_s": "60; 20 under turbovision-private",
    "action_floors": "measured, docs/actions.md",
}


def default_text(name: str) -> str:
    value = Settings.model_fields[name].default
    if name in DERIVED:
        return DERIVED[name]
    return "" if value is None else ",".join(value) if isinstance(value, list) else str(value)


def env_example() -> str:
    lines = [
        "# scoreminer settings. Copy to .env next to where you run the miner, or pass --env-file.",
        "# Precedence: command-line flag > process environment > this file > default.",
        "# Relative paths here are relative to this file's folder.",
        "",
    ]
    for name, info in Settings.model_fields.items():
        value = "44" if name == "netuid" else "" if name in DERIVED else default_text(name)
        lines += [f"# {info.description} Allowed: {info.json_schema_extra['allowed']}.", f"{name.upper()}={value}", ""]
    return "\n".join(lines)


def readme_table() -> str:
    rows = ["| setting | default | meaning | allowed |", "|---|---|---|---|"]
    for name, info in Settings.model_fields.items():
        rows.append(
            f"| `{name.upper()}` | `{default_text(name)}` | {info.description} | {info.json_schema_extra['allowed']} |"
        )
    return "\n".join(rows)


def pm2_example() -> str:
    """Run `scoreminer pm2` on a scratch .env; show its output and file with readable paths."""
    with tempfile.TemporaryDirectory() as folder:
        env = Path(folder) / ".env"
        env.write_text("NETUID=44\n")
        script = Path(sys.executable).parent / "scoreminer"
        printed = subprocess.run(
            [str(script), "pm2", "--env-file", str(env)], capture_output=True, text=True, check=True
        ).stdout
        written = (Path(folder) / "ecosystem.config.js").read_text()
    venv = str(Path(sys.executable).parent.parent)
    text = f"```console\n$ scoreminer pm2 --env-file /home/you/miner/.env\n{printed}```\n\n```js\n{written}```"
    return (
        text.replace(str(Path(folder).resolve()), "/home/you/miner")
        .replace(folder, "/home/you/miner")
        .replace(venv, "/home/you/scoreminer/.venv")
    )


def replace_block(text: str, name: str, body: str) -> str:
    block = f"<!-- {name}:start -->\n{body}\n<!-- {name}:end -->"
    return re.sub(rf"<!-- {name}:start -->.*<!-- {name}:end -->", lambda m: block, text, flags=re.S)


def main() -> None:
    (ROOT / ".env.example").write_text(env_example())
    readme = (ROOT / "README.md").read_text()
    readme = replace_block(readme, "settings", readme_table())
    readme = replace_block(readme, "pm2", pm2_example())
    (ROOT / "README.md").write_text(readme)


if __name__ == "__main__":
    main()
