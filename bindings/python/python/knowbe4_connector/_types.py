"""The shape of an action's result."""

from __future__ import annotations

from typing import Any, Dict, TypedDict


__all__ = ["Envelope"]


class _EnvelopeHead(TypedDict):
    status_code: int
    response_headers: Dict[str, str]
    reason: str


class Envelope(_EnvelopeHead, total=False):
    """Turbine's HTTP envelope, as a plain ``dict``.

    Keys, in this order: ``status_code``, ``response_headers`` (names as
    ``Content-Type``, ``X-Request-Id``), ``reason`` (``OK``, ``Not Found``),
    then ``json_body`` (the parsed body) when the body is JSON, else
    ``response_text``.
    """

    json_body: Any
    response_text: str
