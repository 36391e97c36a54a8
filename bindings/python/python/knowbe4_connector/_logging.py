"""The package's logger: one DEBUG record per action, never the token."""

from __future__ import annotations

import logging
import time
from typing import Optional

from ._types import Envelope

logger = logging.getLogger("knowbe4_connector")
# A library configures no output of its own; the application decides.
logger.addHandler(logging.NullHandler())


def log_outcome(
    action: str,
    started: float,
    envelope: Optional[Envelope] = None,
    error: Optional[BaseException] = None,
) -> None:
    """Record how an action ended (``started`` from ``time.perf_counter()``)."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    elapsed_ms = (time.perf_counter() - started) * 1000.0
    if envelope is not None:
        logger.debug(
            "%s -> %s %s in %.1f ms",
            action,
            envelope["status_code"],
            envelope["reason"],
            elapsed_ms,
            extra={"action": action, "status_code": envelope["status_code"], "duration_ms": elapsed_ms},
        )
    else:
        kind = getattr(error, "kind", type(error).__name__)
        logger.debug(
            "%s failed (%s) in %.1f ms: %s",
            action,
            kind,
            elapsed_ms,
            error,
            extra={"action": action, "error_kind": kind, "duration_ms": elapsed_ms},
        )
