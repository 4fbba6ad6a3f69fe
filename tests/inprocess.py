"""The miner's app in process: a Turbo Vision service on fake models behind its real seams, no uvicorn, no port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from fakes import FakeDetector, FakeKeypoints
from scoreminer.inference.actions.spotter import RuleSpotter
from scoreminer.inference.pipeline import Pipeline, PipelineConfig
from scoreminer.inference.yolo import ByteTrackTracker
from scoreminer.network.auth.verify import StakePolicy
from scoreminer.server.app import create_app
from scoreminer.server.download import Downloader
from scoreminer.server.media import MediaLimits
from scoreminer.server.service import MinerService
from synthetic_video import SyntheticClip, write_synthetic_clip


@contextmanager
def turbovision_app(folder: Path, limits: MediaLimits | None = None) -> Iterator[tuple[TestClient, SyntheticClip]]:
    """A spot-check-mode private-track app (no signature needed, so every request reaches media handling)."""
    clip = write_synthetic_clip(folder / "clip.mp4", frames=20, width=160, height=96)
    pipeline = Pipeline(FakeDetector(clip), FakeKeypoints(), ByteTrackTracker, PipelineConfig(sightings=True))
    service = MinerService(
        keypair=None,
        pipeline=pipeline,
        downloader=Downloader(10_000_000, 10.0, folder / "media"),
        metagraph=None,
        policy=StakePolicy(0.0, frozenset(), False),
        device="cpu",
        protocol="turbovision-private",
        verify=False,
        spotter=RuleSpotter({}),
        limits=limits or MediaLimits(),
    )
    with TestClient(create_app(service), raise_server_exceptions=False) as client:
        yield client, clip
