"""Miner logging: one format, and no access-log line for the status endpoints validators poll."""

from __future__ import annotations

import logging
import sys

QUIET_PATHS = ("/availability", "/health")


class DropStatusPolls(logging.Filter):
    """Drop uvicorn access records for status polls: they flood PM2 logs and cost time under a burst."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        # uvicorn's access record: (client, method, path, http version, status)
        return not (len(args) >= 3 and str(args[2]).split("?")[0] in QUIET_PATHS)


class BelowWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.WARNING


def configure_logging() -> None:
    """INFO to stdout, warnings and errors to stderr (PM2's out and err logs); status polls left out."""
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    info = logging.StreamHandler(sys.stdout)
    info.addFilter(BelowWarning())
    problems = logging.StreamHandler(sys.stderr)
    problems.setLevel(logging.WARNING)
    root = logging.getLogger()
    for handler in (info, problems):
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("uvicorn.access").addFilter(DropStatusPolls())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request would drown the miner's own
