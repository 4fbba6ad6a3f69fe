"""`scoreminer chute serve`: a chute folder behind /health and /predict as the validator's chute template serves it,
so the request a validator sends can be replayed against the miner locally before it is deployed."""

from __future__ import annotations

import base64
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from fastapi import FastAPI

from scoreminer.contract.chute import TVPredictInput, TVPredictOutput
from scoreminer.errors import ChuteError
from scoreminer.server.download import Downloader
from scoreminer.server.media import MediaLimits, check_video, frame_picture

BATCH_SIZE = 64  # the validator's meta.batch_size
N_KEYPOINTS = 32
FAILED = "❌ There was a problem during prediction: "


def load_miner(folder: Path) -> Any:
    """`folder`/miner.py's Miner, built as the template builds it (the snapshot path, positionally)."""
    source = folder / "miner.py"
    if not source.is_file():
        raise ChuteError(f"{source} not found", "give a folder written by `scoreminer chute build`")
    spec = importlib.util.spec_from_file_location("chute_miner", source)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        return module.Miner(folder)
    except Exception as exc:  # the miner's own code raises anything
        raise ChuteError(
            f"{source} does not load ({type(exc).__name__}: {exc})", "run `scoreminer chute check`"
        ) from None


def create_chute_app(folder: Path, downloader: Downloader) -> FastAPI:
    """The two cords of the template, both POST: /health and /predict."""
    app = FastAPI(title="scoreminer chute", docs_url=None, redoc_url=None)
    try:
        miner, failure = load_miner(folder), None
    except ChuteError as exc:
        miner, failure = None, str(exc)

    @app.post("/health")
    def health() -> dict:
        return {
            "status": "healthy" if miner is not None else f"❌ Failed to load miner: {failure}",
            "model_loaded": str(miner) if miner is not None else None,
            "memory_gb": None,  # the template estimates the Miner's Python objects; onnxruntime's are invisible
            "cuda": "not checked locally",
        }

    @app.post("/predict")
    def predict(body: TVPredictInput) -> TVPredictOutput:
        try:
            if miner is None:
                raise RuntimeError(f"the miner is not loaded ({failure})")
            return TVPredictOutput(success=True, predictions={"frames": answer(miner, body, downloader)})
        except Exception as exc:  # the template answers every failure inside the envelope, status 200
            return TVPredictOutput(success=False, predictions=None, error=f"{FAILED}{exc}")

    return app


def answer(miner: Any, body: TVPredictInput, downloader: Downloader) -> list[dict]:
    """Frames in request order, or the video read in order, cut into meta.batch_size chunks."""
    batch = int(body.meta.get("batch_size", BATCH_SIZE)) or BATCH_SIZE
    keypoints = int(body.meta.get("n_keypoints", N_KEYPOINTS))
    results: list[dict] = []
    limits = MediaLimits()
    if body.frames:
        limits.check_count(len(body.frames), "frames")
        for start in range(0, len(body.frames), batch):
            chunk = body.frames[start : start + batch]
            images = [frame_picture(f.frame_id, f.data, f.url, downloader) for f in chunk]  # a batch at a time
            found = miner.predict_batch(images, 0, keypoints)
            if len(found) != len(chunk):
                raise ValueError(f"{len(found)} results for {len(chunk)} frames")
            for frame, result in zip(chunk, found, strict=True):
                dumped = result.model_dump()
                dumped["frame_id"] = frame.frame_id  # the template renumbers a frame payload with the ids sent
                results.append(dumped)
        return results
    if not body.url:
        raise ValueError("neither url nor frames given")
    with downloader.fetch(body.url) as path:
        check_video(path, limits, "url")
        for offset, pictures in _video_chunks(path, batch):
            found = miner.predict_batch(pictures, offset, keypoints)
            if len(found) != len(pictures):
                raise ValueError(f"{len(found)} results for {len(pictures)} frames")
            results.extend(r.model_dump() for r in found)  # a video keeps the miner's own frame_id
    return results


def _video_chunks(path: Path, batch: int) -> Iterator[tuple[int, list[np.ndarray]]]:
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise ValueError("the video cannot be decoded")
    try:
        chunk: list[np.ndarray] = []
        offset = 0
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            chunk.append(frame)
            if len(chunk) == batch:
                yield offset, chunk
                offset, chunk = offset + batch, []
        if chunk:
            yield offset, chunk
    finally:
        capture.release()


def frame_payload(frames: list[np.ndarray], first_id: int = 0) -> dict:
    """A frames request as the validator builds it: PNG at native size, base64, with its meta."""
    encoded = []
    for i, frame in enumerate(frames):
        ok, png = cv2.imencode(".png", frame)
        if not ok:
            raise ChuteError("cannot encode a frame as PNG")
        encoded.append({"frame_id": first_id + i, "data": base64.b64encode(png.tobytes()).decode()})
    height, width = frames[0].shape[:2]
    meta = {
        "version": 1, "width": width, "height": height, "fps": 25, "challenge_type_id": 0,
        "n_frames_total": len(frames), "batch_size": BATCH_SIZE, "n_keypoints": N_KEYPOINTS,
        "min_frames_required": min(3, len(frames)), "frames_source": "payload",
    }  # fmt: skip
    return {"url": None, "frames": encoded, "meta": meta}
