"""The asyncio client."""

from __future__ import annotations

import time
from typing import Any, Dict, Optional, Sequence, Union

from . import _inputs
from ._base import _ClientBase
from ._logging import log_outcome
from ._types import Envelope


class AsyncClient(_ClientBase):
    """An asyncio KnowBe4 reporting API client, with the same methods as ``Client``.

    Give ``url`` (a regional API host, a gateway, or a simulator) or
    ``region`` (``us``, ``eu``, ``ca``, ``uk``, ``de``), and ``token``.
    ``timeout`` bounds each HTTP request and ``connect_timeout`` each
    connection, in seconds. Plain ``http://`` is accepted only to loopback
    hosts unless ``allow_insecure_http=True``. ``http_proxy`` sends every
    request through that proxy.

    Reliability: 429, 500, 502, 503, 504 and connection failures are retried
    (``max_attempts`` tries, exponential backoff with full jitter, or the
    server's ``Retry-After``); ``action_timeout`` bounds a whole action, every
    page and retry included; KnowBe4's rate limits (4/s, 50/min, 2,000 plus
    ``licensed_users`` a day) are kept client-side, shared by every call of
    the client (``rate_limit=None``: on except for a loopback URL; ``True`` or
    ``False`` forces it). ``max_response_bytes`` caps one answer's size and
    ``ca_bundle`` (a PEM file path) adds trusted CAs.

    Every call returns the HTTP envelope as a ``dict`` (any HTTP status,
    including 404 and 429) or raises a ``KnowBe4Error`` subclass when there
    was no usable answer. The work runs on a Rust runtime, off the event loop;
    cancelling the awaiting task aborts the request.
    """

    __slots__ = ()

    async def run_action(self, action: str, inputs: Optional[Dict[str, Any]] = None) -> Envelope:
        """Run ``action`` by its Turbine name with Turbine-shaped ``inputs``:
        ``{"path_parameters": {...}, "parameters": {...}, "headers": {...}}``.
        """
        started = time.perf_counter()
        try:
            envelope = await self._native.run_action_async(action, inputs)
        except BaseException as error:
            log_outcome(action, started, error=error)
            raise
        log_outcome(action, started, envelope)
        return envelope

    async def get_policy(self, policy_id: int) -> Envelope:
        """One uploaded policy (action ``get_a_specific_policy``)."""
        return await self.run_action(*_inputs.policy(policy_id))

    async def get_training_campaign(self, campaign_id: int) -> Envelope:
        """One training campaign (action ``get_a_specific_training_campaign``)."""
        return await self.run_action(*_inputs.training_campaign(campaign_id))

    async def get_training_enrollment(
        self, enrollment_id: int, *, include_campaign_id: Optional[bool] = None
    ) -> Envelope:
        """One training enrollment (action ``get_a_specific_training_enrollment``)."""
        return await self.run_action(*_inputs.training_enrollment(enrollment_id, include_campaign_id))

    async def get_account_risk_score_history(self, *, full: Optional[bool] = None) -> Envelope:
        """The account's risk score history: six months, or all with ``full=True``
        (action ``get_account_risk_score_history``)."""
        return await self.run_action(*_inputs.risk_score_history(full))

    async def list_policies(
        self, *, page: Optional[int] = None, per_page: Optional[int] = None
    ) -> Envelope:
        """Every policy (all pages joined), or one page when ``page`` or
        ``per_page`` is given (action ``get_all_policies``)."""
        return await self.run_action(*_inputs.policies(page, per_page))

    async def list_training_campaigns(
        self,
        *,
        exclude_percentages: Optional[bool] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
        status: Optional[str] = None,
    ) -> Envelope:
        """Every training campaign, or one page (action ``get_all_training_campaigns``).

        Unset ``exclude_percentages`` sends ``true`` (KnowBe4 returns at most
        10 campaigns otherwise); ``False`` gives percentages for at most 10.
        """
        return await self.run_action(*_inputs.training_campaigns(exclude_percentages, page, per_page, status))

    async def list_training_enrollments(
        self,
        *,
        store_purchase_id: Optional[int] = None,
        campaign_id: Optional[int] = None,
        user_id: Optional[int] = None,
        exclude_archived_users: Optional[bool] = None,
        include_campaign_id: Optional[bool] = None,
        include_store_purchase_id: Optional[bool] = None,
        include_employee_number: Optional[bool] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
        cursor: Union[str, bool, None] = None,
        status: Optional[str] = None,
    ) -> Envelope:
        """Every matching training enrollment (all pages, or following the
        cursor from ``cursor=True`` or a ``next_cursor`` value), or one page
        (action ``get_all_training_enrollments``)."""
        return await self.run_action(
            *_inputs.training_enrollments(
                store_purchase_id=store_purchase_id,
                campaign_id=campaign_id,
                user_id=user_id,
                exclude_archived_users=exclude_archived_users,
                include_campaign_id=include_campaign_id,
                include_store_purchase_id=include_store_purchase_id,
                include_employee_number=include_employee_number,
                page=page,
                per_page=per_page,
                cursor=cursor,
                status=status,
            )
        )

    async def list_store_purchases(
        self, *, page: Optional[int] = None, per_page: Optional[int] = None
    ) -> Envelope:
        """Every store purchase, or one page (action ``get_all_store_purchases``).
        Records keep KnowBe4's id key, ``store_purchase_id`` or ``store_purchased_id``."""
        return await self.run_action(*_inputs.store_purchases(page, per_page))

    async def get_store_purchase(self, store_purchase_id: int) -> Envelope:
        """One store purchase (action ``get_a_specific_store_purchase``)."""
        return await self.run_action(*_inputs.store_purchase(store_purchase_id))

    async def list_modules(
        self,
        *,
        type: Optional[str] = None,  # noqa: A002 - the API's name
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> Envelope:
        """Store purchases and uploaded policies as one list of ``{source,
        module_id, name, type, record}``, optionally of one ``type`` (Training
        Module, Video, Game, Assessment, Policy, Newsletter, Poster), paged over the
        combined list (action ``get_all_modules``)."""
        return await self.run_action(*_inputs.modules(type, page, per_page))

    async def get_module(self, module_id: int, *, source: Optional[str] = None) -> Envelope:
        """One module; ``source`` is ``"store_purchase"`` or ``"policy"`` and is
        required (action ``get_a_specific_module``)."""
        return await self.run_action(*_inputs.module(module_id, source))

    async def get_training_compliance_report(
        self,
        *,
        campaign_id: Optional[int] = None,
        campaign_ids: Optional[Sequence[int]] = None,
        as_of: Optional[str] = None,
        exclude_archived_users: Optional[bool] = None,
    ) -> Envelope:
        """Compliance of one campaign, several, or all (action
        ``get_training_compliance_report``): counts by status, completion rate,
        who needs a reminder, past-due-but-completed cases, time spent, per
        content type and per campaign. ``as_of`` (``YYYY-MM-DD`` or UTC time)
        is when deadlines are judged; default now."""
        return await self.run_action(
            *_inputs.compliance_report(campaign_id, campaign_ids, as_of, exclude_archived_users)
        )
