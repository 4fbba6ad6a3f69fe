"""What both challenge routes share: the signed body read under a cap, the queue, and the error answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from scoreminer.errors import (
    AuthError,
    BodyTooLarge,
    ClientGone,
    DeadlinePassed,
    DownloadError,
    QueueFull,
    StakeError,
    VideoError,
)
from scoreminer.network.auth.sr25519 import header
from scoreminer.server.deadline import Deadline
from scoreminer.server.service import MinerService

log = logging.getLogger(__name__)
DISCONNECT_POLL_S = 0.5  # how often a running challenge looks whether its client is still there
Payload = TypeVar("Payload", bound=BaseModel)


def error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def invalid(exc: ValidationError) -> str:
    """A payload's validation errors as one line: `field: what is wrong; …`."""
    return "bad challenge payload: " + "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()
    )


async def read_body(request: Request, limit: int) -> bytes:
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


async def signed_payload(
    request: Request, service: MinerService, model: type[Payload], limit: int, invalid_status: int
) -> tuple[Payload, str] | JSONResponse:
    """The payload and the validator that signed it, or the error answer: 413, 401, 403, then `invalid_status`."""
    try:
        body = await read_body(request, limit)
    except BodyTooLarge as exc:
        return error(exc.http_status, str(exc))
    except ClientDisconnect:
        # nobody is left to answer: one line, not starlette's traceback
        log.info("client %s hung up before its body arrived", request.client.host if request.client else "?")
        return error(400, "the client hung up before the body arrived")
    try:
        validator = service.authorize(request.headers, body)
    except (AuthError, StakeError) as exc:
        log.info("refused %s: %s", header(request.headers, "validator-hotkey") or "?", exc)
        return error(exc.http_status, str(exc))
    try:
        return model.model_validate_json(body), validator
    except ValidationError as exc:
        return error(invalid_status, invalid(exc))


async def answer(
    service: MinerService,
    challenge_id: str,
    work: Callable[[], BaseModel],
    deadline: Deadline | None = None,
    request: Request | None = None,
) -> JSONResponse:
    """Queue the challenge, run `work` off the event loop, and answer it, or say why not (503, 4xx, 502, 500).

    While it runs, a client that hangs up sets `deadline.gone`, and the work stops at its next check."""
    try:
        async with service.queue.admit():
            task = asyncio.ensure_future(run_in_threadpool(work))
            while request is not None and deadline is not None and not task.done():
                await asyncio.wait({task}, timeout=DISCONNECT_POLL_S)
                if not task.done() and await request.is_disconnected():
                    deadline.gone.set()
            result = await task
    except QueueFull as exc:
        log.warning("challenge %s refused: %s (queue depth %d)", challenge_id, exc, service.queue.depth)
        return error(exc.http_status, f"busy: {exc}", **{"Retry-After": str(exc.retry_after_s)})
    except ClientGone as exc:
        log.info("challenge %s: %s; its work stopped", challenge_id, exc)
        return error(exc.http_status, str(exc))
    except DeadlinePassed as exc:
        log.warning("challenge %s: %s", challenge_id, exc)
        return error(exc.http_status, str(exc), **{"Retry-After": "1"})
    except DownloadError as exc:
        log.warning("challenge %s: %s", challenge_id, exc)
        return error(exc.http_status, str(exc))
    except VideoError as exc:
        log.warning("challenge %s: unreadable media: %s", challenge_id, exc)
        return error(400, str(exc))
    except Exception:
        log.exception("challenge %s failed", challenge_id)
        return error(500, "internal error while processing the challenge")
    return JSONResponse(result.model_dump(mode="json"))


def signed_openapi(schema: dict, headers: tuple[str, ...]) -> dict:
    """The route reads the raw body (its hash is signed), so body and headers are described for the schema by hand."""
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
        "parameters": [{"name": h, "in": "header", "required": True, "schema": {"type": "string"}} for h in headers],
    }
