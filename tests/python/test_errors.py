"""Each exception class, raised for the right reason, with its attributes;
and under every simulator fault only envelopes or KnowBe4Error come back."""

from __future__ import annotations

import asyncio
import pickle
import time
from typing import Any, Callable, Dict, List

import pytest

import knowbe4_connector as kb
from conftest import Simulator, free_port


def test_hierarchy() -> None:
    assert issubclass(kb.InvalidInputError, kb.KnowBe4Error)
    assert issubclass(kb.InvalidInputError, ValueError)
    assert issubclass(kb.KnowBe4TimeoutError, kb.KnowBe4Error)
    assert issubclass(kb.KnowBe4TimeoutError, TimeoutError)
    for cls in (kb.ConnectError, kb.TlsError, kb.TransportError, kb.DecodeError):
        assert issubclass(cls, kb.KnowBe4Error)
    assert issubclass(kb.KnowBe4Error, Exception)


@pytest.mark.parametrize(
    ("call", "input_name"),
    [
        (lambda c: c.get_policy(0), "policy_id"),
        (lambda c: c.get_policy(-3), "policy_id"),
        (lambda c: c.get_policy(1.5), "policy_id"),
        (lambda c: c.get_policy(True), "policy_id"),
        (lambda c: c.get_policy(2**70), "policy_id"),
        (lambda c: c.get_training_enrollment(1, include_campaign_id="maybe"), "include_campaign_id"),
        (lambda c: c.get_account_risk_score_history(full=1), "full"),
        (lambda c: c.list_policies(per_page=501), "per_page"),
        (lambda c: c.list_policies(page=object()), "page"),
        (lambda c: c.list_training_enrollments(cursor=True, page=1), "cursor"),
        (lambda c: c.run_action("get_all_policies", {"parameters": {"nope": 1}}), "nope"),
        (lambda c: c.run_action("get_all_policies", {"bogus_group": {}}), "bogus_group"),
        (lambda c: c.run_action("no_such_action"), "action"),
        (lambda c: c.run_action("get_all_policies", ["not", "a", "dict"]), "inputs"),
    ],
)
def test_invalid_input_sends_nothing(
    client: kb.Client, sim: Simulator, call: Callable[[kb.Client], Any], input_name: str
) -> None:
    with pytest.raises(kb.InvalidInputError) as caught:
        call(client)
    error = caught.value
    assert error.kind == "invalid_input"
    assert error.input == input_name, str(error)
    assert input_name in str(error)
    assert sim.requests() == []


def test_invalid_input_names_the_action(client: kb.Client) -> None:
    with pytest.raises(kb.InvalidInputError) as caught:
        client.get_policy(0)
    assert caught.value.action == "get_a_specific_policy"


@pytest.mark.parametrize(
    ("kwargs", "input_name"),
    [
        ({"url": "http://example.com"}, "url"),
        ({"url": "ftp://x"}, "url"),
        ({}, "url"),
        ({"region": "mars"}, "region"),
        ({"url": "https://x.test", "region": "us"}, "url"),
        ({"url": "https://x.test", "timeout": 0}, "timeout"),
        ({"url": "https://x.test", "timeout": -1.0}, "timeout"),
        ({"url": "https://x.test", "connect_timeout": float("nan")}, "connect_timeout"),
        ({"url": "https://x.test", "verify_ssl": "yes"}, "verify_ssl"),
        ({"url": "https://x.test", "http_proxy": "not a url"}, "http_proxy"),
    ],
)
def test_bad_configuration(kwargs: Dict[str, Any], input_name: str) -> None:
    with pytest.raises(kb.InvalidInputError) as caught:
        kb.Client(token="t", **kwargs)
    assert caught.value.input == input_name


def test_regions_and_insecure_opt_in() -> None:
    assert kb.Client(region="eu", token="t").url == "https://eu.api.knowbe4.com"
    opted = kb.Client("http://gateway.internal", token="t", allow_insecure_http=True)
    assert opted.url == "http://gateway.internal"


def test_connect_refused() -> None:
    client = kb.Client(f"http://127.0.0.1:{free_port()}", token="t", connect_timeout=2.0)
    with pytest.raises(kb.ConnectError) as caught:
        client.list_policies(page=1)
    assert caught.value.kind == "connect"
    assert caught.value.action == "get_all_policies"


def test_connect_refused_async() -> None:
    client = kb.AsyncClient(f"http://127.0.0.1:{free_port()}", token="t")
    with pytest.raises(kb.ConnectError):
        asyncio.run(client.get_policy(1))


def test_timeout(sim: Simulator) -> None:
    sim.set_faults([{"fault": {"kind": "slow", "delay_ms": 10000}}])
    client = kb.Client(sim.url, token=sim.token, timeout=0.3)
    started = time.perf_counter()
    with pytest.raises(kb.KnowBe4TimeoutError) as caught:
        client.list_policies(page=1)
    # Well under the 3 s delay even with the core's retries of a timed-out request.
    assert time.perf_counter() - started < 6.0
    assert caught.value.kind == "timeout"
    assert isinstance(caught.value, TimeoutError)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"kind": "truncated_json"}, "envelope"),
        ({"kind": "invalid_json"}, "envelope"),
        ({"kind": "reset"}, kb.KnowBe4Error),
    ],
)
def test_broken_answers_on_single_requests(
    client: kb.Client, sim: Simulator, ids: Dict[str, int], fault: Dict[str, Any], expected: Any
) -> None:
    sim.set_faults([{"fault": fault}])
    if expected == "envelope":
        envelope = client.get_policy(ids["policy_id"])
        assert "response_text" in envelope
    else:
        with pytest.raises(expected):
            client.get_policy(ids["policy_id"])


def test_multi_page_pull_of_garbage_is_decode_error(client: kb.Client, sim: Simulator) -> None:
    sim.set_faults([{"path": "/v1/training/policies", "after": 1, "fault": {"kind": "invalid_json"}}])
    try:
        result: Any = client.list_policies(per_page=None)
    except kb.KnowBe4Error as error:
        assert error.kind in ("decode", "transport")
    else:
        assert isinstance(result, dict)


FAULTS: List[Dict[str, Any]] = [
    {"fault": {"kind": "status", "status": 503}},
    {"fault": {"kind": "status", "status": 500}},
    # The core retries 429/5xx/timeouts/resets with backoff (honouring
    # Retry-After); bounded rules keep the sweep fast and exercise recovery.
    {"times": 2, "fault": {"kind": "status", "status": 429, "retry_after": "0"}},
    {"fault": {"kind": "html503"}},
    {"times": 1, "fault": {"kind": "slow", "delay_ms": 600}},
    {"fault": {"kind": "truncated_json"}},
    {"fault": {"kind": "invalid_json"}},
    {"fault": {"kind": "reset"}},
    {"after": 1, "times": 1, "fault": {"kind": "reset"}},
    {"after": 2, "fault": {"kind": "truncated_json"}},
    {"path": "/v1/training/enrollments", "after": 1, "fault": {"kind": "invalid_json"}},
]


@pytest.mark.parametrize("rule", FAULTS, ids=lambda rule: str(rule))
def test_faults_give_envelopes_or_knowbe4_errors(
    sim: Simulator, ids: Dict[str, int], rule: Dict[str, Any]
) -> None:
    sim.set_faults([rule])
    client = kb.Client(sim.url, token=sim.token, timeout=0.4)
    aclient = kb.AsyncClient(sim.url, token=sim.token, timeout=0.4)
    calls: List[Callable[[], Any]] = [
        lambda: client.get_policy(ids["policy_id"]),
        lambda: client.get_training_enrollment(ids["enrollment_id"], include_campaign_id=True),
        lambda: client.list_policies(),
        lambda: client.list_training_campaigns(),
        lambda: client.list_training_enrollments(per_page=None),
        lambda: client.list_training_enrollments(cursor=True),
        lambda: asyncio.run(aclient.list_training_enrollments()),
        lambda: asyncio.run(aclient.get_account_risk_score_history()),
    ]
    for call in calls:
        try:
            envelope = call()
        except kb.KnowBe4Error as error:
            assert error.kind in ("connect", "timeout", "transport", "decode"), error
        else:
            assert type(envelope) is dict
            assert isinstance(envelope["status_code"], int)
            assert ("json_body" in envelope) != ("response_text" in envelope)


def test_errors_pickle_with_attributes(client: kb.Client) -> None:
    with pytest.raises(kb.InvalidInputError) as caught:
        client.get_policy(0)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is kb.InvalidInputError
    assert (copy.kind, copy.action, copy.input, str(copy)) == (
        "invalid_input",
        "get_a_specific_policy",
        "policy_id",
        str(caught.value),
    )
