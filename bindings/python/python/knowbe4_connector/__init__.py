"""KnowBe4 reporting API connector: blocking and asyncio clients over a Rust core.

>>> from knowbe4_connector import Client
>>> client = Client(region="us", token="...")          # doctest: +SKIP
>>> envelope = client.list_policies()                   # doctest: +SKIP
>>> envelope["status_code"], envelope["json_body"]      # doctest: +SKIP

Every call returns Swimlane Turbine's HTTP envelope as a ``dict``
(``status_code``, ``response_headers``, ``reason``, then ``json_body`` or
``response_text``) for any HTTP status, or raises a ``KnowBe4Error``
subclass when there was no usable HTTP answer.

Methods and the actions they run:

=================================  =====================================
method                             action
=================================  =====================================
``get_policy``                     ``get_a_specific_policy``
``get_training_campaign``          ``get_a_specific_training_campaign``
``get_training_enrollment``        ``get_a_specific_training_enrollment``
``get_account_risk_score_history`` ``get_account_risk_score_history``
``list_policies``                  ``get_all_policies``
``list_training_campaigns``        ``get_all_training_campaigns``
``list_training_enrollments``      ``get_all_training_enrollments``
=================================  =====================================

``run_action(name, inputs)`` runs any action by name with Turbine-shaped
inputs, and ``python -m knowbe4_connector ACTION`` speaks Turbine's
runtime protocol.
"""

from __future__ import annotations

import atexit as _atexit
from typing import Any, Dict, List

from . import _native
from ._async_client import AsyncClient
from ._client import Client
from ._types import Envelope

from .errors import (
    ConnectError,
    DecodeError,
    InvalidInputError,
    KnowBe4Error,
    KnowBe4TimeoutError,
    RateLimitError,
    ResponseTooLargeError,
    TlsError,
    TransportError,
)

__version__: str = _native.__version__
"""The connector's version (the Rust core's)."""

METHOD_ACTIONS: Dict[str, str] = {
    "get_policy": "get_a_specific_policy",
    "get_training_campaign": "get_a_specific_training_campaign",
    "get_training_enrollment": "get_a_specific_training_enrollment",
    "get_account_risk_score_history": "get_account_risk_score_history",
    "list_policies": "get_all_policies",
    "list_training_campaigns": "get_all_training_campaigns",
    "list_training_enrollments": "get_all_training_enrollments",
    "list_store_purchases": "get_all_store_purchases",
    "get_store_purchase": "get_a_specific_store_purchase",
    "list_modules": "get_all_modules",
    "get_module": "get_a_specific_module",
    "get_training_compliance_report": "get_training_compliance_report",
}
"""Each typed client method and the Turbine action it runs."""


def actions() -> List[Dict[str, Any]]:
    """The connector's actions, from the Rust core's table: ``name``,
    ``title``, ``description``, ``method``, ``endpoint``, ``paging``, and
    ``inputs`` (each with ``name``, ``group``, ``type``, ``required``,
    ``description``)."""
    return _native.actions()


__all__ = [
    "AsyncClient",
    "Client",
    "ConnectError",
    "DecodeError",
    "Envelope",
    "InvalidInputError",
    "KnowBe4Error",
    "KnowBe4TimeoutError",
    "METHOD_ACTIONS",
    "RateLimitError",
    "ResponseTooLargeError",
    "TlsError",
    "TransportError",
    "__version__",
    "actions",
]

# Stop the Rust runtime's worker threads while the interpreter is still whole;
# a thread that touched Python during finalization would abort the process.
_atexit.register(_native.shutdown_runtime)
