"""The miner as a library object: authorize, download, run the pipeline, answer; and its stats."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from substrateinterface import Keypair

from scoreminer.contract import turbovision as tv
from scoreminer.contract.score_vision import ChallengeAnswer, ChallengeRequest
from scoreminer.errors import VideoError
from scoreminer.inference.actions.spotter import ActionSpotter, answer_items
from scoreminer.inference.pipeline import Pipeline, PipelineOutput
from scoreminer.inference.summary import challenge_answer
from scoreminer.network.auth.nonces import NonceStore
from scoreminer.network.auth.schemes import SCHEMES, Scheme
from scoreminer.network.auth.sr25519 import header
from scoreminer.network.auth.verify import StakePolicy, authorize
from scoreminer.network.chain.metagraph import Metagraph
from scoreminer.server.deadline import Deadline
from scoreminer.server.download import Downloader
from scoreminer.server.media import MediaLimits, challenge_video, check_video
from scoreminer.server.queue import ChallengeQueue

log = logging.getLogger(__name__)


@dataclass
class ServiceStats:
    """Counters for /health."""

    served: int = 0
    failed: int = 0
    last_duration_s: float | None = None
    started_at: float = field(default_factory=time.time)


@dataclass
class MinerService:
    """Everything a request needs, built once at start-up (see server.startup)."""

    keypair: Keypair | None  # None only in a spot check, which signs nothing and needs no hotkey
    pipeline: Pipeline
    downloader: Downloader
    metagraph: Metagraph | None
    policy: StakePolicy
    device: str
    refresh_s: float = 600.0
    protocol: str = "score-vision"
    verify: bool = True  # VERIFY_ENABLED (off in Turbo Vision's spot checks): unsigned requests are answered
    spotter: ActionSpotter | None = None  # turbovision-private: turns a run into actions
    nonces: NonceStore | None = None  # the protocol's nonce format when None
    queue: ChallengeQueue = field(default_factory=ChallengeQueue)
    limits: MediaLimits = field(default_factory=MediaLimits)
    stats: ServiceStats = field(default_factory=ServiceStats)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.nonces is None:
            self.nonces = self.scheme.nonce_store()

    @property
    def hotkey(self) -> str | None:
        return self.keypair.ss58_address if self.keypair else None

    @property
    def scheme(self) -> Scheme:
        """How this protocol's validators sign their requests."""
        return SCHEMES[self.protocol]

    def authorize(self, headers: Mapping[str, str], body: bytes) -> str:
        """The validator's hotkey, or AuthError (401) / StakeError (403); with verification off, whoever it claims."""
        if not self.verify or self.hotkey is None:
            return header(headers, "validator-hotkey") or "unsigned"
        assert self.nonces is not None
        return authorize(headers, body, self.hotkey, self.nonces, self.metagraph, self.policy, self.scheme.verify)

    def process_actions(
        self, request: tv.ChallengeRequest, validator: str, deadline: Deadline | None = None
    ) -> tv.ChallengeResponse:
        """Turbo Vision: fetch the media, run the pipeline, spot the actions; runs off the event loop.

        Every stage stops once `deadline` (from the request's arrival) has passed; `processing_time` counts from
        the arrival, queueing included."""
        if self.spotter is None:
            raise RuntimeError("no action spotter: the service was not built for turbovision-private")
        started = time.perf_counter()
        deadline = deadline or Deadline.for_wait(self.queue.deadline_s, started)
        arrived = deadline.started
        ok = False
        try:
            deadline.check("the queue")
            with challenge_video(request, self.downloader, self.limits, deadline) as media:
                fetched = time.perf_counter()
                output = self._run_pipeline(media.path, request.video_url or "the challenge's frames", deadline)
                spotted = self.spotter.spot(output)
            if media.frame_ids is not None:  # frame payloads: answer in the ids that were sent
                spotted = [replace(a, frame=_sent_id(media.frame_ids, a.frame)) for a in spotted]
            total = time.perf_counter() - started
            answer = tv.ChallengeResponse(
                challenge_id=request.challenge_id,
                prediction=tv.SoccerActions(items=answer_items(spotted)),
                processing_time=round(time.perf_counter() - arrived, 3),
            )
            ok = True
            log.info(
                "challenge %s from %s: %d frames, %d actions (%s), queued %.2f s, media %.2f s, pipeline %.2f s, "
                "total %.2f s",
                request.challenge_id,
                validator,
                len(output.answers),
                len(spotted),
                ", ".join(sorted({a.action for a in spotted})) or "none",
                started - arrived,
                fetched - started,
                output.timings.total,
                total,
            )
            return answer
        finally:
            self._record(ok, time.perf_counter() - started)

    def process(self, request: ChallengeRequest, validator: str, deadline: Deadline | None = None) -> ChallengeAnswer:
        """Download the video and answer every frame; runs off the event loop; stops once `deadline` has passed."""
        started = time.perf_counter()
        deadline = deadline or Deadline.for_wait(self.queue.deadline_s, started)
        ok = False
        try:
            deadline.check("the queue")
            with self.downloader.fetch(str(request.video_url), within_s=deadline.remaining()) as path:
                check_video(path, self.limits, "video_url")
                downloaded = time.perf_counter()
                log.info(
                    "challenge %s: downloaded %.1f MB in %.2f s",
                    request.challenge_id,
                    path.stat().st_size / 1e6,
                    downloaded - started,
                )
                output = self._run_pipeline(path, str(request.video_url), deadline)
                stages = output.timings.as_dict()
                log.info(
                    "challenge %s: %d frames through the pipeline in %.2f s (decode wait %.2f, inference %.2f, "
                    "tracking %.2f, serialisation %.2f)",
                    request.challenge_id,
                    len(output.answers),
                    stages["total"],
                    stages["decode_wait"],
                    stages["inference"],
                    stages["tracking"],
                    stages["serialisation"],
                )
            total = time.perf_counter() - started
            answer = challenge_answer(output, request.challenge_id, total)
            ok = True
            log.info(
                "challenge %s from %s: %d frames, download %.2f s, decode+inference %.2f s, total %.2f s",
                request.challenge_id,
                validator,
                len(answer.frames),
                downloaded - started,
                output.timings.total,
                total,
            )
            return answer
        finally:
            self._record(ok, time.perf_counter() - started)

    def _run_pipeline(self, path, url: str, deadline: Deadline) -> PipelineOutput:
        try:
            return self.pipeline.run(path, progress=lambda _: deadline.check("inference"))
        except VideoError as exc:  # name the URL the validator sent, not our temp file
            raise VideoError(exc.problem.replace(str(path), f"the video at {url[:120]}"), exc.fix) from None

    def health(self) -> dict:
        """Status for /health: no secrets, only public facts and counters."""
        graph = self.metagraph.snapshot if self.metagraph else None
        age = self.metagraph.age_s if self.metagraph else None
        stale = bool(self.metagraph and (age is None or age > 3 * self.refresh_s or self.metagraph.last_error))
        why = []
        if self.metagraph and age is None:
            why.append("no metagraph yet: only ALLOWED_VALIDATOR_HOTKEYS are served")
        elif self.metagraph and age is not None and age > 3 * self.refresh_s:
            why.append(f"metagraph {age:.0f} s old (refreshed every {self.refresh_s:g} s): new validators are refused")
        if self.metagraph and self.metagraph.last_error:
            why.append(f"last metagraph refresh failed: {self.metagraph.last_error}")
        return {
            "service": "scoreminer",
            "status": "degraded" if stale else "ok",
            "why": why,
            "protocol": self.protocol,
            "hotkey": self.hotkey,
            "verifies_signatures": self.verify,
            "models_loaded": True,
            "device": self.device,
            "backend": self.pipeline.backend,
            "busy": self.queue.busy,
            "queue": self.queue.status(),
            "metagraph": {
                "nodes": len(graph.nodes) if graph else 0,
                "block": graph.block if graph else None,
                "age_s": round(age, 1) if age is not None else None,
                "stale": stale,
                "last_error": self.metagraph.last_error if self.metagraph else None,
            },
            "challenges": {
                "served": self.stats.served,
                "failed": self.stats.failed,
                "last_duration_s": self.stats.last_duration_s,
            },
        }

    def close(self) -> None:
        if self.metagraph:
            self.metagraph.stop()
        self.downloader.close()

    def _record(self, ok: bool, duration: float) -> None:
        with self._lock:
            if ok:
                self.stats.served += 1
                self.stats.last_duration_s = round(duration, 3)
            else:
                self.stats.failed += 1


def _sent_id(frame_ids: list[int], frame: int) -> int:
    """The `frame_id` sent for the frame at this position of the written video (clamped to the last)."""
    return frame_ids[min(max(frame, 0), len(frame_ids) - 1)]
