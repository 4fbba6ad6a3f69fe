"""Score Vision: `POST /soccer/challenge`, fiber-signed, answered with boxes and keypoints for every frame."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from scoreminer.contract.score_vision import ChallengeRequest
from scoreminer.server.http import answer, signed_openapi, signed_payload
from scoreminer.server.service import MinerService

HEADERS = ("validator-hotkey", "miner-hotkey", "nonce", "signature")
MAX_BODY_BYTES = 1 << 20
INVALID = 400  # what fiber miners have always answered a payload they cannot read


def add_routes(app: FastAPI, service: MinerService) -> None:
    @app.post("/soccer/challenge", openapi_extra=signed_openapi(ChallengeRequest.model_json_schema(), HEADERS))
    async def challenge(request: Request) -> JSONResponse:
        signed = await signed_payload(request, service, ChallengeRequest, MAX_BODY_BYTES, INVALID)
        if isinstance(signed, JSONResponse):
            return signed
        payload, validator = signed
        return await answer(service, payload.challenge_id, lambda: service.process(payload, validator))
