"""The FastAPI app: the status routes, and the challenge route of the protocol the service speaks."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from scoreminer.server.routes import score_vision, turbovision
from scoreminer.server.service import MinerService

ROUTES = {"score-vision": score_vision.add_routes, "turbovision-private": turbovision.add_routes}


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

    ROUTES[service.protocol](app, service)
    return app
