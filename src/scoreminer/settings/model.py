"""The settings model: every knob of the miner with its meaning, allowed values and validation."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from scoreminer.errors import ConfigError
from scoreminer.settings.env_file import EnvFileLookup

NETWORK_ADDRESSES = {
    "finney": "wss://entrypoint-finney.opentensor.ai:443",
    "test": "wss://test.finney.opentensor.ai:443",
    "local": "ws://127.0.0.1:9944",
}

# Per action, the least confidence the rule spotter's answer must have. Chosen on training renders so that
# each action answered keeps a precision above 0.5 on held-out renders (docs/actions.md): the validator
# subtracts the weight of every unmatched prediction. Actions not listed are never answered.
ACTION_FLOORS: dict[str, float] = {
    "pass": 0.05,
    "pass_received": 0.45,
    "interception": 0.05,
    "ball_out_of_play": 0.0,
    "clearance": 0.0,
    "shot": 0.0,
    "goal": 0.0,
}  # recovery and save: no floor kept their precision above 0.5 on the training renders


def _f(default: Any, meaning: str, allowed: str, **kw: Any) -> Any:
    """A field with the text used by README, .env.example and error messages."""
    return Field(default, description=meaning, json_schema_extra={"allowed": allowed}, **kw)


class Settings(BaseSettings):
    """Every setting of the miner; field `foo_bar` is read from `FOO_BAR`."""

    model_config = SettingsConfigDict(
        case_sensitive=False, env_ignore_empty=True, extra="ignore", validate_default=True
    )

    protocol: Literal["score-vision", "turbovision-private"] = _f(
        "score-vision",
        "The validator protocol served: Score Vision's POST /soccer/challenge (boxes and keypoints per frame) or "
        "Turbo Vision's private-track POST /challenge (the football actions in a clip).",
        "score-vision, turbovision-private",
    )
    netuid: int | None = _f(None, "Subnet uid (44 on finney, 261 on testnet).", "0 to 65535", ge=0, le=65535)
    subtensor_network: Literal["finney", "test", "local"] = _f(
        "finney", "Named chain endpoint, used when SUBTENSOR_ADDRESS is empty.", "finney, test, local"
    )
    subtensor_address: str | None = _f(None, "Chain websocket URL; overrides SUBTENSOR_NETWORK.", "ws://… or wss://…")
    wallet_name: str = _f("default", "Wallet folder under WALLET_PATH.", "a folder name")
    hotkey_name: str = _f("default", "Hotkey file under WALLET_PATH/WALLET_NAME/hotkeys.", "a file name")
    wallet_path: Path = _f(Path("~/.bittensor/wallets"), "Where wallets live.", "a directory")
    min_stake_threshold: float = _f(1000.0, "Least stake a validator needs to be served.", "a number ≥ 0", ge=0)
    refresh_nodes: bool = _f(True, "Refresh the metagraph from the chain in the background.", "true or false")
    load_old_nodes: bool = _f(True, "Start from the saved metagraph snapshot.", "true or false")
    nodes_snapshot: Path = _f(Path("nodes.json"), "Where the metagraph snapshot is saved.", "a file path")
    allowed_validator_hotkeys: Annotated[list[str], NoDecode] = _f(
        [],
        "Hotkeys served without the metagraph lookup (testnet/local); signatures still checked.",
        "comma-separated ss58 addresses",
    )
    verify_enabled: bool = _f(
        True,
        "Check each challenge's signature; false answers unsigned requests (what Turbo Vision's spot checks send "
        "to a committed image; never on a public port otherwise).",
        "true or false",
    )
    blacklist_enabled: bool = _f(
        True,
        "Refuse validators without MIN_STAKE_THRESHOLD (or off the allow-list); false serves any signer.",
        "true or false",
    )
    spotcheck_mode: bool = _f(
        False,
        "Turbo Vision's spot check runs the committed image with this set: serve with no hotkey and no metagraph, "
        "answering unsigned challenges.",
        "true or false",
    )
    device: str = _f("auto", "Torch device for the models.", "auto, cpu, cuda, cuda:N, mps")
    half: bool = _f(False, "Half precision (CUDA only).", "true or false")
    backend: Literal["auto", "torch", "onnx", "openvino", "tensorrt"] = _f(
        "auto",
        "Inference runtime; auto: TensorRT on CUDA (else torch), OpenVINO on CPU (else torch).",
        "auto, torch, onnx, openvino, tensorrt",
    )
    openvino_precision: Literal["f32", "bf16", "auto"] = _f(
        "f32",
        "OpenVINO's inference precision on the CPU. f32 gives the same answer on every CPU; bf16 is faster where "
        "the CPU has AVX-512 BF16 or AMX but answers differ (a spot check reruns the image on another machine); "
        "auto lets OpenVINO choose, which is bf16 on such CPUs.",
        "f32, bf16, auto",
    )
    preprocess: Literal["auto", "shared", "per-model"] = _f(
        "auto",
        "Letterbox each batch once on the model's device and feed both models from it (shared), or let "
        "ultralytics do it for each model (per-model); auto: shared on CUDA, per-model on CPU.",
        "auto, shared, per-model",
    )
    torch_threads: int | None = _f(
        None, "Threads for the forward pass (all cores this process may use when empty).", "1 to 256", ge=1, le=256
    )
    export_cache_dir: Path | None = _f(
        None,
        "Where exported models are cached (the user's cache folder, ~/.cache/scoreminer/exports, when empty).",
        "a directory",
    )
    batch_size: int = _f(8, "Frames per model call.", "1 to 1024", ge=1, le=1024)
    img_size: int = _f(1280, "Model input size; default for both models.", "32 to 4096, multiple of 32", ge=32, le=4096)
    player_img_size: int | None = _f(
        None, "Player model input size (IMG_SIZE when empty).", "32 to 4096, multiple of 32", ge=32, le=4096
    )
    pitch_img_size: int | None = _f(
        None, "Pitch model input size (IMG_SIZE when empty).", "32 to 4096, multiple of 32", ge=32, le=4096
    )
    frame_stride: int = _f(1, "Run the models on every Nth frame; others are interpolated.", "1 to 10", ge=1, le=10)
    prefetch_frames: int = _f(64, "Decoded frames buffered ahead of inference.", "1 to 4096", ge=1, le=4096)
    detection_confidence: float = _f(
        0.25,
        "Least confidence for a person detection (and the ball, unless BALL_CONFIDENCE says otherwise).",
        "0 to 1",
        ge=0,
        le=1,
    )
    ball_confidence: float | None = _f(
        None,
        "Least confidence for the ball; the most confident one per frame is answered (DETECTION_CONFIDENCE "
        "when empty).",
        "0 to 1",
        ge=0,
        le=1,
    )
    keypoint_confidence: float = _f(0.5, "Keypoints below this confidence are sent as [0, 0].", "0 to 1", ge=0, le=1)
    keypoint_mode: Literal["registered", "raw"] = _f(
        "registered",
        "Answer keypoints: the pitch template fitted to the model's points, or the raw points.",
        "registered, raw",
    )
    line_fit_every: int = _f(
        0,
        "Fit the pitch template to the white lines in the picture on every Nth processed frame, blending "
        "the frames between (0: off; registered mode only; about 0.1 s of CPU per fitted frame).",
        "0 to 100",
        ge=0,
        le=100,
    )
    models_dir: Path = _f(Path("models"), "Folder that holds the weights.", "a directory")
    player_model: str = _f("football-player-detection.pt", "Player detector weights in MODELS_DIR.", "a file name")
    pitch_model: str = _f("football-pitch-detection.pt", "Pitch keypoint weights in MODELS_DIR.", "a file name")
    download_max_mb: int = _f(512, "Largest challenge video accepted, in MB.", "1 to 16384", ge=1, le=16384)
    download_timeout_s: float = _f(
        60.0,
        "Longest a challenge video download may take (20 under turbovision-private).",
        "1 to 600 seconds",
        ge=1,
        le=600,
    )
    max_frames: int = _f(
        1500,
        "Most frames a challenge may carry (a video's frame count, or a frames list); more is refused (413) before any "
        "is decoded.",
        "750 to 100000",
        ge=750,
        le=100000,
    )
    max_side_px: int = _f(
        7680,
        "Longest side of a challenge's frames, images or video, read from the header before decoding; longer is "
        "refused (413).",
        "64 to 7680 px",
        ge=64,
        le=7680,
    )
    download_dir: Path | None = _f(
        None, "Where challenge videos are downloaded (system temp when empty).", "a directory"
    )
    challenge_deadline_s: float = _f(
        240.0,
        "Longest a validator waits for an answer (30 under turbovision-private); challenges that would finish later "
        "are refused (503).",
        "10 to 3600 seconds",
        ge=10,
        le=3600,
    )
    chain_timeout_s: float = _f(
        10.0,
        "Longest wait for one answer from the chain node; then the saved snapshot is used.",
        "1 to 120 seconds",
        ge=1,
        le=120,
    )
    metagraph_refresh_s: float = _f(600.0, "Seconds between metagraph refreshes.", "10 to 86400", ge=10, le=86400)
    action_spotter: Literal["rules", "learned"] = _f(
        "rules",
        "How actions are spotted (turbovision-private): `rules` over tracks, teams and pitch positions (answering "
        "ACTION_FLOORS), or `learned`: a small shipped model per action deciding on the rules' candidates with its "
        "own floors (docs/actions.md compares the two on held-out replayed real play).",
        "learned",
    )
    action_floors: Annotated[dict[str, float], NoDecode] = _f(
        dict(ACTION_FLOORS),
        "Least confidence per action answered; the ones given replace these measured defaults (docs/actions.md), "
        "`off` never answers an action, and an action not listed is never answered.",
        "comma-separated ACTION=0..1 or ACTION=off",
    )
    manifest_url: str = _f(
        "https://turbo.scoredata.me/manifest/index.json",
        "Turbo Vision's public manifest index (open-source track Elements); the shipped file when unreachable.",
        "an http(s) URL",
    )
    audit_index_url: str = _f(
        "https://turbo.scoredata.me/manako/audit/index.json",
        "Index of the private-track audits Turbo Vision publishes daily (`audit pull`). The exporter writes "
        "manako/audit/index.json into the bucket behind the winners index (turbo.scoredata.me); this URL is a "
        "guess from that, not stated in the validator's code.",
        "an http(s) URL",
    )
    host: str = _f("0.0.0.0", "Address the miner listens on.", "an IP address or host name")
    port: int = _f(7999, "Port the miner listens on (8000 under turbovision-private).", "1 to 65535", ge=1, le=65535)

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)
    _lookup: EnvFileLookup | None = PrivateAttr(default=None)
    _invalid: dict[str, str] = PrivateAttr(default_factory=dict)
    _unknown: dict[str, str | None] = PrivateAttr(default_factory=dict)

    @field_validator("device")
    @classmethod
    def _check_device(cls, value: str) -> str:
        value = value.strip().lower()
        base, _, index = value.partition(":")
        if base in ("auto", "cpu", "mps") and not index or base == "cuda" and (not index or index.isdigit()):
            return value
        raise ValueError("unknown device")

    @field_validator("subtensor_address")
    @classmethod
    def _check_address(cls, value: str | None) -> str | None:
        if value and not value.startswith(("ws://", "wss://")):
            raise ValueError("not a websocket URL")
        return value or None

    @field_validator("img_size", "player_img_size", "pitch_img_size")
    @classmethod
    def _check_stride32(cls, value: int | None) -> int | None:
        if value is not None and value % 32:
            raise ValueError("not a multiple of 32")
        return value

    @field_validator("allowed_validator_hotkeys", mode="before")
    @classmethod
    def _split_hotkeys(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for hotkey in value:
            _check_ss58(hotkey)
        return value

    @field_validator("action_floors", mode="before")
    @classmethod
    def _parse_floors(cls, value: Any) -> Any:
        from scoreminer.contract.turbovision import ACTIONS

        pairs = {**ACTION_FLOORS, **(_floor_pairs(value) if isinstance(value, str) else dict(value or {}))}
        unknown = [name for name in pairs if name not in ACTIONS]
        if unknown:
            raise ValueError(f"{', '.join(unknown)} is no scored action ({', '.join(ACTIONS)})")
        return {name: 2.0 if str(floor).strip().lower() == "off" else floor for name, floor in pairs.items()}

    @field_validator("action_floors")
    @classmethod
    def _check_floors(cls, value: dict[str, float]) -> dict[str, float]:
        outside = [f"{name}={floor:g}" for name, floor in value.items() if not (0 <= floor <= 1 or floor == 2.0)]
        if outside:
            raise ValueError(f"{', '.join(outside)} is outside 0 to 1")
        return value

    @model_validator(mode="after")
    def _derived_defaults(self) -> Settings:
        self.player_img_size = self.player_img_size or self.img_size
        self.pitch_img_size = self.pitch_img_size or self.img_size
        for name, value in self.protocol_defaults().items():
            if name not in self.model_fields_set:
                setattr(self, name, value)
        return self

    @property
    def verifies(self) -> bool:
        """Whether challenges must be signed: VERIFY_ENABLED, and never in a spot check (it sends none)."""
        return self.verify_enabled and not self.spotcheck_mode

    @property
    def checks_stake(self) -> bool:
        """Whether a signer needs stake (or the allow-list): BLACKLIST_ENABLED, only when signatures are checked."""
        return self.verifies and self.blacklist_enabled

    def protocol_defaults(self) -> dict[str, Any]:
        """Defaults that differ by PROTOCOL: Turbo Vision's miners listen on 8000, its validator waits 30 s, and a
        download gets 20 s of them."""
        if self.protocol != "turbovision-private":
            return {}
        # a download may take at most two thirds of the 30 s wait: a 750-frame clip then needs ~10 s to answer
        return {"port": 8000, "challenge_deadline_s": 30.0, "download_timeout_s": 20.0}

    # -- derived values -------------------------------------------------------------------

    @property
    def chain_address(self) -> str:
        """The websocket URL of the chain: SUBTENSOR_ADDRESS, else the named network's."""
        return self.subtensor_address or NETWORK_ADDRESSES[self.subtensor_network]

    @property
    def threads(self) -> int:
        """TORCH_THREADS, else every core this process may run on (its CPU affinity, not the machine's count)."""
        return self.torch_threads or len(os.sched_getaffinity(0))

    @property
    def ball_floor(self) -> float:
        """BALL_CONFIDENCE, else DETECTION_CONFIDENCE."""
        return self.detection_confidence if self.ball_confidence is None else self.ball_confidence

    @property
    def export_cache(self) -> Path:
        """EXPORT_CACHE_DIR, else the user's cache folder ($XDG_CACHE_HOME or ~/.cache, then scoreminer/exports):
        never beside the weights, which may sit inside the installed package."""
        if self.export_cache_dir:
            return self.export_cache_dir
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scoreminer" / "exports"

    @property
    def hotkey_path(self) -> Path:
        return self.wallet_path / self.wallet_name / "hotkeys" / self.hotkey_name

    @property
    def player_model_path(self) -> Path:
        return self.models_dir / self.player_model

    @property
    def pitch_model_path(self) -> Path:
        return self.models_dir / self.pitch_model

    @property
    def env_lookup(self) -> EnvFileLookup:
        """How the .env file was found (or where it was looked for)."""
        return self._lookup or EnvFileLookup(None, "not searched", [])

    def source(self, name: str) -> str:
        """Where a setting's value came from: flag, --set, environment, the .env path, preset NAME, default."""
        return self._sources.get(name, "default")

    @property
    def invalid(self) -> dict[str, str]:
        """Settings whose given value was refused (lenient loads only; they hold their default): name → why."""
        return dict(self._invalid)

    @property
    def unknown_env_keys(self) -> dict[str, str | None]:
        """Keys in the .env that are no setting of ours: key → the closest setting, if any is close."""
        return dict(self._unknown)

    def require_netuid(self) -> int:
        """NETUID, or a ConfigError naming where to set it."""
        if self.netuid is None:
            raise ConfigError("NETUID is not set", f"add NETUID=44 to {self.env_lookup.describe_target()}")
        return self.netuid

    def rows(self) -> list[tuple[str, str, str]]:
        """(KEY, value with secrets masked, source) for every setting."""
        return [(name.upper(), _show(getattr(self, name)), self.source(name)) for name in type(self).model_fields]


@dataclass(frozen=True)
class Preset:
    """Named values that sit between the defaults and the .env (e.g. `--demo`): anything the operator says wins.

    `by_protocol` adds values for one PROTOCOL (as the operator sets it, or its default)."""

    name: str
    values: dict[str, Any]
    by_protocol: dict[str, dict[str, Any]] = field(default_factory=dict)

    def for_protocol(self, protocol: str) -> Preset:
        """This preset with the values of `protocol` merged in."""
        return Preset(self.name, {**self.values, **self.by_protocol.get(protocol, {})})


def _check_ss58(address: str) -> None:
    from scalecodec.utils.ss58 import ss58_decode

    try:
        ss58_decode(address)
    except (ValueError, IndexError, TypeError):
        raise ValueError(f"{address!r} is not an ss58 address") from None


def _floor_pairs(text: str) -> dict[str, str]:
    pairs = {}
    for item in (part.strip() for part in text.split(",") if part.strip()):
        name, sep, floor = item.partition("=")
        if not sep:
            raise ValueError(f"{item!r} is not ACTION=FLOOR")
        pairs[name.strip().lower()] = floor.strip()
    return pairs


def _show(value: Any) -> str:
    if isinstance(value, SecretStr):
        return "****" if value.get_secret_value() else ""
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, dict):
        return ",".join(f"{k}={'off' if v > 1 else v}" for k, v in value.items())
    return "" if value is None else str(value)
