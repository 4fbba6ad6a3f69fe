"""A Docker build context for the private track: this package, the weights baked in, `scoreminer serve` on 8000.

The validator's spot check pulls the committed image and reruns a challenge on it (with SPOTCHECK_MODE and
verification off, no wallet): so the image carries the weights and every setting that shapes an answer, and it
never carries a wallet, a `.env` or any other secret; those are mounted when the operator runs it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib.metadata import metadata, requires
from pathlib import Path

from scoreminer.errors import ConfigError, ModelLoadError
from scoreminer.settings import Settings

IMAGE_PORT = 8000
PACKAGE = Path(__file__).resolve().parents[1]
# Set by the image itself, or the operator's alone (paths on their machine, who they are).
NOT_BAKED = {
    "protocol",
    "host",
    "port",
    "models_dir",
    "player_model",
    "pitch_model",
    "wallet_path",
    "wallet_name",
    "hotkey_name",
    "nodes_snapshot",
    "download_dir",
    "export_cache_dir",
    "subtensor_address",
    "verify_enabled",
    "blacklist_enabled",
    "spotcheck_mode",
}
IGNORED = [
    "**/.env",
    "**/.env.*",
    "**/wallets",
    "**/hotkeys",
    "**/coldkey*",
    "**/*.pem",
    "**/*.key",
    "**/nodes.json",
    "**/__pycache__",
    "**/*.pyc",
    "**/.cache",
    ".git",
]
SKIPPED_IN_PACKAGE = shutil.ignore_patterns("__pycache__", "*.pyc", ".cache", "*.mp4")


@dataclass(frozen=True)
class DockerContext:
    """What `scoreminer docker` wrote: the folder, its files, and the environment baked into the image."""

    folder: Path
    files: list[Path]
    environment: dict[str, str]

    def build_command(self, tag: str) -> str:
        return f"docker build -t {tag} {self.folder}"

    def run_command(self, tag: str) -> str:
        return (
            f"docker run -d --gpus all -p {IMAGE_PORT}:{IMAGE_PORT} -v ~/.bittensor/wallets:/wallets:ro "
            f"-e WALLET_NAME=<wallet> -e HOTKEY_NAME=<hotkey> -e NETUID=44 {tag}"
        )


def image_environment(settings: Settings, player: str, pitch: str) -> dict[str, str]:
    """ENV lines of the image: where things are inside it, then every setting the operator chose that shapes
    an answer (so a spot check reruns the same miner)."""
    env = {
        "PYTHONUNBUFFERED": "1",
        "YOLO_OFFLINE": "1",
        "YOLO_AUTOINSTALL": "false",
        "PROTOCOL": "turbovision-private",
        "HOST": "0.0.0.0",
        "PORT": str(IMAGE_PORT),
        "MODELS_DIR": "/app/models",
        "PLAYER_MODEL": player,
        "PITCH_MODEL": pitch,
        "EXPORT_CACHE_DIR": "/app/cache",
        "NODES_SNAPSHOT": "/app/state/nodes.json",
        "WALLET_PATH": "/wallets",
    }
    for key, value, source in settings.rows():
        if source != "default" and not source.startswith("default ") and key.lower() not in NOT_BAKED and value:
            env[key] = value
    return env


def write_context(settings: Settings, folder: Path) -> DockerContext:
    """Write the build context into `folder` (created; refused when it holds anything but a previous context)."""
    weights = [settings.player_model_path, settings.pitch_model_path]
    missing = [str(p) for p in weights if not p.is_file()]
    if missing:
        raise ModelLoadError(f"no weights at {', '.join(missing)}", "set MODELS_DIR / PLAYER_MODEL / PITCH_MODEL")
    _prepare(folder)
    shutil.copytree(PACKAGE, folder / "src" / "scoreminer", ignore=SKIPPED_IN_PACKAGE)
    (folder / "models").mkdir()
    for path in weights:
        shutil.copy2(path, folder / "models" / path.name)
    environment = image_environment(settings, weights[0].name, weights[1].name)
    (folder / "pyproject.toml").write_text(pyproject())
    (folder / "README.md").write_text("scoreminer, packaged by `scoreminer docker` for Turbo Vision's private track.\n")
    (folder / "Dockerfile").write_text(dockerfile(environment))
    (folder / ".dockerignore").write_text("\n".join(IGNORED) + "\n")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return DockerContext(folder, files, environment)


def _prepare(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        if not (folder / "Dockerfile").is_file() or not (folder / "src" / "scoreminer").is_dir():
            raise ConfigError(f"{folder} is not empty", "pass --out with a new folder (or a previous docker context)")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)


def pyproject() -> str:
    """A pyproject for the copied package, from this install's own metadata (works for any install)."""
    meta = metadata("scoreminer")
    dependencies = [r for r in requires("scoreminer") or [] if "extra ==" not in r]
    listed = "\n".join(f'    "{d}",' for d in dependencies)
    return f"""[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "scoreminer"
version = "{meta["Version"]}"
requires-python = "{meta["Requires-Python"] or ">=3.10"}"
dependencies = [
{listed}
]

[project.scripts]
scoreminer = "scoreminer.cli:main"

[tool.setuptools.packages.find]
where = ["src"]

[tool.setuptools.package-data]
scoreminer = ["py.typed", "demo/weights/*.pt", "demo/weights/*.json"]
"""


def dockerfile(environment: dict[str, str]) -> str:
    env = " \\\n    ".join(f'{k}="{v}"' for k, v in environment.items())
    return f"""# Written by `scoreminer docker`: this package with its weights, serving Turbo Vision's private track.
# No wallet, .env or secret is in it: mount the wallet read-only and pass who you are at run time.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && mkdir -p /app/cache /app/state
COPY models ./models
ENV {env}
EXPOSE {IMAGE_PORT}
# Models load and warm before the port opens; the spot check waits on /docs, served once they are.
CMD ["scoreminer", "serve"]
"""
