"""Score Vision: `POST /soccer/challenge`, fiber-signed, answered with boxes and keypoints for every frame."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from scoreminer.contract.score_vision import ChallengeRequest
from scoreminer.server.deadline import Deadline
from scoreminer.server.http import answer, signed_openapi, signed_payload
from scoreminer.server.service import MinerService

HEADERS = ("validator-hotkey", "miner-hotkey", "nonce", "signature")
MAX_BODY_BYTES = 1 << 20
INVALID = 400  # what fiber miners have always answered a payload they cannot read


def add_routes(app: FastAPI, service: MinerService) -> None:
    @app.post("/soccer/challenge", openapi_extra=signed_openapi(ChallengeRequest.model_json_schema(), HEADERS))
    async def challenge(request: Request) -> JSONResponse:
        deadline = Deadline.for_wait(service.queue.deadline_s)  # from arrival: the body, the queue and the work
        signed = await signed_payload(request, service, ChallengeRequest, MAX_BODY_BYTES, INVALID)
        if isinstance(signed, JSONResponse):
            return signed
        payload, validator = signed
        work = lambda: service.process(payload, validator, deadline)  # noqa: E731 - run off the loop
        return await answer(service, payload.challenge_id, work, deadline, request)
