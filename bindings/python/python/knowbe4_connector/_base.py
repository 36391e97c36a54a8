"""Construction and identity shared by ``Client`` and ``AsyncClient``."""

from __future__ import annotations

from typing import Optional

from ._native import NativeClient


class _ClientBase:
    """Holds the native client; the token lives only on the Rust side."""

    __slots__ = ("_native",)

    def __init__(
        self,
        url: Optional[str] = None,
        *,
        token: str,
        region: Optional[str] = None,
        verify_ssl: bool = True,
        http_proxy: Optional[str] = None,
        timeout: float = 60.0,
        connect_timeout: float = 10.0,
        allow_insecure_http: bool = False,
    ) -> None:
        self._native = NativeClient(
            token=token,
            url=url,
            region=region,
            verify_ssl=verify_ssl,
            http_proxy=http_proxy,
            timeout=timeout,
            connect_timeout=connect_timeout,
            allow_insecure_http=allow_insecure_http,
        )

    @property
    def url(self) -> str:
        """The API base URL requests go to (from ``url`` or ``region``)."""
        return self._native.url

    @property
    def verify_ssl(self) -> bool:
        """Whether TLS certificates are verified."""
        return self._native.verify_ssl

    def __repr__(self) -> str:
        # Where requests go, never the token.
        return f"{type(self).__name__}(url={self.url!r}, verify_ssl={self.verify_ssl!r})"
