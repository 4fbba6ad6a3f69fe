"""A loopback video host that misbehaves on request: errors, resets, slow drips, huge bodies."""

from __future__ import annotations

import http.server
import socket
import struct
import threading
import time
from collections import Counter


class MediaServer:
    """Serves `files` at /video/<name> (and a name holding a path at that path); /status/<code>, /reset, /slow,
    /huge, /huge-declared misbehave."""

    def __init__(self, files: dict[str, bytes] | None = None, huge_bytes: int = 5 * 2**20) -> None:
        self.files = dict(files or {})
        self.huge_bytes = huge_bytes
        self.requests: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests[self.path] += 1
                try:
                    server.route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> MediaServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def route(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        path = handler.path
        if path.startswith("/video/") and path[7:] in self.files:
            self._send(handler, path, self.files[path[7:]])
        elif path[1:] in self.files:  # any other path held as is (an audit bucket's keys)
            self._send(handler, path, self.files[path[1:]])
        elif path.startswith("/status/"):
            handler.send_response(int(path.rsplit("/", 1)[1]))
            handler.end_headers()
        elif path == "/reset":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
        elif path == "/slow":
            handler.send_response(200)
            handler.send_header("Content-Length", "1000")
            handler.end_headers()
            for _ in range(1000):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                self.bytes_sent[path] += 1
                time.sleep(1.0)
        elif path in ("/huge", "/huge-declared"):
            handler.send_response(200)
            if path == "/huge-declared":
                handler.send_header("Content-Length", str(self.huge_bytes))
            handler.end_headers()
            chunk = b"\0" * 65536
            while self.bytes_sent[path] < self.huge_bytes:
                handler.wfile.write(chunk)
                self.bytes_sent[path] += len(chunk)
        else:
            handler.send_response(404)
            handler.end_headers()

    def _send(self, handler, path: str, body: bytes) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "video/mp4")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        self.bytes_sent[path] += len(body)
