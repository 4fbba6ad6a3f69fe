"""The FastAPI app: thin routes that translate between the wire and MinerService."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from scoreminer.contract import ChallengeRequest
from scoreminer.errors import AuthError, BodyTooLarge, DownloadError, QueueFull, StakeError, VideoError
from scoreminer.server.service import MinerService

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1 << 20


# The route reads the raw body (its hash is signed), so describe body and headers for the schema by hand.
CHALLENGE_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ChallengeRequest.model_json_schema()}},
    },
    "parameters": [
        {"name": h, "in": "header", "required": True, "schema": {"type": "string"}}
        for h in ("validator-hotkey", "miner-hotkey", "nonce", "signature")
    ],
}


def error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refused as soon as it passes `limit` (never read whole)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"body over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(service: MinerService) -> FastAPI:
    """The miner's HTTP face; `service` is fully loaded before this is called."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        service.close()

    app = FastAPI(title="scoreminer", lifespan=lifespan)

    @app.get("/availability")
    async def availability() -> dict:
        return {"available": not service.queue.busy}

    @app.get("/health")
    async def health() -> dict:
        return service.health()

    @app.post("/soccer/challenge", openapi_extra=CHALLENGE_OPENAPI)
    async def challenge(request: Request):
        try:
            body = await read_body(request)
        except BodyTooLarge as exc:
            return error(exc.http_status, str(exc))
        try:
            validator = service.authorize(request.headers, body)
        except (AuthError, StakeError) as exc:
            log.info("refused %s: %s", request.headers.get("validator-hotkey", "?"), exc)
            return error(exc.http_status, str(exc))
        try:
            payload = ChallengeRequest.model_validate_json(body)
        except ValidationError as exc:
            return error(
                400,
                "bad challenge payload: "
                + "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()),
            )
        return await _run(service, payload, validator)

    return app


async def _run(service: MinerService, payload: ChallengeRequest, validator: str):
    try:
        async with service.queue.admit():
            answer = await run_in_threadpool(service.process, payload, validator)
    except QueueFull as exc:
        log.warning("challenge %s refused: %s (queue depth %d)", payload.challenge_id, exc, service.queue.depth)
        return error(exc.http_status, f"busy: {exc}", **{"Retry-After": str(exc.retry_after_s)})
    except DownloadError as exc:
        log.warning("challenge %s: %s", payload.challenge_id, exc)
        return error(exc.http_status, str(exc))
    except VideoError as exc:
        log.warning("challenge %s: unreadable video: %s", payload.challenge_id, exc)
        return error(400, str(exc))
    except Exception:
        log.exception("challenge %s failed", payload.challenge_id)
        return error(500, "internal error while processing the challenge")
    return JSONResponse(answer.model_dump(mode="json"))
