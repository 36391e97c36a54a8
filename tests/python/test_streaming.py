"""Multi-page pulls are converted page by page, straight from each page's
JSON text: the records must be exactly what ``json.loads`` gives for the
same bytes, and anything but a complete pull must not leak partial lists."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from typing import Any, Dict, List, Optional

import knowbe4_connector as kb
from conftest import Simulator, wait_until

ENROLLMENTS = "/v1/training/enrollments"


def raw_pages(sim: Simulator, path: str, per_page: int = 500) -> List[Any]:
    """Every page of `path`, read and parsed by the standard library."""
    records: List[Any] = []
    page = 1
    while True:
        request = urllib.request.Request(f"{sim.url}{path}?page={page}&per_page={per_page}")
        request.add_header("Authorization", f"Bearer {sim.token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            batch = json.loads(response.read())
        records.extend(batch)
        if len(batch) < per_page:
            return records
        page += 1


def custom(body: bytes, content_type: Optional[str] = "application/json") -> Dict[str, Any]:
    fault: Dict[str, Any] = {"kind": "custom", "status": 200, "body": list(body)}
    if content_type is not None:
        fault["content_type"] = content_type
    return {"path": ENROLLMENTS, "fault": fault}


def test_full_pull_is_what_json_loads_reads(client: kb.Client, sim: Simulator) -> None:
    expected = raw_pages(sim, ENROLLMENTS)
    assert len(expected) > 500, "the session simulator must serve more than one page"
    sim.clear_requests()
    envelope = client.list_training_enrollments()
    assert list(envelope) == ["status_code", "response_headers", "reason", "json_body"]
    assert envelope["status_code"] == 200 and envelope["reason"] == "OK"
    assert envelope["response_headers"]["Content-Type"].startswith("application/json")
    assert envelope["json_body"] == expected
    # Key order too: dict equality ignores it, json.loads keeps the server's.
    assert [list(record) for record in envelope["json_body"]] == [list(r) for r in expected]
    assert len(sim.requests()) == -(-len(expected) // 500) + (len(expected) % 500 == 0)


def test_async_full_pull_is_what_json_loads_reads(aclient: kb.AsyncClient, sim: Simulator) -> None:
    expected = raw_pages(sim, ENROLLMENTS)
    envelope = asyncio.run(aclient.list_training_enrollments())
    assert envelope["json_body"] == expected
    assert list(envelope) == ["status_code", "response_headers", "reason", "json_body"]


# Numbers, escapes, non-BMP text, nesting, empty containers, a repeated key
# (last value, first position, as json.loads does), odd whitespace. Not
# here: `-0` (serde_json reads it as the float -0.0, json.loads as the int
# 0) and integers beyond 64 bits (read as floats): see docs/TURBINE.md.
TRICKY = (
    b' [ {"id": 1, "b": 2, "id": 3, "n": [0, -0.0, 1.5, 2.5e-8, 1E3, 1e300, -9223372036854775808,'
    b' 18446744073709551615, 9223372036854775807], "s": ["\\u00e9\\ud83d\\ude00", "tab\\tq\\"b\\\\",'
    b' "\xc3\xa9\xf0\x9f\x98\x80", ""], "o": {}, "a": [], "x": null, "t": true, "f": false},'
    b'\n\t"plain", 3, 2.5, null, [[[]]] ] \n'
)


def test_tricky_json_converts_like_json_loads(client: kb.Client, sim: Simulator) -> None:
    sim.set_faults([custom(TRICKY)])
    body = client.list_training_enrollments()["json_body"]
    expected = json.loads(TRICKY)
    assert body == expected
    assert list(body[0]) == list(expected[0])
    assert [type(v) for v in body[0]["n"]] == [type(v) for v in expected[0]["n"]]
    assert str(body[0]["n"][1]) == "-0.0"


def test_async_tricky_json_converts_like_json_loads(aclient: kb.AsyncClient, sim: Simulator) -> None:
    sim.set_faults([custom(TRICKY)])
    body = asyncio.run(aclient.list_training_enrollments())["json_body"]
    assert body == json.loads(TRICKY)


def test_bodies_requests_would_decode_differently_still_match(client: kb.Client, sim: Simulator) -> None:
    latin = '[{"name": "caf\u00e9"}]'.encode("utf-8")
    sim.set_faults([custom(latin, content_type="text/plain")])
    # text/* without a charset is Latin-1 to requests: the UTF-8 bytes read as two characters.
    assert client.list_training_enrollments()["json_body"] == json.loads(latin.decode("latin-1"))
    sim.set_faults([custom(b"\xef\xbb\xbf[1, 2]", content_type=None)])
    assert client.list_training_enrollments()["json_body"] == [1, 2]


def test_a_page_that_is_not_a_json_array_is_an_error_naming_the_page(client: kb.Client, sim: Simulator) -> None:
    sim.set_faults([custom(b'[{"a": 1}, {"a": ')])
    try:
        client.list_training_enrollments()
    except kb.DecodeError as error:
        assert "page 1" in str(error)
    else:
        raise AssertionError("expected DecodeError")


def test_a_failing_page_mid_pull_is_that_pages_envelope(sim: Simulator) -> None:
    client = kb.Client(sim.url, token=sim.token, max_attempts=1)
    sim.set_faults([{"path": ENROLLMENTS, "after": 1, "times": 1, "fault": {"kind": "status", "status": 500}}])
    envelope = client.list_training_enrollments()
    assert envelope["status_code"] == 500
    assert not isinstance(envelope.get("json_body"), list), "no partial list of page 1's records"


def test_async_failing_page_mid_pull_is_that_pages_envelope(sim: Simulator) -> None:
    client = kb.AsyncClient(sim.url, token=sim.token, max_attempts=1)
    sim.set_faults([{"path": ENROLLMENTS, "after": 1, "times": 1, "fault": {"kind": "status", "status": 404}}])
    envelope = asyncio.run(client.list_training_enrollments())
    assert envelope["status_code"] == 404
    assert not isinstance(envelope.get("json_body"), list)


def test_status_filter_keeps_paging_on_the_servers_count(client: kb.Client, sim: Simulator) -> None:
    everything = raw_pages(sim, ENROLLMENTS)
    sim.clear_requests()
    passed = client.list_training_enrollments(status="passed")["json_body"]
    assert passed == [r for r in everything if r["status"].lower() == "passed"]
    assert 0 < len(passed) < len(everything)
    assert len(sim.requests()) == -(-len(everything) // 500) + (len(everything) % 500 == 0)


def test_cancelling_a_pull_between_pages_stops_it(aclient: kb.AsyncClient, sim: Simulator) -> None:
    from knowbe4_connector import _native

    sim.set_faults([{"path": ENROLLMENTS, "after": 1, "fault": {"kind": "slow", "delay_ms": 5000}}])

    async def cancel() -> None:
        task = asyncio.ensure_future(aclient.list_training_enrollments())
        await asyncio.sleep(0.5)
        assert _native.in_flight() >= 1
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        else:
            raise AssertionError("the task was not cancelled")

    started = time.perf_counter()
    asyncio.run(cancel())
    assert time.perf_counter() - started < 2.0
    assert wait_until(lambda: _native.in_flight() == 0, timeout=1.0)
