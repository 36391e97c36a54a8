"""Issue 5's mechanisms through the Python binding: retries, the action
deadline, the response cap, the client-side rate limiter, and the new
exception classes. The core's own fault matrix is in tests/reliability.rs."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from typing import Any

import pytest

import knowbe4_connector as kb


def put(url: str, body: Any) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT")
    request.add_header("Content-Type", "application/json")
    urllib.request.urlopen(request, timeout=10).read()


def test_transient_faults_are_retried(sim) -> None:
    sim.set_faults([{"times": 2, "fault": {"kind": "status", "status": 503}}])
    envelope = kb.Client(sim.url, token=sim.token).get_account_risk_score_history()
    assert envelope["status_code"] == 200
    assert len(sim.requests()) == 3


def test_max_attempts_one_returns_the_first_answer(sim) -> None:
    sim.set_faults([{"fault": {"kind": "status", "status": 503}}])
    envelope = kb.Client(sim.url, token=sim.token, max_attempts=1).list_policies()
    assert envelope["status_code"] == 503
    assert len(sim.requests()) == 1


def test_action_timeout_is_a_deadline_timeout(sim) -> None:
    sim.set_faults([{"fault": {"kind": "slow", "delay_ms": 1500}}])
    client = kb.Client(sim.url, token=sim.token, action_timeout=0.4)
    started = time.monotonic()
    with pytest.raises(kb.KnowBe4TimeoutError) as caught:
        client.list_policies()
    assert caught.value.kind == "deadline"
    assert isinstance(caught.value, TimeoutError)
    assert time.monotonic() - started < 1.4


def test_async_deadline_too(sim) -> None:
    sim.set_faults([{"fault": {"kind": "slow", "delay_ms": 1500}}])
    client = kb.AsyncClient(sim.url, token=sim.token, action_timeout=0.4)
    with pytest.raises(kb.KnowBe4TimeoutError) as caught:
        asyncio.run(client.list_policies())
    assert caught.value.kind == "deadline"


def test_oversized_answers_are_refused(sim) -> None:
    sim.set_faults([{"fault": {"kind": "oversized", "bytes": 300000}}])
    client = kb.Client(sim.url, token=sim.token, max_response_bytes=100000)
    with pytest.raises(kb.ResponseTooLargeError) as caught:
        client.list_policies()
    assert caught.value.kind == "response_too_large"


def test_rate_limit_keeps_to_the_servers_limits(sim) -> None:
    put(sim.url + "/_sim/rate_limits", {"per_second": 4, "per_minute": 50, "time_scale": 1.0})
    try:
        client = kb.Client(sim.url, token=sim.token, rate_limit=True)
        started = time.monotonic()
        for _ in range(6):
            assert client.get_account_risk_score_history()["status_code"] == 200
        assert time.monotonic() - started >= 1.0, "the fifth call waited for the next second"
        stats = json.load(urllib.request.urlopen(sim.url + "/_sim/stats", timeout=10))
        assert stats["rate_limited"] == 0
    finally:
        put(sim.url + "/_sim/rate_limits", None)


@pytest.mark.parametrize(
    ("option", "value"),
    [("max_attempts", 0), ("max_attempts", True), ("licensed_users", -1), ("max_response_bytes", 1.5),
     ("action_timeout", "soon"), ("rate_limit", "yes"), ("ca_bundle", "/nonexistent/ca.pem")],
)
def test_bad_reliability_options_name_the_option(sim, option: str, value: Any) -> None:
    with pytest.raises(kb.InvalidInputError) as caught:
        kb.Client(sim.url, token=sim.token, **{option: value})
    assert caught.value.input in (option, "retry")
