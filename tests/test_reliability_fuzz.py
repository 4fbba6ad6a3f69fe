"""Schemathesis against the app's own OpenAPI schema: whatever it sends, never a 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from reliability_harness import good_clip, reliability_miner
from reliability_log import record
from scoreminer.server.app import create_app

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


@pytest.fixture(scope="module")
def api(tmp_path_factory, tiny_models):
    root = tmp_path_factory.mktemp("reliability-fuzz")
    with reliability_miner(root, tiny_models, {"good.mp4": good_clip(root)}) as miner:
        yield schemathesis.openapi.from_asgi("/openapi.json", create_app(miner["service"]))


def statuses_from_fuzzing(operation) -> set[int]:
    """Every status one operation answered to 60 generated requests; fails on the first 5xx."""
    seen: set[int] = set()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def check(case) -> None:
        response = case.call()
        seen.add(response.status_code)
        assert response.status_code < 500, response.text

    check()
    return seen


def test_no_server_errors_on_any_operation(api):
    operations = [result.ok() for result in api.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {"POST /soccer/challenge", "GET /health"}
    for operation in operations:
        seen = statuses_from_fuzzing(operation)
        record(
            "fuzz", f"schemathesis {operation.method.upper()} {operation.path}", "no 5xx", f"statuses {sorted(seen)}"
        )
