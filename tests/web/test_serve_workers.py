"""``opis serve --workers 2``: two processes over one archive, each answering."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.web.conftest import SEED_ID, Site


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the second field after the parenthesised command.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_two_worker_processes_serve_search_and_documents(site: Site) -> None:
    port = free_port()
    command = [sys.executable, "-m", "opis.cli", "serve", "--home", str(site.home)]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/search", params={"q": "Ballard"}).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        with httpx.Client(base_url=base) as client:
            for q, found in (("Ballard", "dfat-v11-1"), ("Сталин", SEED_ID), ("Stalin", SEED_ID)):
                for _ in range(2):  # computed, then from a worker's answer cache
                    response = client.get("/search", params={"q": q})
                    assert response.status_code == 200 and f"/documents/{found}?" in response.text
            assert client.get(f"/documents/{SEED_ID}").status_code == 200
            hits = client.get("/api/search", params={"q": "Сталин"}).json()["hits"]
            assert SEED_ID in [hit["id"] for hit in hits]
        # uvicorn's supervisor keeps two worker processes.
        deadline = time.monotonic() + 30
        while len(children(server.pid)) < 2:
            assert time.monotonic() < deadline, children(server.pid)
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.stderr is not None
    banner = server.stderr.read().decode()
    assert "2 processes" in banner
