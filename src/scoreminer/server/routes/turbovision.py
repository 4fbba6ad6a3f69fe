"""Turbo Vision private track: `POST /challenge`, signed by the central validator, answered with actions."""

from __future__ import annotations

import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from scoreminer.contract.turbovision import ChallengeRequest
from scoreminer.server.deadline import Deadline
from scoreminer.server.http import answer, signed_openapi, signed_payload
from scoreminer.server.service import MinerService

HEADERS = ("Validator-Hotkey", "Miner-Hotkey", "Nonce", "Signature")  # each may come with an `X-` prefix
# A frames payload may carry base64 images: room for a clip's worth, still bounded before the signature check.
MAX_BODY_BYTES = 64 << 20
INVALID = 422  # FastAPI's status for a body that does not fit the model, as the validator's own miner answers


def add_routes(app: FastAPI, service: MinerService) -> None:
    @app.post("/challenge", openapi_extra=signed_openapi(ChallengeRequest.model_json_schema(), HEADERS))
    async def challenge(request: Request) -> JSONResponse:
        arrived = time.perf_counter()  # the deadline and processing_time count from here
        signed = await signed_payload(request, service, ChallengeRequest, MAX_BODY_BYTES, INVALID)
        if isinstance(signed, JSONResponse):
            return signed
        payload, validator = signed
        deadline = Deadline.for_wait(service.queue.deadline_s, arrived)
        work = lambda: service.process_actions(payload, validator, deadline)  # noqa: E731 - run off the loop
        return await answer(service, payload.challenge_id, work, deadline, request)
