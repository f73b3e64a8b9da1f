"""Serve the whole shared corpus and measure search under 200 concurrent requests.

    .venv/bin/python bench/serve.py [--corpus ../shared/corpus] [--home DIR]
        [--requests 200] [--concurrency 200,1] [--timeout 60]

Ingests the corpus into a temporary archive (or reuses ``--home``), starts the app
as ``opis serve`` does (uvicorn, one process) in a subprocess on 127.0.0.1 and a
free port, then sends ``--requests`` search requests, all in flight at once, to the
HTML search page and, separately, to /api/search, from an async httpx client; then
again one at a time (concurrency 1), which shows the time one search costs.
Prints throughput and p50/p95/max latency for each. Target (issue 5): p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from opis.archive import open_archive
from opis.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]

# Real queries of each kind the reading room gets: words, names across scripts,
# Cyrillic, phrases, fields and date ranges.
QUERIES = [
    "korea commission",
    "Сталин",
    "Molotov",
    "Хрущёв",
    '"joint commission"',
    "from:Malik",
    "date:1947-09",
    "telegram moscow",
    "indonesia ballard",
    "khru*",
    "propaganda",
    "type:cable",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def burst(base: str, path: str, n: int, concurrency: int, timeout: float) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:

        async def one(i: int) -> None:
            query = QUERIES[i % len(QUERIES)]
            async with semaphore:
                started = time.perf_counter()
                response = await client.get(path, params={"q": query})
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        # One warm-up round so the index is open and each query parsed once.
        for i in range(len(QUERIES)):
            await one(i)
        latencies.clear()
        statuses.clear()
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(n))), timeout)
        wall = time.perf_counter() - started
    print(
        f"{path:<12} {n} requests, {concurrency} concurrent: {n / wall:7.1f} req/s; "
        f"p50 {statistics.median(latencies):6.1f} ms, p95 {percentile(latencies, 0.95):6.1f} ms, "
        f"max {max(latencies):6.1f} ms; statuses {dict(sorted(statuses.items()))}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--home", type=Path, default=None, help="reuse or keep the archive here")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", default="200,1", help="comma-separated levels")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per burst")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        archive = open_archive(home)
        started = time.perf_counter()
        report = ingest(archive.store, [args.corpus], workers=2)
        archive.search_index().close()
        count = archive.store.count()
        archive.close()
        print(
            f"archive           {count} records ({report.files} files) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "opis.cli", "serve", "--home", str(home), "--port", str(port)],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"{base}/api/collections", timeout=2).raise_for_status()
                    break
                except httpx.HTTPError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        print("the server did not start", file=sys.stderr)
                        return 1
                    time.sleep(0.2)
            for level in (int(c) for c in args.concurrency.split(",")):
                for path in ("/search", "/api/search"):
                    asyncio.run(burst(base, path, args.requests, level, args.timeout))
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
