"""Every action through the blocking client, and the envelope's shape."""

from __future__ import annotations

from typing import Any, Dict

import knowbe4_connector as kb
from conftest import Simulator

ENVELOPE_HEAD = ["status_code", "response_headers", "reason"]


def assert_ok(envelope: Dict[str, Any]) -> Any:
    assert type(envelope) is dict
    assert list(envelope)[:3] == ENVELOPE_HEAD
    assert list(envelope)[3:] in (["json_body"], ["response_text"])
    assert envelope["status_code"] == 200, envelope
    assert envelope["reason"] == "OK"
    assert envelope["response_headers"]["Content-Type"].startswith("application/json")
    return envelope["json_body"]


def test_get_policy(client: kb.Client, ids: Dict[str, int]) -> None:
    body = assert_ok(client.get_policy(ids["policy_id"]))
    assert body["policy_id"] == ids["policy_id"]


def test_get_training_campaign(client: kb.Client, ids: Dict[str, int]) -> None:
    body = assert_ok(client.get_training_campaign(ids["campaign_id"]))
    assert body["campaign_id"] == ids["campaign_id"]


def test_get_training_enrollment(client: kb.Client, ids: Dict[str, int]) -> None:
    plain = assert_ok(client.get_training_enrollment(ids["enrollment_id"]))
    assert plain["enrollment_id"] == ids["enrollment_id"]
    assert "campaign_id" not in plain
    flagged = assert_ok(
        client.get_training_enrollment(ids["enrollment_id"], include_campaign_id=True)
    )
    assert "campaign_id" in flagged


def test_get_account_risk_score_history(client: kb.Client, sim: Simulator) -> None:
    six_months = assert_ok(client.get_account_risk_score_history())
    full = assert_ok(client.get_account_risk_score_history(full=True))
    assert isinstance(six_months, list) and isinstance(full, list)
    assert len(full) >= len(six_months)
    assert sim.requests()[-1]["query"] == "full=true"


def test_list_policies_all_pages_and_one_page(client: kb.Client) -> None:
    every = assert_ok(client.list_policies())
    one = assert_ok(client.list_policies(page=1, per_page=2))
    assert len(one) == 2 and one == every[:2]


def test_list_training_campaigns(client: kb.Client, sim: Simulator) -> None:
    every = assert_ok(client.list_training_campaigns())
    assert len(every) == 24
    assert "exclude_percentages=true" in sim.requests()[0]["query"]
    with_percentages = assert_ok(client.list_training_campaigns(exclude_percentages=False))
    assert 0 < len(with_percentages) <= 10


def test_list_training_enrollments_pages_filters_and_cursor(
    client: kb.Client, ids: Dict[str, int]
) -> None:
    every = assert_ok(client.list_training_enrollments())
    assert len(every) == 900  # 300 users x 3 enrollments
    by_cursor = assert_ok(client.list_training_enrollments(cursor=True))
    assert [e["enrollment_id"] for e in by_cursor] == [e["enrollment_id"] for e in every]
    in_campaign = assert_ok(
        client.list_training_enrollments(campaign_id=ids["campaign_id"], include_campaign_id=True)
    )
    assert in_campaign and all(e["campaign_id"] == ids["campaign_id"] for e in in_campaign)
    page = assert_ok(
        client.list_training_enrollments(
            page=2, per_page=7, exclude_archived_users=True, include_employee_number=True,
            include_store_purchase_id=True,
        )
    )
    assert len(page) == 7


def test_run_action_generic_matches_method(client: kb.Client, ids: Dict[str, int]) -> None:
    generic = client.run_action(
        "get_a_specific_policy", {"path_parameters": {"policy_id": ids["policy_id"]}}
    )
    assert generic["json_body"] == client.get_policy(ids["policy_id"])["json_body"]
    # Turbine's string forms are accepted too: the core does the checking.
    as_text = client.run_action(
        "get_a_specific_training_enrollment",
        {
            "path_parameters": {"enrollment_id": str(ids["enrollment_id"])},
            "parameters": {"include_campaign_id": "true"},
            "headers": {"X-Trace": "abc"},
        },
    )
    assert "campaign_id" in as_text["json_body"]


def test_http_errors_are_envelopes(client: kb.Client, sim: Simulator) -> None:
    missing = client.get_policy(999_999_999)
    assert missing["status_code"] == 404 and missing["reason"] == "Not Found"
    sim.set_faults([{"fault": {"kind": "status", "status": 429, "retry_after": "0"}}])
    limited = client.list_policies(page=1)
    assert limited["status_code"] == 429
    assert limited["response_headers"]["Retry-After"] == "0"
    sim.set_faults([{"fault": {"kind": "html503"}}])
    down = client.list_policies(page=1)
    assert down["status_code"] == 503
    assert list(down)[3] == "response_text" and "<html" in down["response_text"].lower()


def test_json_values_become_python_objects(client: kb.Client, ids: Dict[str, int]) -> None:
    body = client.get_training_campaign(ids["campaign_id"])["json_body"]
    assert type(body) is dict
    kinds = {type(value) for value in body.values()}
    assert kinds <= {int, float, str, bool, list, dict, type(None)}
    assert type(body["campaign_id"]) is int
