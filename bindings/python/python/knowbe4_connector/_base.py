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
        action_timeout: Optional[float] = None,
        max_attempts: int = 4,
        rate_limit: Optional[bool] = None,
        licensed_users: int = 0,
        max_response_bytes: int = 64 * 1024 * 1024,
        ca_bundle: Optional[str] = None,
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
            action_timeout=action_timeout,
            max_attempts=max_attempts,
            rate_limit=rate_limit,
            licensed_users=licensed_users,
            max_response_bytes=max_response_bytes,
            ca_bundle=ca_bundle,
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
