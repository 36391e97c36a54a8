"""A process that used AsyncClient must exit cleanly: the runtime's worker
threads are stopped by an atexit hook before the interpreter finalizes (a
worker touching Python during finalization aborted about 1 run in 3)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import asyncio, sys, knowbe4_connector as kb
async def main():
    client = kb.AsyncClient(sys.argv[1], token=sys.argv[2])
    for _ in range(5):
        assert (await client.list_policies())["status_code"] == 200
asyncio.run(main())
"""


def test_async_use_then_exit_is_clean(sim) -> None:
    codes = [
        subprocess.run([sys.executable, "-c", SCRIPT, sim.url, sim.token], capture_output=True, timeout=60).returncode
        for _ in range(12)
    ]
    assert codes == [0] * 12, codes


def test_a_call_after_shutdown_starts_a_new_runtime(sim) -> None:
    import knowbe4_connector as kb
    from knowbe4_connector import _native

    client = kb.Client(sim.url, token=sim.token)
    assert client.list_policies()["status_code"] == 200
    _native.shutdown_runtime()
    assert client.list_policies()["status_code"] == 200
