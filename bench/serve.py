"""Serve the whole shared corpus and measure search under 200 concurrent connections.

    .venv/bin/python bench/serve.py [--corpus ../shared/corpus] [--home DIR]
        [--workers 2] [--connections 200] [--seconds 10]
        [--mix distinct,longtail,repeat] [--path /search,/api/search] [--seed 5]

Ingests the corpus into a temporary archive (or reuses ``--home``: an archive already
there is only brought up to date), starts ``opis serve --workers N`` on 127.0.0.1 and
a free port, and loads it with wrk (Debian's ``wrk``, which ``scripts/setup.sh``
installs): ``--connections`` kept open, each sending its next request as soon as
the last is answered, for ``--seconds``. wrk is C and uses little of the 2 cores;
an async Python client took a third of them.

The queries are drawn from the archive itself (seeded): single words, two-word
queries, quoted phrases of adjacent words, Cyrillic words, ``from:`` a real sender,
``date:`` a real year, prefixes. Each mix has queries of its own (none answered from
another mix's cache):

- ``distinct``: every request a query not asked before: the cost of a search itself.
- ``longtail``: Zipf-distributed draws (s = 1.1) from 20,000 queries, starting cold;
  about a third of requests in the first 10 s ask a query for the first time.
- ``repeat``: Zipf draws from 500 queries, as in search logs where a few queries are
  asked again and again; run twice, cold and then warm (the second run is the steady
  state of a busy reading room).

Prints throughput, p50/p95/p99/max latency and the share of requests that asked a
query for the first time. Target (issue 5): p95 under 100 ms for the search page
with 200 in flight.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx

from opis.archive import open_archive
from opis.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
ZIPF_S = 1.1
POOLS = {"longtail": 20_000, "repeat": 500}
WORD = re.compile(r"[^\W\d_]{4,}")

# Each connection takes the next path of the file named by $PATHS; the two wrk
# threads take alternate lines, so no path is sent twice unless the file repeats it.
WRK_SCRIPT = """
local paths = {}
local counter = 0
local thread_index = 0
init = function(args)
  for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
end
setup = function(thread)
  thread:set("offset", thread_index)
  thread_index = thread_index + 1
end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[((counter * 2 + offset) % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d us=%d errors=%d non2xx=%d p50=%d p95=%d p99=%d max=%d\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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


def run_wrk(
    base: str, paths: list[str], connections: int, seconds: int, folder: Path
) -> dict[str, int]:
    script = folder / "paths.lua"
    script.write_text(WRK_SCRIPT)
    listing = folder / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    done = subprocess.run(
        [*command, "-s", str(script), base],
        env={**os.environ, "PATHS": str(listing)},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return {k: int(v) for k, v in (part.split("=") for part in line.split()[1:])}


def report(name: str, path: str, result: dict[str, int], paths: list[str], seen: set[str]) -> str:
    """One line of figures; ``seen`` (paths asked in earlier runs) is brought up to date."""
    served = result["requests"]
    # The two threads take alternate lines at about the same pace: the first
    # `served` lines are (about) what was asked. Each worker process has its own
    # cache, so a little more than the first-time share was computed afresh.
    asked = paths[:served]
    first_time = set(asked) - seen
    seen.update(first_time)
    new = len(first_time) / max(1, len(asked))
    seconds = result["us"] / 1e6
    failed = result["errors"] + result["non2xx"]
    return (
        f"{name:<14} {path:<12} {served / seconds:8.0f} req/s  p50 {result['p50'] / 1000:7.1f} ms"
        f"  p95 {result['p95'] / 1000:7.1f} ms  p99 {result['p99'] / 1000:7.1f} ms"
        f"  max {result['max'] / 1000:7.1f} ms  first-time queries {100 * new:3.0f}%"
        f"  failed {failed}"
    )


def start_server(home: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "opis.cli", "serve", "--home", str(home)]
    command += ["--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})


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
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10, help="per run")
    parser.add_argument("--mix", default="distinct,longtail,repeat")
    parser.add_argument("--path", default="/search,/api/search")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench/serve.py needs wrk: bash scripts/setup.sh (or apt-get install wrk)")
        return 2
    mixes = [m.strip() for m in args.mix.split(",") if m.strip()]
    routes = [p.strip() for p in args.path.split(",") if p.strip()]
    unknown = set(mixes) - {"distinct", *POOLS}
    if unknown:
        parser.error(f"unknown mix {', '.join(sorted(unknown))} (distinct, longtail, repeat)")
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        archive = open_archive(home)
        started = time.perf_counter()
        if args.home is None or archive.store.count() == 0:
            result = ingest(archive.store, [args.corpus], workers=2)
            files = f" ({result.files} files)"
        else:
            files = " (reused)"
        archive.search_index().close()
        records = archive.store.count()
        archive.close()
        print(f"archive        {records} records{files} in {time.perf_counter() - started:.1f} s")
        # Enough fresh queries for every run: at most ~1,000 new ones a second.
        per_run = 1_000 * args.seconds + 1_000
        wanted = len(routes) * (mixes.count("distinct") * per_run + sum(POOLS.values()))
        fresh = iter(corpus_queries(home, args.seed, wanted))
        print(f"queries        {wanted:,} drawn from the archive")
        port = free_port()
        server = start_server(home, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        rng_seed = args.seed
        try:
            if not wait_until_up(base, server, 120):
                print("the server did not start", file=sys.stderr)
                return 1
            print(
                f"server         {args.workers} process(es), {args.connections} connections, "
                f"{args.seconds} s a run; load before: {os.getloadavg()[0]:.2f}"
            )
            folder = Path(tmp)
            seen: set[str] = set()
            for mix in mixes:
                for route in routes:
                    rng_seed += 1
                    if mix == "distinct":
                        queries = [next(fresh) for _ in range(per_run)]
                        runs = [("distinct", queries)]
                    else:
                        pool = [next(fresh) for _ in range(POOLS[mix])]
                        queries = zipf_draws(pool, 200_000, rng_seed)
                        runs = [(mix, queries)]
                        if mix == "repeat":
                            runs = [("repeat cold", queries), ("repeat warm", queries[::-1])]
                    for name, drawn in runs:
                        paths = [f"{route}?{urlencode({'q': q})}" for q in drawn]
                        result = run_wrk(base, paths, args.connections, args.seconds, folder)
                        print(report(name, route, result, paths, seen), flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
