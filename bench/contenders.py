"""Python contenders. One benchmark per process:

    python contenders.py MODE URL [N IDS_FILE]

MODE: connector-sync-pull, connector-async-pull, requests-pull, httpx-pull,
      connector-sync-single, requests-single, httpx-single.
Prints one JSON line: {"wall_s": ..., "records": ...} or {"wall_s": ..., "lat": [...]}.
Imports happen before the clock starts; the process's CPU and max RSS are
measured by the parent (bench/bench.py, os.wait4).
"""
import json
import sys
import time

TOKEN = "sim-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
PER_PAGE = 500


def loop_pull(get):
    """The usual hand-written pull: page=1.., per_page=500, stop on a short page."""
    records = []
    page = 1
    while True:
        batch = get(page)
        records.extend(batch)
        if len(batch) < PER_PAGE:
            return records
        page += 1


def main():
    mode, url = sys.argv[1], sys.argv[2].rstrip("/")
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    ids = open(sys.argv[4]).read().split() if len(sys.argv) > 4 else []
    ids = [int(v) for v in ids]
    enroll = url + "/v1/training/enrollments"
    out = {}
    if mode.endswith("-pull"):
        if mode == "connector-sync-pull":
            from knowbe4_connector import Client

            client = Client(url=url, token=TOKEN)
            start = time.perf_counter()
            records = client.list_training_enrollments()["json_body"]
        elif mode == "connector-async-pull":
            import asyncio

            from knowbe4_connector import AsyncClient

            async def run():
                client = AsyncClient(url=url, token=TOKEN)
                return (await client.list_training_enrollments())["json_body"]

            start = time.perf_counter()
            records = asyncio.run(run())
        elif mode == "requests-pull":
            import requests

            session = requests.Session()
            session.headers.update(HEADERS)
            start = time.perf_counter()
            records = loop_pull(
                lambda page: session.get(enroll, params={"page": page, "per_page": PER_PAGE}).json()
            )
        elif mode == "httpx-pull":
            import httpx

            client = httpx.Client(headers=HEADERS)
            start = time.perf_counter()
            records = loop_pull(
                lambda page: client.get(enroll, params={"page": page, "per_page": PER_PAGE}).json()
            )
        else:
            raise SystemExit(f"unknown mode {mode}")
        out = {"wall_s": time.perf_counter() - start, "records": len(records)}
    else:
        if mode == "connector-sync-single":
            from knowbe4_connector import Client

            client = Client(url=url, token=TOKEN)
            call = lambda i: client.get_training_enrollment(i)["json_body"]  # noqa: E731
        elif mode == "requests-single":
            import requests

            session = requests.Session()
            session.headers.update(HEADERS)
            call = lambda i: session.get(f"{enroll}/{i}").json()  # noqa: E731
        elif mode == "httpx-single":
            import httpx

            client = httpx.Client(headers=HEADERS)
            call = lambda i: client.get(f"{enroll}/{i}").json()  # noqa: E731
        else:
            raise SystemExit(f"unknown mode {mode}")
        assert call(ids[0])["enrollment_id"] == ids[0]  # warm-up: opens the keep-alive connection
        lat = []
        clock = time.perf_counter
        start = clock()
        for k in range(n):
            t = clock()
            call(ids[k % len(ids)])
            lat.append(clock() - t)
        out = {"wall_s": clock() - start, "lat": lat}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
