"""`knowbe4 turbine` against Swimlane's reference runner, byte for byte.

Both run as Turbine runs an action (a process, JSON on stdin, ASSET_KEYS) against
the same simulator. Every case here is one where the reference's behaviour is
the specification: a single request. The documented, deliberate differences
(the connector pulls every page of a list by default, refuses bad input before
sending, sends booleans as true/false, verifies TLS unless told not to) are not
compared here; docs/TURBINE.md lists them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KNOWBE4 = Path(os.environ.get("KNOWBE4_BIN", ROOT / "target" / "debug" / "knowbe4"))
ASSET_KEYS = "url,token,verify_ssl,http_proxy"


@pytest.fixture(scope="module")
def simulator():
    process = subprocess.Popen(
        [str(KNOWBE4), "simulate", "--port", "0", "--users", "120"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    match = re.search(r"listening on (http://\S+)", line)
    assert match, f"simulator did not start: {line!r}"
    yield match.group(1)
    process.kill()
    process.wait()


def set_faults(url: str, rules: list) -> None:
    request = urllib.request.Request(f"{url}/_sim/faults", data=json.dumps(rules).encode(), method="PUT")
    request.add_header("Content-Type", "application/json")
    urllib.request.urlopen(request).read()


def get_json(url: str, path: str):
    request = urllib.request.Request(f"{url}{path}", headers={"Authorization": "Bearer sim-token"})
    return json.load(urllib.request.urlopen(request))


def run(command: list[str], stdin: dict) -> tuple[str, str, int]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env["ASSET_KEYS"] = ASSET_KEYS
    done = subprocess.run(command, input=json.dumps(stdin), capture_output=True, text=True, env=env, cwd=ROOT)
    return done.stdout, done.stderr, done.returncode


def normalise(text: str) -> str:
    # The simulator numbers its answers; the two runs get different numbers.
    return re.sub(r'"X-Request-Id": "[^"]*"', '"X-Request-Id": "<id>"', text)


def compare(simulator: str, action: str, inputs: dict, expect_exit: int) -> str:
    stdin = {"url": simulator, "token": "sim-token", "verify_ssl": True, **inputs}
    reference = run([sys.executable, str(ROOT / "tests" / "reference" / "turbine_reference.py"), action], stdin)
    ours = run([str(KNOWBE4), "turbine", action], stdin)
    assert reference[2] == expect_exit, f"reference runner: {reference}"
    assert normalise(ours[0]) == normalise(reference[0]), "stdout differs"
    assert normalise(ours[1]) == normalise(reference[1]), "stderr differs"
    assert ours[2] == reference[2]
    return ours[0] or ours[1]


def test_single_policy(simulator):
    policy_id = get_json(simulator, "/v1/training/policies?per_page=1")[0]["policy_id"]
    out = compare(simulator, "get_a_specific_policy", {"path_parameters": {"policy_id": policy_id}}, 0)
    assert out.startswith("::set-output {")


def test_campaign_with_non_ascii_names(simulator):
    campaigns = get_json(simulator, "/v1/training/campaigns?exclude_percentages=true&per_page=100")
    for campaign in campaigns:
        compare(simulator, "get_a_specific_training_campaign", {"path_parameters": {"campaign_id": campaign["campaign_id"]}}, 0)


def test_enrollment_with_string_flag(simulator):
    enrollment_id = get_json(simulator, "/v1/training/enrollments?per_page=1")[0]["enrollment_id"]
    inputs = {"path_parameters": {"enrollment_id": str(enrollment_id)}, "parameters": {"include_campaign_id": "true"}}
    compare(simulator, "get_a_specific_training_enrollment", inputs, 0)


def test_risk_score_history_floats(simulator):
    compare(simulator, "get_account_risk_score_history", {"parameters": {"full": "true"}}, 0)
    compare(simulator, "get_account_risk_score_history", {}, 0)


def test_one_page_of_each_list(simulator):
    compare(simulator, "get_all_policies", {"parameters": {"page": 1, "per_page": 5}}, 0)
    compare(simulator, "get_all_training_campaigns", {"parameters": {"page": 1, "per_page": 10}}, 0)
    compare(simulator, "get_all_training_enrollments", {"parameters": {"page": 2, "per_page": 50}}, 0)


def test_not_found_is_the_whole_envelope_on_stderr(simulator):
    out = compare(simulator, "get_a_specific_training_campaign", {"path_parameters": {"campaign_id": 999999}}, 1)
    assert out.startswith('::set-error {"status_code": 404')


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "status", "status": 429},
        {"kind": "status", "status": 500},
        {"kind": "status", "status": 502},
        {"kind": "html503"},
        {"kind": "truncated_json"},
        {"kind": "invalid_json"},
    ],
)
def test_faults(simulator, fault):
    set_faults(simulator, [{"fault": fault}])
    try:
        expect_exit = 1 if fault["kind"] in ("status", "html503") else 0
        compare(simulator, "get_account_risk_score_history", {}, expect_exit)
    finally:
        set_faults(simulator, [])


def test_bad_token_401(simulator):
    stdin = {"url": simulator, "token": "wrong-token", "verify_ssl": True}
    reference = run([sys.executable, str(ROOT / "tests" / "reference" / "turbine_reference.py"), "get_all_policies"], stdin)
    ours = run([str(KNOWBE4), "turbine", "get_all_policies"], stdin)
    assert reference[2] == ours[2] == 1
    assert normalise(ours[1]) == normalise(reference[1])


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (200, "application/json", b"\xef\xbb\xbf[1, 2]"),  # declared JSON keeps its BOM: not JSON
        (200, None, b"\xef\xbb\xbf[1, 2]"),  # undeclared: the BOM is guessed away
        (200, "text/plain", '["Zoë", 1.5, {"k": "安"}]'.encode()),  # JSON as text/*: read as Latin-1
        (200, "text/html; charset=ISO-8859-1", b"<p>caf\xe9</p>"),
        (200, "text/plain; charset=windows-1252", b"\x80 \x93quoted\x94 \x81"),
        (200, "text/plain; charset=us-ascii", b"caf\xc3\xa9"),
        (200, "application/json", b'{"a": "\xff\xfe", "b": [1, 2.50, -0.0, 1E3]}'),  # bad UTF-8 declared
        (200, "application/json; charset=utf-8", b""),
        (200, None, b'{"ok": true, "n": 12345678901234567890}'),
        (200, "application/octet-stream", b"not json at all"),
        (200, "text/csv", b"a,b\r\n1,2\r\n"),
        (500, "text/html", b"<html><body>Erreur \xe9lev\xe9e</body></html>"),
        (429, "application/json", b'{"message": "Rate limit exceeded"}'),
    ],
)
def test_unusual_bodies(simulator, status, content_type, body):
    set_faults(simulator, [{"fault": {"kind": "custom", "status": status, "content_type": content_type, "body": list(body)}}])
    try:
        compare(simulator, "get_account_risk_score_history", {}, 0 if status < 400 else 1)
    finally:
        set_faults(simulator, [])
