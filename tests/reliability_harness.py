"""A module-scoped real miner for the reliability suite: chain stub, misbehaving media host, counters."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import httpx

from chain_data import neuron, neurons_handler
from chain_stub import ChainStub
from media_server import MediaServer
from scoreminer.network.auth.hotkey import new_keypair, write_hotkey
from scoreminer.network.client import SigningClient
from scoreminer.server.download import TEMP_PREFIX
from server_harness import miner_env, running_miner
from synthetic_video import write_synthetic_clip

GOOD_FRAMES = 20


class Counting:
    """Wraps a model callable and counts calls (to prove refused requests never reach the models)."""

    def __init__(self, inner) -> None:
        self.inner, self.calls = inner, 0

    def __call__(self, frames):
        self.calls += 1
        return self.inner(frames)


def make_wallet(root: Path) -> dict:
    keypair = new_keypair()
    write_hotkey(root / "wallets" / "miner" / "hotkeys" / "hot", keypair)
    return {
        "keypair": keypair,
        "env": {"WALLET_PATH": str(root / "wallets"), "WALLET_NAME": "miner", "HOTKEY_NAME": "hot"},
    }


@contextmanager
def reliability_miner(root: Path, models: Path, files: dict[str, bytes], **settings):
    """Yield a dict with the miner's url, service, keys, media host and download folder."""
    validators = {"rich": new_keypair(), "poor": new_keypair(), "stranger": new_keypair()}
    cold = new_keypair().ss58_address
    nodes = [
        neuron(0, validators["rich"].ss58_address, cold, stake_rao=50_000 * 10**9, permit=True),
        neuron(1, validators["poor"].ss58_address, cold, stake_rao=3 * 10**9),
    ]
    wallet = make_wallet(root)
    with ChainStub({"state_call": neurons_handler({44: nodes})}) as chain, MediaServer(files) as media:
        env = miner_env(
            root, models, wallet, SUBTENSOR_ADDRESS=chain.url, DOWNLOAD_TIMEOUT_S=3, DOWNLOAD_MAX_MB=4, **settings
        )
        with running_miner(env) as (url, service):
            service.pipeline.detector = Counting(service.pipeline.detector)
            yield {
                "url": url,
                "service": service,
                "hotkey": wallet["keypair"].ss58_address,
                "chain": chain,
                "media": media,
                "validators": validators,
                "downloads": root / "downloads",
                "env": env,
            }


def good_clip(folder: Path, frames: int = GOOD_FRAMES, width: int = 320, height: int = 192) -> bytes:
    clip = write_synthetic_clip(folder / f"good-{frames}.mp4", frames=frames, width=width, height=height)
    return clip.path.read_bytes()


def payload(url: str, cid: str = "r") -> dict:
    return {"challenge_id": cid, "type": "gsr", "video_url": url, "created_at": "2025-01-01T00:00:00+00:00"}


def signed_post(miner: dict, body: dict, who: str = "rich", timeout: float = 120) -> httpx.Response:
    with SigningClient(miner["validators"][who], miner["url"], timeout=timeout) as client:
        return client.post("/soccer/challenge", body, miner["hotkey"])


def temp_files(miner: dict) -> list[Path]:
    return list(miner["downloads"].glob(f"{TEMP_PREFIX}*")) if miner["downloads"].exists() else []
