"""Checks on the files the miner needs: the hotkey and the model weights."""

from __future__ import annotations

from scoreminer.doctor.report import Check, fail, ok, skip
from scoreminer.errors import HotkeyError
from scoreminer.settings import Settings


def check_hotkey(settings: Settings) -> Check:
    """The hotkey file exists, parses and its ss58Address matches its secretSeed."""
    from scoreminer.network.auth.hotkey import load_hotkey

    if settings.spotcheck_mode:
        return skip("hotkey", "SPOTCHECK_MODE: a spot check runs the image with no hotkey")
    try:
        keypair = load_hotkey(settings.hotkey_path)
    except HotkeyError as exc:
        return fail("hotkey", exc.problem, exc.fix)
    return ok("hotkey", f"{keypair.ss58_address} ({settings.hotkey_path})")


def check_models(settings: Settings) -> Check:
    """Both weights files are present and not empty."""
    paths = [settings.player_model_path, settings.pitch_model_path]
    missing = [str(p) for p in paths if not p.is_file() or p.stat().st_size == 0]
    if missing:
        return fail(
            "models",
            "missing or empty: " + ", ".join(missing),
            f"put the weights into {settings.models_dir} (the reference miner's are Roboflow's soccer models: "
            "github.com/roboflow/sports examples/soccer/setup.sh downloads football-player-detection.pt and "
            "football-pitch-detection.pt; score-vision's miner keeps them in miner/data/), or set MODELS_DIR / "
            "PLAYER_MODEL / PITCH_MODEL; `--demo` runs the shipped demo models",
        )
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in paths)
    return ok("models", f"{settings.models_dir}: {sizes}")
