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
import pytest

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


def test_two_worker_processes_serve_search_and_documents(site: Site, tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "opis.cli", "serve", "--home", str(site.home)]
    # A file, not a pipe: nobody reads a pipe while the server runs, and a full one
    # would block its writers; the file is shown if anything below fails.
    log = tmp_path / "serve.stderr"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [*command, "--port", str(port), "--workers", "2"],
            stderr=stderr,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        exercise(server, f"http://127.0.0.1:{port}")
    except Exception as error:
        stop(server)
        raise AssertionError(f"{error!r}; the server wrote:\n{log.read_text()}") from error
    stop(server)
    assert "2 processes" in log.read_text()


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def exercise(server: subprocess.Popen[bytes], base: str) -> None:
    """Wait for the server, ask both kinds of page, and see its two workers."""
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/api/search", params={"q": "Ballard"}).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert server.poll() is None, "the server stopped"
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


def test_serve_gives_busy_workers_time_before_uvicorn_restarts_them(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn's default of 5 s reset a worker's connections under load in CI."""
    import uvicorn
    from typer.testing import CliRunner

    from opis.cli import app
    from opis.web.app import HOME_VARIABLE

    monkeypatch.delenv(HOME_VARIABLE, raising=False)  # serve sets it for its workers
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    result = CliRunner().invoke(app, ["serve", "--home", str(site.home), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["workers"] == 2
    assert int(str(calls[0]["timeout_worker_healthcheck"])) >= 30
