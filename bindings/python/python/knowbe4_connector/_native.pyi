"""Type stubs of the private Rust extension module (checked by ``mypy.stubtest``)."""

import asyncio
from typing import Any, Dict, List, Optional, final

from ._types import Envelope

__all__ = [
    "__version__",
    "USER_AGENT",
    "NativeClient",
    "actions",
    "turbine_main",
    "in_flight",
    "shutdown_runtime",
]

__version__: str
USER_AGENT: str

@final
class NativeClient:
    """A KnowBe4 connector client (internal: use ``knowbe4_connector.Client``)."""

    def __new__(
        cls,
        *,
        token: str,
        url: Optional[str] = None,
        region: Optional[str] = None,
        verify_ssl: Optional[bool] = None,
        http_proxy: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        allow_insecure_http: Optional[bool] = None,
        action_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        rate_limit: Optional[bool] = None,
        licensed_users: Optional[int] = None,
        max_response_bytes: Optional[int] = None,
        ca_bundle: Optional[str] = None,
    ) -> NativeClient: ...
    @property
    def url(self) -> str:
        """The API base URL requests go to."""
    @property
    def verify_ssl(self) -> bool:
        """Whether TLS certificates are verified."""
    def run_action(self, action: str, inputs: Optional[Dict[str, Any]] = None) -> Envelope:
        """Run ``action`` with Turbine-shaped ``inputs``; blocks with the GIL released."""
    def run_action_async(
        self, action: str, inputs: Optional[Dict[str, Any]] = None
    ) -> asyncio.Future[Envelope]:
        """Start ``action`` on the runtime and return an asyncio future of its envelope."""

def actions() -> List[Dict[str, Any]]:
    """Every action of the core's table."""

def turbine_main(action: str) -> int:
    """Run ``action`` under Turbine's protocol on this process's stdio; return the exit status."""

def in_flight() -> int:
    """The number of action tasks still running on the runtime (for tests)."""
def shutdown_runtime() -> None:
    """Stop the connector's tokio runtime (registered with ``atexit``)."""
