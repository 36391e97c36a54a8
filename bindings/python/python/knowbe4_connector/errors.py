"""The exceptions the connector raises.

An exception means there was no usable HTTP answer, or the input was refused
before any request was sent. HTTP statuses (404, 429, 500, ...) are not
exceptions: they come back as envelopes with that ``status_code``.
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = [
    "KnowBe4Error",
    "InvalidInputError",
    "ConnectError",
    "TlsError",
    "KnowBe4TimeoutError",
    "TransportError",
    "DecodeError",
    "RateLimitError",
    "ResponseTooLargeError",
]


class KnowBe4Error(Exception):
    """Base class of every connector error.

    Attributes:
        kind: a stable code: ``invalid_input``, ``connect``, ``tls``,
            ``timeout``, ``transport``, ``decode`` (or ``internal`` for a
            bug in the connector itself).
        action: the action that was running, when known.
        input: the input the error is about, when it is about one.
    """

    kind: str
    action: Optional[str]
    input: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        kind: str = "internal",
        action: Optional[str] = None,
        input: Optional[str] = None,  # noqa: A002 - the attribute's documented name
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.action = action
        self.input = input

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the keyword attributes when pickled (multiprocessing, concurrent.futures).
        return (
            _rebuild,
            (type(self), str(self), self.kind, self.action, self.input),
        )


def _rebuild(
    cls: type[KnowBe4Error],
    message: str,
    kind: str,
    action: Optional[str],
    input: Optional[str],  # noqa: A002
) -> KnowBe4Error:
    return cls(message, kind=kind, action=action, input=input)


class InvalidInputError(KnowBe4Error, ValueError):
    """An input, configuration value or action name was refused; nothing was sent.

    ``input`` names the refused argument (``policy_id``, ``url``, ...).
    """


class ConnectError(KnowBe4Error):
    """The connection could not be made (refused, DNS failure, proxy)."""


class TlsError(KnowBe4Error):
    """The TLS handshake or the certificate check failed."""


class KnowBe4TimeoutError(KnowBe4Error, TimeoutError):
    """A timeout elapsed before the answer arrived. ``kind`` says which layer:
    ``timeout`` (one request), ``connect_timeout`` (opening the connection) or
    ``deadline`` (``action_timeout``: the whole action, every page and retry)."""


class TransportError(KnowBe4Error):
    """The connection broke mid-answer or the body could not be read."""


class DecodeError(KnowBe4Error):
    """An answer arrived but could not be understood where the connector must
    understand it (a page of a multi-page pull that is not a JSON array)."""


class RateLimitError(KnowBe4Error):
    """The client-side daily request budget is spent; nothing was sent.

    KnowBe4 allows 2,000 requests a day plus the licensed-user count; the
    connector refuses the next request rather than earn a day of 429s."""


class ResponseTooLargeError(KnowBe4Error):
    """The answer was larger than ``max_response_bytes`` and was not read."""
