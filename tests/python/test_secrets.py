"""The token never shows: not in repr, exceptions, or DEBUG logs."""

from __future__ import annotations

import logging
from typing import Dict

import pytest

import knowbe4_connector as kb
from conftest import Simulator, free_port

SECRET = "sup3r-secret-t0ken-value"


def test_repr_shows_url_not_token(sim: Simulator) -> None:
    for cls in (kb.Client, kb.AsyncClient):
        client = cls(sim.url, token=SECRET)
        shown = repr(client)
        assert sim.url in shown and SECRET not in shown
        assert SECRET not in repr(client._native)
        assert not any(SECRET in repr(getattr(client, name, "")) for name in dir(client))


def test_exceptions_and_logs_never_carry_the_token(
    sim: Simulator, ids: Dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="knowbe4_connector")
    client = kb.Client(sim.url, token=SECRET, timeout=0.3)
    seen = []
    # A 401 (wrong token), a timeout, a refused connection, a refused input.
    seen.append(repr(client.get_policy(ids["policy_id"])))
    sim.set_faults([{"fault": {"kind": "slow", "delay_ms": 2000}}])
    for call in (
        lambda: client.list_policies(page=1),
        lambda: kb.Client(f"http://127.0.0.1:{free_port()}", token=SECRET).get_policy(1),
        lambda: client.get_policy(0),
        lambda: kb.Client("http://example.com", token=SECRET),
    ):
        with pytest.raises(kb.KnowBe4Error) as caught:
            call()
        seen.extend([str(caught.value), repr(caught.value), repr(caught.value.__dict__)])
    assert caplog.records, "expected DEBUG records per action"
    seen.extend(record.getMessage() for record in caplog.records)
    seen.extend(repr(record.__dict__) for record in caplog.records)
    assert not [text for text in seen if SECRET in text]


def test_debug_record_per_action(client: kb.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="knowbe4_connector")
    client.list_policies(page=1)
    records = [r for r in caplog.records if r.name == "knowbe4_connector"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.DEBUG
    assert getattr(record, "action") == "get_all_policies"
    assert getattr(record, "status_code") == 200
    assert getattr(record, "duration_ms") >= 0
    assert "get_all_policies -> 200 OK in" in record.getMessage()
