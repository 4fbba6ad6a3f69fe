"""Play validator against any miner: sign, send a challenge, time it, summarise the answer."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from substrateinterface import Keypair

from scoreminer.errors import MinerUnreachable
from scoreminer.network.client import SigningClient


@dataclass(frozen=True)
class ChallengeReport:
    """What came back: status, time, and a summary of the answer (boxes and keypoints, or actions)."""

    status: int
    seconds: float
    frames: int
    objects: int
    frames_with_4_keypoints: int
    error: str | None
    answer: dict | None
    protocol: str = "score-vision"
    actions: dict[str, int] | None = None  # turbovision-private: how many of each action was answered

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "answer"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_file(path: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """An http URL for a local file, served from a loopback port while the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(path.parent))
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/{path.name}"
    finally:
        server.shutdown()
        server.server_close()


def miner_hotkey(base_url: str) -> str:
    """The miner's hotkey as its /health reports it."""
    try:
        return httpx.get(f"{base_url}/health", timeout=10).json()["hotkey"]
    except httpx.ConnectError:
        raise _not_listening(base_url) from None
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        raise MinerUnreachable(
            f"cannot read the miner's hotkey from {base_url}/health", "pass --miner-hotkey"
        ) from None


# Each protocol's route, challenge payload and how long its validators wait.
ROUTES = {"score-vision": "/soccer/challenge", "turbovision-private": "/challenge"}
WAITS = {"score-vision": 240.0, "turbovision-private": 30.0}


def challenge_payload(protocol: str, video_url: str, challenge_id: str) -> dict:
    """The body a validator of `protocol` sends for `video_url`."""
    if protocol == "turbovision-private":
        return {"challenge_id": challenge_id, "video_url": video_url, "image_url": None, "frames": None}
    return {
        "challenge_id": challenge_id,
        "type": "gsr",
        "video_url": video_url,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
    }


def send_challenge(
    base_url: str,
    video_url: str,
    keypair: Keypair,
    hotkey: str,
    challenge_id: str = "poke",
    timeout: float | None = None,
    protocol: str = "score-vision",
) -> ChallengeReport:
    """POST one challenge signed as `protocol`'s validators sign, and summarise the reply.

    `timeout` defaults to a little past the protocol's wait, so a late answer is seen as late, not lost."""
    payload = challenge_payload(protocol, video_url, challenge_id)
    started = time.perf_counter()
    with _reaching(base_url, "is the miner running? check its URL and port"):
        with SigningClient(keypair, base_url, timeout=timeout or WAITS[protocol] * 2, protocol=protocol) as client:
            response = client.post(ROUTES[protocol], payload, hotkey)
    seconds = time.perf_counter() - started
    body = _json_body(response)
    frames = body.get("frames") or []
    items = (body.get("prediction") or {}).get("items") if protocol == "turbovision-private" else None
    return ChallengeReport(
        status=response.status_code,
        seconds=round(seconds, 3),
        frames=len(frames),
        objects=sum(len(f.get("objects", [])) for f in frames),
        frames_with_4_keypoints=sum(sum(1 for x, y in f.get("keypoints", []) if x or y) >= 4 for f in frames),
        error=body.get("error"),
        answer=body if response.status_code == 200 else None,
        protocol=protocol,
        actions=None if items is None else dict(Counter(str(i.get("action")) for i in items)),
    )


@contextmanager
def _reaching(base_url: str, fix: str) -> Iterator[None]:
    """HTTP failures as MinerUnreachable: nothing listening, or no answer (with `fix`)."""
    try:
        yield
    except httpx.ConnectError:
        raise _not_listening(base_url) from None
    except httpx.HTTPError as exc:
        raise MinerUnreachable(f"no answer from {base_url} ({type(exc).__name__}: {exc})", fix) from None


def _not_listening(base_url: str) -> MinerUnreachable:
    return MinerUnreachable(
        f"nothing listening at {base_url}", "start the miner (`scoreminer serve`) or check the URL's host and port"
    )


def send_to_chute(base_url: str, payload: dict, timeout: float = 300.0) -> tuple[int, float, dict]:
    """POST a /predict request to a chute (no signing: Chutes authenticates the validator, not the miner);
    (HTTP status, seconds, the JSON envelope)."""
    started = time.perf_counter()
    with _reaching(base_url, "start one: scoreminer chute serve DIR"):
        response = httpx.post(base_url.rstrip("/") + "/predict", json=payload, timeout=timeout)
    return response.status_code, time.perf_counter() - started, _json_body(response)


def _json_body(response: httpx.Response) -> dict:
    return response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
