"""The asyncio client: every action, concurrency on one loop, cancellation."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict

import knowbe4_connector as kb
from conftest import Simulator, wait_until


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_every_action_async_matches_sync(
    aclient: kb.AsyncClient, client: kb.Client, ids: Dict[str, int]
) -> None:
    async def calls() -> Dict[str, Any]:
        return {
            "policy": await aclient.get_policy(ids["policy_id"]),
            "campaign": await aclient.get_training_campaign(ids["campaign_id"]),
            "enrollment": await aclient.get_training_enrollment(
                ids["enrollment_id"], include_campaign_id=True
            ),
            "risk": await aclient.get_account_risk_score_history(full=True),
            "policies": await aclient.list_policies(),
            "campaigns": await aclient.list_training_campaigns(exclude_percentages=True),
            "enrollments": await aclient.list_training_enrollments(page=1, per_page=50),
            "generic": await aclient.run_action(
                "get_a_specific_policy", {"path_parameters": {"policy_id": ids["policy_id"]}}
            ),
        }

    results = run(calls())
    assert all(envelope["status_code"] == 200 for envelope in results.values())
    assert results["policy"]["json_body"] == client.get_policy(ids["policy_id"])["json_body"]
    assert results["generic"]["json_body"] == results["policy"]["json_body"]
    assert len(results["enrollments"]["json_body"]) == 50
    assert "campaign_id" in results["enrollment"]["json_body"]


def test_calls_run_concurrently_off_the_loop(aclient: kb.AsyncClient, sim: Simulator) -> None:
    sim.set_faults([{"fault": {"kind": "slow", "delay_ms": 400}}])

    async def many() -> float:
        started = time.perf_counter()
        envelopes = await asyncio.gather(*(aclient.list_policies(page=1) for _ in range(8)))
        assert all(e["status_code"] == 200 for e in envelopes)
        return time.perf_counter() - started

    # Eight 0.4 s requests in sequence would take 3.2 s.
    assert run(many()) < 2.0


def test_errors_raise_from_await(aclient: kb.AsyncClient) -> None:
    async def bad() -> None:
        await aclient.get_policy(-1)

    try:
        run(bad())
    except kb.InvalidInputError as error:
        assert error.input == "policy_id"
    else:
        raise AssertionError("expected InvalidInputError")


def test_cancelling_the_task_aborts_the_rust_task(aclient: kb.AsyncClient, sim: Simulator) -> None:
    from knowbe4_connector import _native

    sim.set_faults([{"fault": {"kind": "slow", "delay_ms": 5000}}])

    async def cancel() -> None:
        task = asyncio.ensure_future(aclient.list_policies(page=1))
        await asyncio.sleep(0.3)
        assert _native.in_flight() >= 1
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        else:
            raise AssertionError("the task was not cancelled")

    started = time.perf_counter()
    run(cancel())
    assert time.perf_counter() - started < 2.0
    # The tokio task is gone long before the simulator's 5 s delay ends.
    assert wait_until(lambda: _native.in_flight() == 0, timeout=1.0)


def test_timeout_wrapper_cancels(aclient: kb.AsyncClient, sim: Simulator) -> None:
    from knowbe4_connector import _native

    sim.set_faults([{"fault": {"kind": "slow", "delay_ms": 5000}}])

    async def bounded() -> None:
        await asyncio.wait_for(aclient.list_policies(page=1), timeout=0.2)

    try:
        run(bounded())
    except asyncio.TimeoutError:
        pass
    else:
        raise AssertionError("expected asyncio.TimeoutError")
    assert wait_until(lambda: _native.in_flight() == 0, timeout=1.0)
