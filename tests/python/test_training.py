"""Issue 6's training-program tools through the Python binding."""

from __future__ import annotations

import asyncio

import pytest

import knowbe4_connector as kb


def test_store_purchases_and_modules(client: kb.Client) -> None:
    purchases = client.list_store_purchases()["json_body"]
    assert purchases and all("store_purchase_id" in p or "store_purchased_id" in p for p in purchases)
    first = purchases[0]
    first_id = first.get("store_purchase_id", first.get("store_purchased_id"))
    assert client.get_store_purchase(first_id)["json_body"] == first
    policies = client.list_policies()["json_body"]
    modules = client.list_modules()["json_body"]
    assert len(modules) == len(purchases) + len(policies)
    videos = client.list_modules(type="video")["json_body"]
    assert videos and all(m["type"] == "Video" and m["source"] == "store_purchase" for m in videos)
    one = client.get_module(policies[0]["policy_id"], source="policy")["json_body"]
    assert one["record"] == policies[0]


def test_status_filters(client: kb.Client) -> None:
    everything = client.list_training_enrollments()["json_body"]
    past_due = client.list_training_enrollments(status="past_due")["json_body"]
    assert past_due == [e for e in everything if e["status"] == "Past Due"]
    with pytest.raises(kb.InvalidInputError) as caught:
        client.list_training_campaigns(status="running")
    assert caught.value.input == "status"


def test_compliance_report_counts_every_enrollment(client: kb.Client, aclient: kb.AsyncClient) -> None:
    everything = client.list_training_enrollments()["json_body"]
    report = client.get_training_compliance_report(as_of="2024-09-01")["json_body"]
    assert report["total_enrollments"] == len(everything)
    for status in ("Passed", "Completed", "In Progress", "Not Started", "Past Due"):
        assert report["by_status"][status] == sum(1 for e in everything if e["status"] == status)
    campaigns = client.list_training_campaigns()["json_body"]
    ids = [c["campaign_id"] for c in campaigns[:2]]
    scoped = asyncio.run(aclient.get_training_compliance_report(campaign_ids=ids, as_of="2024-09-01"))
    assert scoped["json_body"]["scope"] == ids
