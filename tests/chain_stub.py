"""A real websocket JSON-RPC server on 127.0.0.1 that answers the calls substrate-interface makes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from websockets.sync.server import serve

Handler = Callable[[list], Any]


class ChainStub:
    """Answers JSON-RPC methods from `handlers`; unknown methods get a JSON-RPC error."""

    def __init__(self, handlers: dict[str, Handler] | None = None, block: int = 4_000_000) -> None:
        self.block = block
        self.calls: list[tuple[str, list]] = []
        self.handlers: dict[str, Handler] = {
            "chain_getHeader": lambda params: {"number": hex(self.block), "parentHash": "0x" + "00" * 32},
            "chain_getBlockHash": lambda params: "0x" + f"{self.block:064x}",
            "system_chain": lambda params: "Bittensor",
            "state_getStorage": lambda params: "0x" + now_ms().to_bytes(8, "little").hex(),
            **(handlers or {}),
        }
        self._server = serve(self._handle, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def __enter__(self) -> ChainStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def _handle(self, websocket: Any) -> None:
        for message in websocket:
            request = json.loads(message)
            method, params = request["method"], request.get("params", [])
            self.calls.append((method, params))
            reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request["id"]}
            handler = self.handlers.get(method)
            try:
                if handler is None:
                    raise LookupError(method)
                reply["result"] = handler(params)
            except LookupError as exc:
                reply["error"] = {"code": -32601, "message": f"Method not found: {exc}"}
            except Exception:  # a handler that raises plays a node dying mid-request
                websocket.socket.close()
                return
            websocket.send(json.dumps(reply))


def now_ms() -> int:
    return int(time.time() * 1000)
