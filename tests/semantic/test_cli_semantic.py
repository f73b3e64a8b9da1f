"""`opis embed`, `opis similar` and `opis semantic-search` on a small real archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from opis.archive import open_archive
from opis.cli_semantic import register
from opis.ingest import ingest
from tests.semantic.conftest import DFAT_VOLUME_1, IRON_ORE, SEED, WILSON_TRANSCRIPT

OTHER_DFAT = (
    "171-mr-j-a-lyons-prime-minister-to-mr-torao-wakamatsu-japanese-consul-general-in-sydney.md",
    "25-speech-by-mr-j-a-lyons-prime-minister-to-first-plenary-session-of-imperial-conference.md",
)


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    cli = typer.Typer()
    register(cli)
    return cli


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    archive = open_archive(root)
    files = [corpus / DFAT_VOLUME_1 / name for name in (*IRON_ORE, *OTHER_DFAT)]
    report = ingest(
        archive.store, [*files, corpus / SEED, corpus / WILSON_TRANSCRIPT], analyse=False
    )
    assert report.created == 6 and not report.failed
    archive.close()
    return root


def run(app: typer.Typer, home: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--home", str(home)])
    return result.exit_code, result.stdout, result.stderr


def test_embed_then_similar_then_hybrid(app: typer.Typer, home: Path) -> None:
    code, out, _ = run(app, home, "similar", "dfat-v1-186")
    assert code == 1  # nothing embedded yet

    code, out, _ = run(app, home, "embed", "--quiet")
    assert code == 0, out
    assert out.startswith("5 records embedded") and "1 with too little English text" in out
    code, out, _ = run(app, home, "embed", "--quiet")
    assert code == 0 and out.startswith("0 records embedded")

    code, out, _ = run(app, home, "similar", "dfat-v1-186", "--json", "-n", "3")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == "dfat-v1-186" and len(data["similar"]) == 3
    first = data["similar"][0]
    assert first["id"] == "dfat-v1-202" and first["title"].startswith("Mr J. A. Lyons")
    assert first["score"] > data["similar"][1]["score"]

    code, out, _ = run(app, home, "similar", "--text", "Soviet position on Korea", "-n", "1")
    assert code == 0 and out.split()[1].startswith("wilson-1947-09-12")

    code, out, _ = run(app, home, "semantic-search", "iron ore", "--json", "-n", "6")
    assert code == 0
    hits = json.loads(out)["hits"]
    # The two on the 1938 export ban, and Lyons to the Japanese consul on iron ore.
    assert {h["id"] for h in hits[:3]} == {"dfat-v1-186", "dfat-v1-202", "dfat-v1-171"}
    assert all(h["text_rank"] and h["vector_rank"] for h in hits[:3])
    assert all(h["text_rank"] is None and h["vector_rank"] for h in hits[3:])
    assert all(h["title"] for h in hits) and len(hits) == 5


def test_usage_errors(app: typer.Typer, home: Path) -> None:
    assert run(app, home, "similar")[0] == 2
    assert run(app, home, "similar", "dfat-v1-186", "--text", "iron")[0] == 2
    code, _, err = run(app, home, "similar", "no-such-record")
    assert code == 1 and "no record 'no-such-record'" in err
    run(app, home, "embed", "--quiet")
    code, _, err = run(app, home, "similar", "wilson-transcript-33548")
    assert code == 1 and "has no embedding" in err
    code, _, err = run(app, home, "semantic-search", '"unbalanced')
    assert code == 2 and "error:" in err
    code, _, err = run(app, home, "semantic-search", "iron", "--filter", "year")
    assert code == 2 and "FIELD=VALUE" in err
