"""Everything `serve` does before the port opens: settings shown, checks, hotkey, metagraph, models."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from scoreminer.doctor.report import Check
from scoreminer.doctor.runner import settings_checks
from scoreminer.errors import ChainError, ModelLoadError, StartupError
from scoreminer.inference.pipeline import Pipeline
from scoreminer.network.auth.hotkey import load_hotkey
from scoreminer.network.auth.verify import StakePolicy
from scoreminer.network.chain.fetch import fetch_snapshot
from scoreminer.network.chain.metagraph import Metagraph
from scoreminer.server.download import Downloader, sweep_temp_media
from scoreminer.server.media import MediaLimits
from scoreminer.server.queue import ChallengeQueue
from scoreminer.server.service import MinerService
from scoreminer.settings import Settings

log = logging.getLogger(__name__)
PipelineBuilder = Callable[[Settings], Pipeline]


def settings_block(settings: Settings, hotkey: str | None = None) -> str:
    """The one block an operator reads to know what is in force (no secrets in Settings)."""
    lookup = settings.env_lookup
    lines = [
        f"env file: {lookup.describe()}",
        f"netuid {settings.netuid} on {settings.chain_address}; hotkey {hotkey or '?'} ({settings.hotkey_path})",
        f"device {settings.device}, half {settings.half}, backend {settings.backend}; "
        f"models {settings.player_model_path}, {settings.pitch_model_path}",
        f"stride {settings.frame_stride}, batch {settings.batch_size}, sizes player {settings.player_img_size} / "
        f"pitch {settings.pitch_img_size}, prefetch {settings.prefetch_frames}, keypoints {settings.keypoint_mode}",
        f"protocol {settings.protocol}; listen {settings.host}:{settings.port}; "
        f"min stake {settings.min_stake_threshold:g}; "
        f"allow-listed validators {len(settings.allowed_validator_hotkeys)}; "
        f"challenges queued while they can finish within {settings.challenge_deadline_s:g} s",
    ]
    return "\n  ".join(["settings:", *lines])


def fatal_checks(settings: Settings, check_port: bool = True) -> list[Check]:
    """The doctor checks that must pass to serve (the chain is not one: the snapshot covers it).

    They run before anything heavy: a held port or a missing hotkey refuses in a second, not after model loading.
    """
    checks = settings_checks(settings, offline=True, include_pm2=False, serving=True)
    return [c for c in checks if c.status == "fail" and (check_port or c.name != "port")]


def start_miner(
    settings: Settings, build_pipeline: PipelineBuilder | None = None, check_port: bool = True
) -> MinerService:
    """Build a ready MinerService or raise StartupError naming every fix."""
    failed = fatal_checks(settings, check_port)
    if failed:
        raise StartupError(
            "cannot start: " + "; ".join(f"{c.name}: {c.found}" for c in failed),
            "; ".join(f"{c.name}: {c.fix}" for c in failed),
        )
    keypair = None if settings.spotcheck_mode else load_hotkey(settings.hotkey_path)
    log.info(settings_block(settings, keypair.ss58_address if keypair else None))
    if not settings.verifies:
        log.warning(
            "signatures are not checked (%s): any request is answered",
            "SPOTCHECK_MODE" if settings.spotcheck_mode else "VERIFY_ENABLED=false",
        )
    metagraph = start_metagraph(settings) if settings.checks_stake else None
    if build_pipeline is None:
        from scoreminer.inference.factory import build_pipeline as default_builder

        build_pipeline = default_builder
    log.info("loading and warming models …")
    try:
        pipeline = build_pipeline(settings)
    except ModelLoadError as exc:
        raise StartupError(f"cannot start: {exc.problem}", exc.fix) from None
    log.info("models ready")
    downloader = Downloader.from_settings(settings)
    swept = sweep_temp_media(settings.download_dir)
    if swept:
        log.info("removed %d challenge media file(s) a previous run left behind", swept)
    policy = StakePolicy(
        settings.min_stake_threshold, frozenset(settings.allowed_validator_hotkeys), settings.checks_stake
    )
    spotter = None
    if settings.protocol == "turbovision-private":
        from scoreminer.inference.actions.choice import make_spotter

        spotter = make_spotter(settings.action_spotter, settings.action_floors)
    return MinerService(
        keypair=keypair,
        pipeline=pipeline,
        downloader=downloader,
        metagraph=metagraph,
        policy=policy,
        device=pipeline.device,
        refresh_s=settings.metagraph_refresh_s,
        protocol=settings.protocol,
        verify=settings.verifies,
        spotter=spotter,
        queue=ChallengeQueue(settings.challenge_deadline_s),
        limits=MediaLimits.from_settings(settings),
    )


def start_metagraph(settings: Settings) -> Metagraph:
    """Snapshot first, chain in the background; neither → refuse unless validators are allow-listed."""
    fetcher = functools.partial(fetch_snapshot, timeout=settings.chain_timeout_s)
    graph = Metagraph(settings.chain_address, settings.require_netuid(), settings.nodes_snapshot, fetcher)
    loaded = settings.load_old_nodes and graph.load_saved()
    if loaded:
        log.info("metagraph: %d nodes from %s (%.0f s old)", graph.node_count, settings.nodes_snapshot, graph.age_s)
    elif settings.refresh_nodes:
        log.info(
            "connecting to %s … (up to %g s per answer, CHAIN_TIMEOUT_S)",
            settings.chain_address,
            settings.chain_timeout_s,
        )
        try:
            graph.refresh()
            log.info("metagraph: %d nodes from %s", graph.node_count, settings.chain_address)
        except ChainError as exc:
            log.warning("metagraph: no snapshot and no chain: %s", exc)
    if graph.snapshot is None and not settings.allowed_validator_hotkeys:
        raise StartupError(
            f"no metagraph: {graph.last_error or 'LOAD_OLD_NODES and REFRESH_NODES are off'}",
            "make the chain reachable (scoreminer sync-metagraph) or set ALLOWED_VALIDATOR_HOTKEYS",
        )
    if graph.snapshot is None:
        log.warning("metagraph empty: only ALLOWED_VALIDATOR_HOTKEYS will be served")
    if settings.refresh_nodes:
        graph.start_refreshing(
            settings.metagraph_refresh_s, first_delay_s=0 if loaded else settings.metagraph_refresh_s
        )
    return graph
