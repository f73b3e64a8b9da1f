"""Serve the whole shared corpus and measure search under 200 concurrent requests.

    .venv/bin/python bench/serve.py [--corpus ../shared/corpus] [--home DIR]
        [--requests 200] [--concurrency 200,1] [--workers 1] [--mix distinct,zipf]
        [--timeout 120] [--seed 5]

Ingests the corpus into a temporary archive (or reuses ``--home``: an archive
already there is only brought up to date), starts the app in a subprocess on
127.0.0.1 and a free port (``--workers 1``: as ``opis serve`` does; more: uvicorn
worker processes, each with its own index reader and answer cache), then sends
``--requests`` search requests, ``--concurrency`` in flight at once, to the HTML
search page and, separately, to /api/search, from an async httpx client.

The queries are drawn from the archive itself (seeded): single words, two-word
queries, quoted phrases of adjacent words, Cyrillic words, ``from:`` a real sender,
``date:`` a real year, prefixes. Two mixes:

- ``distinct``: every request a query not asked before, so nothing is answered from
  the cache: the cost of a search itself.
- ``zipf``: requests drawn from a pool of 500 such queries with Zipf weights
  (s = 1.1), as in real search logs where a few queries are asked again and again;
  repeated ones are answered from the cache.

Prints throughput and p50/p95/max latency for each. Target (issue 5): p95 under
100 ms for the search page with 200 in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path

import httpx

from opis.archive import open_archive
from opis.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
POOL = 500
ZIPF_S = 1.1
WORD = re.compile(r"[^\W\d_]{4,}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def corpus_queries(home: Path, seed: int, wanted: int) -> list[str]:
    """``wanted`` distinct queries of every kind, from the words and facts of the archive."""
    rng = random.Random(seed)
    archive = open_archive(home)
    latin: list[str] = []
    cyrillic: list[str] = []
    phrases: list[str] = []
    senders: list[str] = []
    years: list[str] = []
    try:
        for index, stored in enumerate(archive.store.iter_records()):
            if index % 7:
                continue  # a spread sample is plenty
            record = stored.record
            words = WORD.findall(record.title + " " + record.body[:3000])
            for word in words:
                (cyrillic if re.search("[а-яА-ЯёЁ]", word) else latin).append(word.lower())
            if len(words) > 2:
                start = rng.randrange(len(words) - 1)
                phrases.append(f'"{words[start]} {words[start + 1]}"')
            senders += [p.name for p in record.sender if '"' not in p.name]
            if record.date_start:
                years.append(record.date_start[:4])
    finally:
        archive.close()
    latin, cyrillic = sorted(set(latin)), sorted(set(cyrillic))
    senders, years = sorted(set(senders)), sorted(set(years))
    makers: list[tuple[int, Callable[[], str]]] = [
        (40, lambda: rng.choice(latin)),
        (15, lambda: f"{rng.choice(latin)} {rng.choice(latin)}"),
        (12, lambda: rng.choice(phrases)),
        (10, lambda: rng.choice(cyrillic) if cyrillic else rng.choice(latin)),
        (10, lambda: f'from:"{rng.choice(senders)}"' if senders else rng.choice(latin)),
        (8, lambda: f"{rng.choice(latin)} date:{rng.choice(years)}" if years else "x"),
        (5, lambda: rng.choice(latin)[:4] + "*"),
    ]
    weights = [w for w, _ in makers]
    found: dict[str, None] = {}
    for _ in range(wanted * 50):
        if len(found) >= wanted:
            break
        (_, make) = rng.choices(makers, weights)[0]
        found[make()] = None
    return list(found)


def zipf_draws(pool: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    weights = [1 / (rank**ZIPF_S) for rank in range(1, len(pool) + 1)]
    return rng.choices(pool, weights, k=n)


async def burst(
    base: str, path: str, queries: list[str], warm: list[str], concurrency: int, timeout: float
) -> str:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:

        async def one(query: str) -> None:
            async with semaphore:
                started = time.perf_counter()
                response = await client.get(path, params={"q": query})
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        # Warm-up with other queries: connections open, index pages in memory.
        for query in warm:
            await one(query)
        latencies.clear()
        statuses.clear()
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(one(q) for q in queries)), timeout)
        wall = time.perf_counter() - started
    n = len(queries)
    return (
        f"{path:<12} {n} requests, {concurrency:>3} concurrent: {n / wall:7.1f} req/s; "
        f"p50 {statistics.median(latencies):7.1f} ms, p95 {percentile(latencies, 0.95):7.1f} ms, "
        f"max {max(latencies):7.1f} ms; statuses {dict(sorted(statuses.items()))}"
    )


def app_factory() -> object:
    """The app for uvicorn worker processes (``--workers`` above 1)."""
    from opis.web import create_app

    _nodelay_for_shared_sockets()
    return create_app(Path(os.environ["OPIS_HOME"]))


def _nodelay_for_shared_sockets() -> None:
    """Set TCP_NODELAY on every accepted connection, as one process does.

    With ``--workers`` uvicorn binds the socket itself with protocol 0, and asyncio
    only sets TCP_NODELAY on sockets whose protocol is IPPROTO_TCP: Nagle's algorithm
    and delayed ACKs then add 40 ms to every keep-alive response.
    """
    import asyncio.base_events

    def set_nodelay(sock: socket.socket) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    asyncio.base_events._set_nodelay = set_nodelay  # type: ignore[attr-defined]


def start_server(home: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OPIS_HOME": str(home)}
    if workers <= 1:
        command = [sys.executable, "-m", "opis.cli", "serve", "--home", str(home)]
        command += ["--port", str(port)]
    else:
        command = [sys.executable, "-m", "uvicorn", "serve:app_factory", "--factory"]
        command += ["--app-dir", str(Path(__file__).parent), "--workers", str(workers)]
        command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(command, env=env)


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{base}/api/search", params={"q": "warm"}, timeout=5).raise_for_status()
            return True
        except httpx.HTTPError:
            if server.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--home", type=Path, default=None, help="reuse or keep the archive here")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", default="200,1", help="comma-separated levels")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--mix", default="distinct,zipf", help="distinct and/or zipf")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per burst")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        archive = open_archive(home)
        started = time.perf_counter()
        if args.home is None or archive.store.count() == 0:
            report = ingest(archive.store, [args.corpus], workers=2)
            files = f" ({report.files} files)"
        else:
            files = " (reused)"
        archive.search_index().close()
        records = archive.store.count()
        archive.close()
        print(
            f"archive           {records} records{files} in {time.perf_counter() - started:.1f} s"
        )
        levels = [int(c) for c in args.concurrency.split(",")]
        mixes = [m.strip() for m in args.mix.split(",") if m.strip()]
        bursts = len(levels) * 2 * mixes.count("distinct")
        fresh = iter(corpus_queries(home, args.seed, (bursts + 1) * (args.requests + 20) + POOL))
        pool = [next(fresh) for _ in range(POOL)]
        print(f"queries           e.g. {', '.join(pool[:8])}")
        port = free_port()
        server = start_server(home, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            if not wait_until_up(base, server, 60):
                print("the server did not start", file=sys.stderr)
                return 1
            print(f"server            {args.workers} process(es); machine load {os.getloadavg()}")
            seeds = count(args.seed)
            for mix in mixes:
                for level in levels:
                    for path in ("/search", "/api/search"):
                        queries, warm = draws(mix, fresh, pool, args.requests, next(seeds))
                        line = asyncio.run(burst(base, path, queries, warm, level, args.timeout))
                        print(f"{mix:<9} {line}")
        finally:
            server.terminate()
            server.wait(timeout=20)
    return 0


def draws(
    mix: str, fresh: Iterator[str], pool: list[str], n: int, seed: int
) -> tuple[list[str], list[str]]:
    """(measured queries, warm-up queries) for one burst."""
    if mix == "distinct":
        return [next(fresh) for _ in range(n)], [next(fresh) for _ in range(20)]
    if mix == "zipf":
        return zipf_draws(pool, n, seed), zipf_draws(pool, 20, seed + 1000)
    raise SystemExit(f"unknown mix {mix!r} (use distinct or zipf)")


if __name__ == "__main__":
    sys.exit(main())
