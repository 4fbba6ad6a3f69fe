"""Miner logging: one format, and no access-log line for the status endpoints validators poll."""

from __future__ import annotations

import logging

QUIET_PATHS = ("/availability", "/health")


class DropStatusPolls(logging.Filter):
    """Drop uvicorn access records for status polls: they flood PM2 logs and cost time under a burst."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        # uvicorn's access record: (client, method, path, http version, status)
        return not (len(args) >= 3 and str(args[2]).split("?")[0] in QUIET_PATHS)


def configure_logging() -> None:
    """INFO to stderr with timestamps; status polls left out of the access log."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("uvicorn.access").addFilter(DropStatusPolls())
